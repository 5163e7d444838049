// One server-side connection, in the Beast style: the session owns its lifetime through
// shared_from_this, every step runs on the connection's strand, each do_x starts one operation
// and its on_x checks the error first. At most one read and one write are outstanding; frames
// wait in a bounded queue. Handler calls go to the database thread and their Replies come back
// to the strand.
//
// Life of a connection: TLS handshake (wss) -> HTTP upgrade request (404 for another path) ->
// WebSocket accept -> on_open -> { read a frame -> decode (on the strand) -> on_frame -> send the
// Reply } ... -> close -> on_close. The next frame is read and decoded while the database thread
// works on the one before, one frame ahead at most. The handshake phase runs under a TCP
// deadline; after it the WebSocket timers (handshake, idle with pings) take over.
#include <algorithm>
#include <deque>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "shared/net/server_core.h"

namespace liaison::net::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using beast::error_code;
using tcp = asio::ip::tcp;

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

constexpr size_t kMaxRequestHeader = 8 * 1024;
constexpr size_t kKeepReadBuffer = 64 * 1024;  // shrink the read buffer after bigger frames
// Received frames a connection holds at most: the one the handler works on and one read ahead.
constexpr size_t kFramesAhead = 2;

std::string describe_peer(const tcp::socket& socket) {
  error_code ec;
  tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  std::string addr = ep.address().to_string();
  if (ep.address().is_v6()) addr = "[" + addr + "]";
  return addr + ":" + std::to_string(ep.port());
}

websocket::close_reason make_reason(uint16_t code, const std::string& text) {
  websocket::close_reason reason(code);
  // A close frame carries at most 123 bytes of reason.
  reason.reason.assign(text.data(), std::min(text.size(), reason.reason.max_size()));
  return reason;
}

template <class Ws>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Ws>> {
  static constexpr bool kTls = std::is_same_v<Ws, TlsWs>;

 public:
  // REQUIRES: socket is connected and its executor is a strand of its own.
  template <class... TlsArgs>
  Session(std::shared_ptr<ServerCore> core, tcp::socket socket, TlsArgs&... tls)
      : core_(std::move(core)),
        opts_(core_->options),
        peer_{describe_peer(socket), kTls},
        ws_(std::move(socket), tls...),
        ex_(ws_.get_executor()) {}

  ~Session() override {
    core_->counters.queued_bytes -= queued_bytes_;  // a write that never completed
    core_->remove_session(id_);
  }

  void set_id(uint64_t id) { id_ = id; }

  void run() override {
    asio::dispatch(ex_, [self = this->shared_from_this()] { self->on_run(); });
  }

  void close_going_away() override {
    asio::post(ex_, [self = this->shared_from_this()] {
      if (self->opened_) {
        self->close_now(1001, "going away");
      } else {
        self->cut();
      }
    });
  }

  void force_close() override {
    asio::post(ex_, [self = this->shared_from_this()] { self->cut(); });
  }

 private:
  using Self = Session<Ws>;
  struct PendingClose {
    uint16_t code;
    std::string reason;
  };

  // Binds a member function as a completion handler that keeps the session alive.
  template <class... Args>
  auto bind(void (Self::*fn)(Args...)) {
    return beast::bind_front_handler(fn, this->shared_from_this());
  }

  void cut() {
    error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

  // --- Handshake phase: TLS, HTTP upgrade, WebSocket accept ---------------------------------

  void on_run() {
    beast::get_lowest_layer(ws_).expires_after(opts_.handshake_timeout);
    if constexpr (kTls) {
      ws_.next_layer().async_handshake(asio::ssl::stream_base::server,
                                       bind(&Self::on_tls_handshake));
    } else {
      do_read_request();
    }
  }

  void on_tls_handshake(error_code ec) {
    if (ec) return finish();
    do_read_request();
  }

  void do_read_request() {
    parser_.emplace();
    parser_->header_limit(kMaxRequestHeader);
    http::async_read(ws_.next_layer(), buffer_, *parser_, bind(&Self::on_read_request));
  }

  void on_read_request(error_code ec, size_t) {
    if (ec) return finish();
    const auto& req = parser_->get();
    std::string_view target(req.target().data(), req.target().size());
    if (target.substr(0, target.find('?')) != opts_.path) {
      return do_reject(http::status::not_found);
    }
    if (!websocket::is_upgrade(req)) return do_reject(http::status::upgrade_required);
    do_accept();
  }

  void do_reject(http::status status) {
    reject_.emplace(status, parser_->get().version());
    reject_->set(http::field::server, "liaison");
    reject_->set(http::field::content_type, "text/plain");
    reject_->keep_alive(false);
    reject_->body() = std::string(http::obsolete_reason(status)) + "\n";
    reject_->prepare_payload();
    http::async_write(ws_.next_layer(), *reject_, bind(&Self::on_rejected));
  }

  void on_rejected(error_code ec, size_t) {
    if (ec) return finish();
    if constexpr (kTls) {
      // Still under the handshake deadline, so a peer that never answers close_notify is cut.
      ws_.next_layer().async_shutdown([self = this->shared_from_this()](error_code) {
        self->finish();
      });
    } else {
      beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_send, ec);
      finish();
    }
  }

  void do_accept() {
    // Turn off the TCP deadline: the WebSocket layer has its own timers from here on.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = opts_.handshake_timeout;
    timeouts.idle_timeout = opts_.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    // No Server header on the upgrade: a one-change sync is about 1 KB, the upgrade half of it.
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.erase(http::field::server); }));
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    pmd.server_max_window_bits = 13;  // 8 KB window: ~64 KB of deflate state per connection
    pmd.client_max_window_bits = 15;  // what every client may use; clients need not offer less
    // memLevel 6 rather than 4: a 4 times larger hash table makes a batch of changes deflate
    // about 25 % faster, and a little smaller, for 24 KB more state per connection. Level 1, as
    // the client's (shared/net/ws_client.cpp).
    pmd.compLevel = 1;
    pmd.memLevel = 6;
    ws_.set_option(pmd);
    ws_.read_message_max(opts_.max_frame);
    ws_.binary(true);
    ws_.async_accept(parser_->get(), bind(&Self::on_accept));
  }

  void on_accept(error_code ec) {
    parser_.reset();
    if (ec) return finish();
    opened_ = true;
    core_->counters.open_connections++;
    call_handler([](Self& s) {
      s.handler_ = s.core_->factory();
      if (!s.handler_) return Reply{{}, true, 1011, "no handler"};
      return s.handler_->on_open(s.peer_);
    });
  }

  // --- Handler calls, on the database thread --------------------------------------------------

  // Posts call(*this) to the database thread and its Reply back to the strand. The tracked
  // executor counts as outstanding work, so the I/O threads do not run out of work (and exit
  // during a shutdown) while a call is pending.
  template <class F>
  void call_handler(F call) {
    handler_pending_ = true;
    auto back = asio::prefer(ex_, asio::execution::outstanding_work.tracked);
    asio::post(core_->db, [self = this->shared_from_this(), call = std::move(call),
                           back]() mutable {
      Reply reply = self->guarded(call);
      asio::post(back, [self, reply = std::move(reply)]() mutable {
        self->on_reply(std::move(reply));
      });
    });
  }

  // Runs on the database thread. No exception leaves it: a throwing handler closes with 1011.
  template <class F>
  Reply guarded(F& call) {
    try {
      return call(*this);
    } catch (...) {
      core_->counters.handler_errors++;
      return Reply{{}, true, 1011, "internal error"};
    }
  }

  void on_reply(Reply reply) {
    handler_pending_ = false;
    handler_open_ = true;  // the first reply is on_open's
    if (closing_ || finished_) return;
    for (Frame& frame : reply.frames) {
      if (frame && !enqueue(std::move(frame))) return;
    }
    if (reply.close) {
      inbox_.clear();
      pending_close_ = PendingClose{reply.close_code, std::move(reply.close_reason)};
      if (!writing_) start_close(pending_close_->code, pending_close_->reason);
      return;
    }
    next_frame();
    maybe_read();
  }

  // Hands the oldest decoded frame to the handler when it is free.
  void next_frame() {
    if (handler_pending_ || inbox_.empty() || closing_ || finished_ || pending_close_) return;
    call_handler([in = std::move(inbox_.front())](Self& s) mutable {
      return s.handler_->on_frame(std::move(in));
    });
    inbox_.pop_front();
  }

  // --- Reading --------------------------------------------------------------------------------

  // Back-pressure: one frame is read and decoded ahead of the one the handler works on, no more;
  // no read before on_open has answered, nor while the send queue is over half full.
  void maybe_read() {
    if (reading_ || !handler_open_ || closing_ || finished_ || pending_close_) return;
    if (inbox_.size() + (handler_pending_ ? 1 : 0) >= kFramesAhead) return;
    if (queued_bytes_ > opts_.max_queued_bytes / 2) return;
    reading_ = true;
    ws_.async_read(buffer_, bind(&Self::on_read));
  }

  void on_read(error_code ec, size_t bytes) {
    reading_ = false;
    if (ec) {
      if (ec == websocket::error::message_too_big) core_->counters.closed_too_big++;
      return finish();  // Beast has already answered an oversized message with 1009
    }
    if (!ws_.got_binary()) {
      buffer_.clear();
      return close_now(1003, "binary frames only");
    }
    core_->counters.bytes_in += bytes;
    core_->counters.frames_in++;
    Incoming in{beast::buffers_to_string(buffer_.data()), nullptr};
    buffer_.clear();
    if (buffer_.capacity() > kKeepReadBuffer) buffer_.shrink_to_fit();
    if (closing_ || finished_ || pending_close_) return;  // the handler is done with it
    // handler_ was set on the database thread before on_open's reply reached this strand, and is
    // reset there only after finish(): reading it here, before finish(), is safe.
    try {
      handler_->decode(in);
    } catch (...) {
      core_->counters.handler_errors++;
      return close_now(1011, "internal error");
    }
    inbox_.push_back(std::move(in));
    next_frame();
    maybe_read();
  }

  // --- Writing --------------------------------------------------------------------------------

  // Queues frame; false when the queue would exceed max_queued_bytes (the peer is closed).
  bool enqueue(Frame frame) {
    size_t size = frame->size();
    if (queued_bytes_ + size > opts_.max_queued_bytes) {
      core_->counters.closed_slow++;
      close_now(1008, "slow peer: send queue over " + std::to_string(opts_.max_queued_bytes) +
                          " bytes");
      return false;
    }
    queued_bytes_ += size;
    core_->counters.queued_bytes += size;
    core_->counters.note_queue(queued_bytes_);
    queue_.push_back(std::move(frame));
    if (!writing_) do_write();
    return true;
  }

  void drop_back() {
    queued_bytes_ -= queue_.back()->size();
    core_->counters.queued_bytes -= queue_.back()->size();
    queue_.pop_back();
  }

  void do_write() {
    writing_ = true;
    ws_.async_write(asio::buffer(*queue_.front()), bind(&Self::on_write));
  }

  void on_write(error_code ec, size_t bytes) {
    writing_ = false;
    queued_bytes_ -= queue_.front()->size();
    core_->counters.queued_bytes -= queue_.front()->size();
    queue_.pop_front();
    if (ec) return finish();
    core_->counters.bytes_out += bytes;
    core_->counters.frames_out++;
    if (closing_) return;  // close_now() has emptied the queue and is closing
    if (!queue_.empty()) {
      do_write();
      return maybe_read();
    }
    if (pending_close_) return start_close(pending_close_->code, pending_close_->reason);
    maybe_read();
  }

  // --- Closing --------------------------------------------------------------------------------

  // Closes without sending what is still queued (the frame being written completes first).
  void close_now(uint16_t code, const std::string& reason) {
    if (closing_ || finished_) return;
    inbox_.clear();
    while (queue_.size() > (writing_ ? 1u : 0u)) drop_back();
    start_close(code, reason);
  }

  // Beast lets a close wait behind the write in flight, and a pending read takes the peer's
  // answer; a close that cannot finish is cut by the WebSocket timers.
  void start_close(uint16_t code, const std::string& reason) {
    if (closing_ || finished_) return;
    closing_ = true;
    ws_.async_close(make_reason(code, reason), bind(&Self::on_closed));
  }

  void on_closed(error_code) { finish(); }

  // The connection is over for the handler: called on every ending path, acts once.
  void finish() {
    if (finished_) return;
    finished_ = true;
    inbox_.clear();
    while (queue_.size() > (writing_ ? 1u : 0u)) drop_back();
    if (!opened_) return;
    core_->counters.open_connections--;
    // FIFO on the single database thread: this runs after any call posted before it.
    asio::post(core_->db, [self = this->shared_from_this()] {
      if (!self->handler_) return;
      try {
        self->handler_->on_close();
      } catch (...) {
        self->core_->counters.handler_errors++;
      }
      self->handler_.reset();
    });
  }

  std::shared_ptr<ServerCore> core_;
  const ServerOptions& opts_;  // owned by core_
  const PeerInfo peer_;
  Ws ws_;
  const asio::any_io_executor ex_;  // the connection's strand; copies are safe on any thread
  uint64_t id_ = 0;

  // Strand-only state.
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  std::optional<http::response<http::string_body>> reject_;
  std::deque<Frame> queue_;  // front() is being written while writing_
  size_t queued_bytes_ = 0;
  std::deque<Incoming> inbox_;  // read and decoded, waiting for the handler
  bool reading_ = false, writing_ = false, handler_pending_ = false, handler_open_ = false;
  bool opened_ = false, closing_ = false, finished_ = false;
  std::optional<PendingClose> pending_close_;  // close once the queue is sent

  // Database-thread-only state.
  std::unique_ptr<ConnectionHandler> handler_;
};

}  // namespace

std::shared_ptr<SessionBase> make_session(const std::shared_ptr<ServerCore>& core,
                                          tcp::socket socket) {
  if (core->tls) {
    auto s = std::make_shared<Session<TlsWs>>(core, std::move(socket), *core->tls);
    s->set_id(core->add_session(s));
    return s;
  }
  auto s = std::make_shared<Session<PlainWs>>(core, std::move(socket));
  s->set_id(core->add_session(s));
  return s;
}

}  // namespace liaison::net::detail
