// WsServer against raw peers that misbehave in ways run_client never does: a text frame, a
// reader that stops reading, a WebSocket peer that goes silent, a TCP peer that never sends the
// upgrade request. The raw peers (tests/integration/net/raw_peer.h) use Beast's synchronous API
// with timeouts on the socket, so no call here can block for good.
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "tests/integration/net/net_testing.h"
#include "tests/integration/net/raw_peer.h"

namespace liaison::net::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

using test::RawPeer;

TEST(WsServerRaw, TextFrameIsRefusedWith1003) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  RawPeer peer(server->port());
  ASSERT_FALSE(peer.error()) << peer.error().message();
  ASSERT_FALSE(peer.write("hello", /*text=*/true));
  beast::error_code ec = peer.read();
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(peer.ws().reason().code, 1003);
  EXPECT_EQ(journal.frames, 0);
  EXPECT_TRUE(poll_until([&] { return journal.closes == 1; }));
}

TEST(WsServerRaw, SlowReaderIsClosedAndTheQueueStaysBounded) {
  Journal journal;
  ServerOptions o = test_options();
  o.max_queued_bytes = 1 << 20;
  o.idle_timeout = 2s;
  auto server = start_server(journal, o);
  ASSERT_TRUE(server);
  RawPeer peer(server->port(), {.rcvbuf = 64 * 1024});
  ASSERT_FALSE(peer.error()) << peer.error().message();
  // 100 small requests, each answered with 256 KB (25 MB in all, far more than the socket
  // buffers hold); the peer never reads.
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(peer.write("big:262144:1"));
  ASSERT_TRUE(poll_until([&] { return journal.closes == 1; }, 30s));
  ServerStats s = server->stats();
  EXPECT_LE(s.peak_queued_bytes, o.max_queued_bytes);
  EXPECT_LT(s.frames_in, 100u);  // back-pressure: the server stopped reading
  EXPECT_TRUE(poll_until([&] { return server->stats().queued_bytes == 0; }));
}

TEST(WsServerRaw, IdleTimeoutClosesASilentPeer) {
  Journal journal;
  ServerOptions o = test_options();
  o.idle_timeout = 1s;
  auto server = start_server(journal, o);
  ASSERT_TRUE(server);
  RawPeer peer(server->port());  // handshakes, then never reads (so never answers a ping)
  ASSERT_FALSE(peer.error()) << peer.error().message();
  ASSERT_TRUE(poll_until([&] { return journal.opens == 1; }));
  EXPECT_TRUE(poll_until([&] { return journal.closes == 1; }, 15s));
  EXPECT_EQ(server->stats().open_connections, 0u);
}

TEST(WsServerRaw, HandshakeTimeoutCutsAPeerThatNeverUpgrades) {
  Journal journal;
  ServerOptions o = test_options();
  o.handshake_timeout = 1s;
  auto server = start_server(journal, o);
  ASSERT_TRUE(server);
  asio::io_context ioc;
  tcp::socket sock(ioc);
  sock.open(tcp::v4());
  timeval tv{15, 0};
  ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sock.connect({asio::ip::make_address("127.0.0.1"), server->port()});
  char byte;
  beast::error_code ec;
  size_t n = sock.read_some(asio::buffer(&byte, 1), ec);  // blocks until the server cuts us
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
  EXPECT_EQ(journal.opens, 0);
}

// Sends a raw HTTP request and returns the status line of the answer.
std::string http_status_line(uint16_t port, const std::string& request) {
  asio::io_context ioc;
  tcp::socket sock(ioc);
  sock.open(tcp::v4());
  timeval tv{10, 0};
  ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  beast::error_code ec;
  sock.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (!ec) asio::write(sock, asio::buffer(request), ec);
  std::string answer;
  char buf[512];
  while (!ec && answer.find("\r\n") == std::string::npos) {
    size_t n = sock.read_some(asio::buffer(buf), ec);
    answer.append(buf, n);
  }
  return answer.substr(0, answer.find("\r\n"));
}

TEST(WsServerRaw, PlainHttpRequestsGetAnErrorAnswer) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  EXPECT_EQ(http_status_line(server->port(), "GET /other HTTP/1.1\r\nHost: x\r\n\r\n"),
            "HTTP/1.1 404 Not Found");
  EXPECT_EQ(http_status_line(server->port(), "GET /sync HTTP/1.1\r\nHost: x\r\n\r\n"),
            "HTTP/1.1 426 Upgrade Required");
  EXPECT_EQ(journal.opens, 0);
}

}  // namespace
}  // namespace liaison::net::testing
