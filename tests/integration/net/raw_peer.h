// A raw WebSocket client for tests of peers that misbehave in ways run_client never does (text
// frames, oversized or compressed-bomb frames, readers that stop reading, silent peers): Beast's
// synchronous API over a blocking socket, with receive and send timeouts on the socket so that
// no call can block for good. Not thread-safe: one thread uses a peer at a time.
//
// Includes Beast: only the tests that need raw frames include this header.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <cstdint>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace liaison::test {

struct RawPeerOptions {
  int rcvbuf = 0;        // > 0 pins the socket's receive buffer (turning off auto-tuning)
  bool deflate = false;  // offer permessage-deflate (off: the server's bytes arrive unchanged)
                         // and send each message of up to 1 MiB compressed as one frame
  int timeout_s = 10;    // no blocking read or write lasts longer than this
};

class RawPeer {
 public:
  // Connects to 127.0.0.1:port and upgrades to WebSocket on /sync; check error() after.
  explicit RawPeer(uint16_t port, RawPeerOptions options = {}) : ws_(ioc_) {
    namespace asio = boost::asio;
    asio::ip::tcp::socket& sock = ws_.next_layer();
    sock.open(asio::ip::tcp::v4());
    if (options.rcvbuf > 0)
      sock.set_option(asio::socket_base::receive_buffer_size(options.rcvbuf));
    timeval tv{options.timeout_s, 0};
    ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (options.deflate) {
      boost::beast::websocket::permessage_deflate pmd;
      pmd.client_enable = true;
      ws_.set_option(pmd);
      // A compressed message then goes in one frame, written whole before the server answers.
      ws_.write_buffer_bytes(1 << 20);
    }
    sock.connect({asio::ip::make_address("127.0.0.1"), port}, ec_);
    if (!ec_) ws_.handshake("127.0.0.1", "/sync", ec_);
  }

  // The error of the connection or the upgrade; empty when the peer is open.
  boost::beast::error_code error() const { return ec_; }
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket>& ws() { return ws_; }

  // Sends one message (binary unless text).
  boost::beast::error_code write(const std::string& bytes, bool text = false) {
    boost::beast::error_code ec;
    ws_.text(text);
    ws_.write(boost::asio::buffer(bytes), ec);
    return ec;
  }

  // Reads one message into out (when given). After a close from the server the result is
  // websocket::error::closed and ws().reason() holds the server's close code and reason.
  boost::beast::error_code read(std::string* out = nullptr) {
    boost::beast::error_code ec;
    boost::beast::flat_buffer buffer;
    ws_.read(buffer, ec);
    if (!ec && out) *out = boost::beast::buffers_to_string(buffer.data());
    return ec;
  }

 private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::error_code ec_;
};

}  // namespace liaison::test
