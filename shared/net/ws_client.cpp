// run_client: resolve -> TCP connect (deadline) -> TLS handshake (wss) -> WebSocket handshake
// -> on_open -> { read a frame -> decode -> on_frame -> send its frames } ... -> close.
// Two threads: the connection's I/O (and the handler's decode) runs on a thread of its own, in
// its own io_context, so no strand is needed; the handler's calls run on the caller's thread,
// which owns whatever the handler works on, and their replies are posted back. The I/O thread
// reads and decodes the next frame while the handler works on the one before (two frames at
// most between them), and answers pings meanwhile. One read is outstanding at a time and one
// write is in flight, the rest waits in a queue; the client keeps reading while it writes so
// that neither side can block the other for good.
#include "shared/net/ws_client.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <type_traits>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <fcntl.h>
#include <unistd.h>

#include "shared/net/tcp_bytes.h"

namespace liaison::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using beast::error_code;
using tcp = asio::ip::tcp;

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

const char* close_code_name(uint16_t code) {
  switch (code) {
    case 1000: return "normal";
    case 1001: return "going away";
    case 1002: return "protocol error";
    case 1003: return "unsupported data";
    case 1008: return "policy violation";
    case 1009: return "message too big";
    case 1011: return "server error";
    default: return "other";
  }
}

std::string seconds(std::chrono::seconds s) { return std::to_string(s.count()) + " s"; }

// Received frames the client holds at most: the one the handler works on and one read ahead.
constexpr size_t kFramesAhead = 2;

// A handler call for the caller's thread: on_open, or on_frame with a received frame.
struct Call {
  bool open = false;
  Incoming in;
};

// The handler calls waiting for the caller's thread, in order. The I/O thread pushes them; the
// caller's thread takes them until the connection has ended.
class CallQueue {
 public:
  void push(Call call) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (ended_) return;
      calls_.push_back(std::move(call));
    }
    ready_.notify_one();
  }
  // No call is taken after this; those still waiting are dropped, as frames never read would be.
  void end() {
    std::deque<Call> dropped;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ended_ = true;
      dropped.swap(calls_);
    }
    ready_.notify_one();
  }
  // Waits for the next call; nullopt once the queue has ended.
  std::optional<Call> pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [this] { return ended_ || !calls_.empty(); });
    if (ended_) return std::nullopt;
    Call call = std::move(calls_.front());
    calls_.pop_front();
    return call;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Call> calls_;
  bool ended_ = false;
};

template <class Ws>
class Client {
  static constexpr bool kTls = std::is_same_v<Ws, TlsWs>;

 public:
  template <class... TlsArgs>
  Client(asio::io_context& ioc, const ClientOptions& options, const WsUrl& url,
         ClientHandler& handler, ClientStats& stats, TlsArgs&... tls)
      : ioc_(ioc), o_(options), url_(url), handler_(handler), st_(stats), resolver_(ioc),
        ws_(ioc, tls...) {}
  ~Client() {
    if (wire_fd_ >= 0) ::close(wire_fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs the whole connection: its I/O on a thread of its own, the handler's calls on the
  // calling thread. The outcome is in the returned Status.
  Status run() {
    resolver_.async_resolve(url_.host, url_.port,
                            [this](error_code ec, tcp::resolver::results_type results) {
                              on_resolve(ec, std::move(results));
                            });
    // The loop must not run out of work while the handler works and nothing is in flight:
    // only finish() ends it.
    auto work = asio::make_work_guard(ioc_);
    std::thread io;
    try {
      io = std::thread([this] {
        ioc_.run();
        calls_.end();
      });
    } catch (const std::system_error& e) {
      return Status::internal(std::string("cannot start the connection's thread: ") + e.what());
    }
    while (std::optional<Call> call = calls_.pop()) handle(std::move(*call));
    io.join();
    return result_ ? *result_ : Status::internal("the client loop ended without an outcome");
  }

 private:
  std::string where() const {
    return (url_.host.find(':') != std::string::npos ? "[" + url_.host + "]" : url_.host) + ":" +
           url_.port;
  }

  // Records the outcome once and stops the loop; later completions are ignored.
  void finish(Status status, ClientFailure failure) {
    if (result_) return;
    result_ = std::move(status);
    st_.failure = failure;
    error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
    count_tcp_bytes();
    ioc_.stop();
  }

  // Reads what crossed TCP into the stats and releases the second descriptor. Once the first
  // one is closed too, this ends the connection.
  void count_tcp_bytes() {
    if (wire_fd_ < 0) return;
    detail::TcpBytes wire;
    if (detail::read_tcp_bytes(wire_fd_, &wire)) {
      st_.tcp_bytes_sent = wire.sent;
      st_.tcp_bytes_received = wire.received;
    }
    ::close(wire_fd_);
    wire_fd_ = -1;
  }

  void on_resolve(error_code ec, tcp::resolver::results_type results) {
    if (ec) {
      return finish(Status::io("cannot resolve host '" + url_.host + "': " + ec.message()),
                    ClientFailure::kResolve);
    }
    beast::get_lowest_layer(ws_).expires_after(o_.connect_timeout);
    beast::get_lowest_layer(ws_).async_connect(
        results, [this](error_code cec, const tcp::endpoint&) { on_connect(cec); });
  }

  void on_connect(error_code ec) {
    if (ec) {
      std::string why = ec == beast::error::timeout
                            ? "no answer within " + seconds(o_.connect_timeout)
                            : ec.message();
      return finish(Status::io("cannot connect to " + where() + ": " + why),
                    ClientFailure::kConnect);
    }
    // A second descriptor keeps the kernel's socket, and so its byte counters, alive after the
    // closing handshake has closed the first one; count_tcp_bytes() reads and releases it.
    wire_fd_ =
        ::fcntl(beast::get_lowest_layer(ws_).socket().native_handle(), F_DUPFD_CLOEXEC, 0);
    if constexpr (kTls) {
      if (!prepare_tls()) return;
      ws_.next_layer().async_handshake(ssl::stream_base::client,
                                       [this](error_code hec) { on_tls_handshake(hec); });
    } else {
      do_upgrade();
    }
  }

  // Server name indication, and the name or address the certificate must match.
  bool prepare_tls() {
    SSL* ssl_handle = ws_.next_layer().native_handle();
    error_code ec;
    asio::ip::make_address(url_.host, ec);
    bool is_ip = !ec;
    bool ok = is_ip || SSL_set_tlsext_host_name(ssl_handle, url_.host.c_str()) == 1;
    if (ok && !o_.insecure_tls) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
      ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, url_.host.c_str()) == 1
                 : X509_VERIFY_PARAM_set1_host(param, url_.host.c_str(), 0) == 1;
    }
    if (!ok) finish(Status::io("cannot set up TLS for host " + url_.host), ClientFailure::kTls);
    return ok;
  }

  void on_tls_handshake(error_code ec) {
    if (!ec) return do_upgrade();
    std::string why = ec.message();
    if (ec == beast::error::timeout) {
      why = "no answer within " + seconds(o_.connect_timeout);
    } else if constexpr (kTls) {
      long verify = SSL_get_verify_result(ws_.next_layer().native_handle());
      if (verify != X509_V_OK) {
        why = std::string("certificate verification failed: ") +
              X509_verify_cert_error_string(verify);
      }
    }
    finish(Status::io("TLS handshake with " + where() + " failed: " + why), ClientFailure::kTls);
  }

  void do_upgrade() {
    // Turn off the TCP deadline: the WebSocket layer has its own timers from here on.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = o_.connect_timeout;
    timeouts.idle_timeout = o_.io_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    // A one-change sync is about 1 KB and the upgrade is half of it: no User-Agent, and the
    // deflate offer without the window sizes Beast spells out, which are the defaults (15 bits
    // each way; RFC 7692 7.1.2). The server still answers with its own window size.
    ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
      req.erase(http::field::user_agent);
      req.set(http::field::sec_websocket_extensions, "permessage-deflate");
    }));
    websocket::permessage_deflate pmd;
    pmd.client_enable = true;
    // Level 1 (no lazy matching) with the full hash table: Beast's default (level 8, memLevel
    // 4) took a third of a push's CPU and level 6 a quarter; level 1 takes 40 % less than level
    // 6 for a changeset 30 % larger, still a sixth of its msgpack (docs/benchmarks.md).
    pmd.compLevel = 1;
    pmd.memLevel = 8;
    ws_.set_option(pmd);
    ws_.read_message_max(o_.max_frame);
    ws_.binary(true);
    ws_.async_handshake(response_, where(), url_.target,
                        [this](error_code ec) { on_upgrade(ec); });
  }

  void on_upgrade(error_code ec) {
    st_.http_status = static_cast<int>(response_.result_int());
    if (ec == websocket::error::upgrade_declined) {
      return finish(Status::io("the server refused the WebSocket upgrade: HTTP " +
                               std::to_string(response_.result_int()) + " " +
                               std::string(response_.reason())),
                    ClientFailure::kHandshake);
    }
    if (ec) {
      st_.http_status = 0;
      std::string why = ec == beast::error::timeout
                            ? "no answer within " + seconds(o_.connect_timeout)
                            : ec.message();
      return finish(Status::io("WebSocket handshake with " + where() + " failed: " + why),
                    ClientFailure::kHandshake);
    }
    queue_call(Call{true, {}});
    maybe_read();
  }

  // --- Handler calls, on the caller's thread ------------------------------------------------

  void queue_call(Call call) {
    ++calls_pending_;
    calls_.push(std::move(call));
  }

  // On the caller's thread: runs the call and posts its Reply to the I/O thread. An exception
  // ends the run with kHandler.
  void handle(Call call) {
    std::optional<Reply> reply;
    Status error;
    try {
      reply = call.open ? handler_.on_open() : handler_.on_frame(std::move(call.in));
    } catch (const std::exception& e) {
      error = Status::internal(std::string("the client handler threw: ") + e.what());
    } catch (...) {
      error = Status::internal("the client handler threw");
    }
    asio::post(ioc_, [this, reply = std::move(reply), error = std::move(error)]() mutable {
      --calls_pending_;
      if (!reply) return finish(std::move(error), ClientFailure::kHandler);
      if (result_) return;
      if (read_error_) {
        // The connection ended behind the frames the handler still had: a handler that closes
        // had finished its session; else, once it has had them all, the end is an error.
        if (reply->close) return finish(Status::ok(), ClientFailure::kNone);
        if (calls_pending_ == 0) on_read_error(*read_error_);
        return;
      }
      send(std::move(*reply));
      maybe_read();
    });
  }

  void send(Reply reply) {
    for (Frame& f : reply.frames) {
      if (f) queue_.push_back(std::move(f));
    }
    if (reply.close) {
      close_ = websocket::close_reason(reply.close_code);
      // A close frame carries at most 123 bytes of reason.
      size_t n = std::min(reply.close_reason.size(), close_->reason.max_size());
      close_->reason.assign(reply.close_reason.data(), n);
    }
    if (!writing_) do_write();
  }

  void do_write() {
    if (!queue_.empty()) {
      writing_ = true;
      ws_.async_write(asio::buffer(*queue_.front()),
                      [this](error_code ec, size_t n) { on_write(ec, n); });
    } else if (close_ && !closing_) {
      closing_ = true;
      ws_.async_close(*close_, [this](error_code ec) { on_close(ec); });
    }
  }

  void on_write(error_code ec, size_t bytes) {
    writing_ = false;
    if (ec) {
      if (reading_) return;  // the pending read ends too and tells why (e.g. a close frame)
      return finish(Status::io("connection to " + where() + " lost while sending: " +
                               ec.message()),
                    ClientFailure::kConnectionLost);
    }
    st_.bytes_sent += bytes;
    st_.frames_sent++;
    queue_.pop_front();
    do_write();
  }

  // Reads while the handler holds fewer than kFramesAhead frames, until the handler closes.
  void maybe_read() {
    if (reading_ || close_ || result_ || read_error_ || calls_pending_ >= kFramesAhead) return;
    reading_ = true;
    ws_.async_read(buffer_, [this](error_code ec, size_t n) { on_read(ec, n); });
  }

  void on_read(error_code ec, size_t bytes) {
    reading_ = false;
    // A read still pending when the closing handshake began ends with it; on_close() reports.
    if (ec && closing_) return;
    if (ec) {
      // The frames that came before the end are handled first: the server closes right after
      // its last message, and the handler may be ending the session itself.
      if (calls_pending_ > 0) {
        read_error_ = ec;
        return;
      }
      return on_read_error(ec);
    }
    if (!ws_.got_binary()) {
      return finish(Status::corruption("the server sent a text frame"), ClientFailure::kProtocol);
    }
    st_.bytes_received += bytes;
    st_.frames_received++;
    Incoming in{beast::buffers_to_string(buffer_.data()), nullptr};
    buffer_.clear();
    if (close_ || result_) return;  // the handler has ended the session
    try {
      handler_.decode(in);
    } catch (...) {
      return finish(Status::internal("the client handler threw while decoding"),
                    ClientFailure::kHandler);
    }
    queue_call(Call{false, std::move(in)});
    maybe_read();
  }

  void on_read_error(error_code ec) {
    if (ec == websocket::error::closed) {
      const websocket::close_reason& cr = ws_.reason();
      st_.close_code = cr.code;
      st_.close_reason.assign(cr.reason.data(), cr.reason.size());
      std::string text = "closed by the server with code " + std::to_string(cr.code) + " (" +
                         close_code_name(cr.code) + ")";
      if (!st_.close_reason.empty()) text += ": " + st_.close_reason;
      return finish(Status::io(text), ClientFailure::kClosedByServer);
    }
    if (ec == websocket::error::message_too_big) {
      return finish(Status::limit("the server sent a message over " +
                                  std::to_string(o_.max_frame) + " bytes"),
                    ClientFailure::kFrameTooBig);
    }
    if (ec == beast::error::timeout) {
      return finish(Status::io("timed out: nothing from " + where() + " for " +
                               seconds(o_.io_timeout)),
                    ClientFailure::kTimeout);
    }
    finish(Status::io("connection to " + where() + " lost: " + ec.message()),
           ClientFailure::kConnectionLost);
  }

  void on_close(error_code ec) {
    if (ec) {
      return finish(Status::io("closing the connection to " + where() + " failed: " +
                               ec.message()),
                    ClientFailure::kConnectionLost);
    }
    finish(Status::ok(), ClientFailure::kNone);
  }

  asio::io_context& ioc_;
  const ClientOptions& o_;
  const WsUrl& url_;
  ClientHandler& handler_;
  ClientStats& st_;
  tcp::resolver resolver_;
  Ws ws_;
  websocket::response_type response_;
  beast::flat_buffer buffer_;
  std::deque<Frame> queue_;  // front() is being written while writing_
  CallQueue calls_;
  size_t calls_pending_ = 0;  // handler calls queued or running (I/O thread only)
  std::optional<error_code> read_error_;  // how reading ended while calls were pending
  bool reading_ = false, writing_ = false, closing_ = false;
  std::optional<websocket::close_reason> close_;  // close once the queue is sent
  std::optional<Status> result_;
  int wire_fd_ = -1;  // a duplicate of the socket's descriptor, for count_tcp_bytes()
};

Result<std::optional<ssl::context>> client_tls(const ClientOptions& o) {
  std::optional<ssl::context> ctx;
  try {  // the context constructor throws when OpenSSL cannot allocate one
    ctx.emplace(ssl::context::tls_client);
  } catch (const std::exception& e) {
    return Status::io(std::string("cannot create a TLS context: ") + e.what());
  }
  error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1,
                   ec);
  if (o.insecure_tls) {
    ctx->set_verify_mode(ssl::verify_none, ec);
    return ctx;
  }
  ctx->set_verify_mode(ssl::verify_peer, ec);
  if (!o.ca_file.empty()) {
    ctx->load_verify_file(o.ca_file, ec);
    if (ec) {
      return Status(Code::kIo, "err.file",
                    "cannot load the CA file " + o.ca_file + ": " + ec.message());
    }
  } else {
    ctx->set_default_verify_paths(ec);
    if (ec) return Status::io("cannot load the system's trusted certificates: " + ec.message());
  }
  return ctx;
}

}  // namespace

Status run_client(const ClientOptions& options, ClientHandler& handler, ClientStats* stats) {
  ClientStats local;
  auto report = [&](Status s) {
    if (stats) *stats = std::move(local);
    return s;
  };
  Result<WsUrl> url = parse_ws_url(options.url);
  if (!url) {
    local.failure = ClientFailure::kBadUrl;
    return report(url.status());
  }
  // The io_context outlives the client, whose pending operations it may still hold when stopped.
  asio::io_context ioc(1);
  if (!url->tls) {
    Client<PlainWs> client(ioc, options, *url, handler, local);
    return report(client.run());
  }
  Result<std::optional<ssl::context>> tls = client_tls(options);
  if (!tls) {
    local.failure = ClientFailure::kTls;
    return report(tls.status());
  }
  Client<TlsWs> client(ioc, options, *url, handler, local, **tls);
  return report(client.run());
}

}  // namespace liaison::net
