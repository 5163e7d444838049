// WsServer: setup (address, TLS files, port file), the accept loop, the threads and the staged
// shutdown. The per-connection protocol is in ws_session.cpp.
//
// Shutdown runs on the listener's strand: close the acceptor and release the I/O threads' work
// guard; wait for the sessions to end by themselves until the grace period passes; then close
// the rest with 1001 and, after handshake_timeout more, cut whatever is left. The I/O threads
// return from run() when no session, timer or pending handler call remains.
#include "shared/net/ws_server.h"

#include <csignal>
#include <optional>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "shared/net/listen.h"
#include "shared/net/server_core.h"

namespace liaison::net {
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace detail {

ServerStats Counters::snapshot() const {
  ServerStats s;
  s.open_connections = open_connections.load();
  s.accepted = accepted.load();
  s.bytes_in = bytes_in.load();
  s.bytes_out = bytes_out.load();
  s.frames_in = frames_in.load();
  s.frames_out = frames_out.load();
  s.queued_bytes = queued_bytes.load();
  s.peak_queued_bytes = peak_queued_bytes.load();
  s.closed_slow = closed_slow.load();
  s.closed_too_big = closed_too_big.load();
  s.handler_errors = handler_errors.load();
  return s;
}

uint64_t ServerCore::add_session(std::weak_ptr<SessionBase> session) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  live_.emplace(id, std::move(session));
  return id;
}

void ServerCore::remove_session(uint64_t id) {
  std::function<void()> call;
  {
    std::lock_guard lock(mu_);
    live_.erase(id);
    if (live_.empty() && on_empty_) {
      call = std::move(on_empty_);
      on_empty_ = nullptr;
    }
  }
  if (call) call();
}

std::vector<std::shared_ptr<SessionBase>> ServerCore::sessions() {
  std::vector<std::shared_ptr<SessionBase>> out;
  std::lock_guard lock(mu_);
  for (auto& [id, weak] : live_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

void ServerCore::notify_when_empty(std::function<void()> on_empty) {
  {
    std::lock_guard lock(mu_);
    if (!live_.empty()) {
      on_empty_ = std::move(on_empty);
      return;
    }
  }
  on_empty();
}

}  // namespace detail

namespace {

// Accepts connections and runs the shutdown stages. All its state lives on strand_.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& ioc, std::shared_ptr<detail::ServerCore> core)
      : ioc_(ioc),
        strand_(asio::make_strand(ioc)),
        acceptor_(strand_),
        signals_(strand_),
        grace_timer_(strand_),
        force_timer_(strand_),
        retry_timer_(strand_),
        work_(asio::make_work_guard(ioc)),
        core_(std::move(core)) {}

  tcp::acceptor& acceptor() { return acceptor_; }

  void start() {
    asio::post(strand_, [self = shared_from_this()] { self->do_accept(); });
  }

  void stop_accepting() {
    asio::post(strand_, [self = shared_from_this()] { self->close_acceptor(); });
  }

  void begin_shutdown(std::chrono::milliseconds grace) {
    asio::post(strand_, [self = shared_from_this(), grace] { self->on_shutdown(grace); });
  }

  // REQUIRES: called before any shutdown begins, from outside the server's threads.
  Status watch_signals(std::chrono::milliseconds grace) {
    error_code ec;
    signals_.add(SIGINT, ec);
    if (!ec) signals_.add(SIGTERM, ec);
    if (ec) return Status::io("cannot install the SIGINT/SIGTERM handlers: " + ec.message());
    asio::post(strand_, [self = shared_from_this(), grace] {
      self->signals_.async_wait([self, grace](error_code wait_ec, int) {
        if (!wait_ec) self->on_shutdown(grace);
      });
    });
    return Status::ok();
  }

 private:
  // Binds a member function as a completion handler that keeps the listener alive.
  template <class... Args>
  auto bind(void (Listener::*fn)(Args...)) {
    return [self = shared_from_this(), fn](Args... args) {
      ((*self).*fn)(std::forward<Args>(args)...);
    };
  }

  void do_accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), bind(&Listener::on_accept));
  }

  void on_accept(error_code ec, tcp::socket socket) {
    if (draining_ || !acceptor_.is_open()) return;  // the socket closes as it goes
    if (ec) {
      // Out of descriptors or a connection reset before accept: try again shortly rather
      // than spin.
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([self = shared_from_this()](error_code wait_ec) {
        if (!wait_ec && !self->draining_ && self->acceptor_.is_open()) self->do_accept();
      });
      return;
    }
    core_->counters.accepted++;
    detail::make_session(core_, std::move(socket))->run();
    do_accept();
  }

  void close_acceptor() {
    error_code ec;
    acceptor_.close(ec);
    retry_timer_.cancel();
  }

  void on_shutdown(std::chrono::milliseconds grace) {
    if (draining_) return;
    draining_ = true;
    close_acceptor();
    error_code ec;
    signals_.cancel(ec);
    work_.reset();  // from now on the I/O threads end when the work does
    grace_timer_.expires_after(grace);
    grace_timer_.async_wait(bind(&Listener::on_grace_end));
    core_->notify_when_empty([self = shared_from_this()] {
      asio::post(self->strand_, [self] { self->on_drained(); });
    });
  }

  void on_grace_end(error_code ec) {
    if (ec || drained_) return;  // every session ended within the grace period
    auto left = core_->sessions();
    if (left.empty()) return;  // on_drained() is on its way
    for (auto& session : left) session->close_going_away();
    force_timer_.expires_after(core_->options.handshake_timeout);
    force_timer_.async_wait(bind(&Listener::on_force));
  }

  void on_force(error_code ec) {
    if (ec || drained_) return;
    for (auto& session : core_->sessions()) session->force_close();
  }

  void on_drained() {
    drained_ = true;
    grace_timer_.cancel();
    force_timer_.cancel();
  }

  asio::io_context& ioc_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer grace_timer_, force_timer_, retry_timer_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::shared_ptr<detail::ServerCore> core_;
  bool draining_ = false;
  bool drained_ = false;  // the last session is gone; no timer may be started any more
};

}  // namespace

struct WsServer::Impl {
  // Declaration order is destruction order reversed: the database context outlives the I/O
  // context, whose leftover handlers may still hold sessions.
  asio::io_context db{1};
  asio::executor_work_guard<asio::io_context::executor_type> db_work{db.get_executor()};
  asio::io_context ioc;
  std::shared_ptr<detail::ServerCore> core;
  std::shared_ptr<Listener> listener;
  std::vector<std::thread> io_threads;
  std::thread db_thread;
  std::thread::id db_id;
  uint16_t port = 0;
  std::mutex wait_mu;
  bool joined = false;  // GUARDED_BY(wait_mu)
};

Result<std::unique_ptr<WsServer>> WsServer::start(ServerOptions options, HandlerFactory factory) {
  assert(factory);
  if (options.io_threads < 1) return Status::invalid("err.usage", "io_threads must be at least 1");
  auto impl = std::make_unique<Impl>();
  LIAISON_ASSIGN_OR_RETURN(std::optional<ssl::context> tls,
                           detail::load_tls(options.tls_cert_file, options.tls_key_file));
  LIAISON_ASSIGN_OR_RETURN(tcp::endpoint ep, detail::listen_endpoint(impl->ioc, options.host, options.port));
  impl->core = std::make_shared<detail::ServerCore>(std::move(options), std::move(factory),
                                                    impl->db, std::move(tls));
  const ServerOptions& o = impl->core->options;
  impl->listener = std::make_shared<Listener>(impl->ioc, impl->core);
  LIAISON_RETURN_IF_ERROR(detail::open_acceptor(impl->listener->acceptor(), ep, o.host, o.port));
  error_code ec;
  impl->port = impl->listener->acceptor().local_endpoint(ec).port();
  if (ec) return Status::io("cannot read the bound port: " + ec.message());
  if (!o.port_file.empty()) LIAISON_RETURN_IF_ERROR(detail::write_port_file(o.port_file, impl->port));

  impl->listener->start();
  impl->db_thread = std::thread([ctx = &impl->db] { detail::run_loop(*ctx); });
  impl->db_id = impl->db_thread.get_id();
  for (int i = 0; i < o.io_threads; ++i) {
    impl->io_threads.emplace_back([ctx = &impl->ioc] { detail::run_loop(*ctx); });
  }
  return std::unique_ptr<WsServer>(new WsServer(std::move(impl)));
}

WsServer::WsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WsServer::~WsServer() { shutdown(std::chrono::milliseconds(0)); }

uint16_t WsServer::port() const { return impl_->port; }
bool WsServer::tls() const { return impl_->core->tls.has_value(); }

void WsServer::stop_accepting() { impl_->listener->stop_accepting(); }

void WsServer::shutdown(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(impl_->wait_mu);
    if (impl_->joined) return;
  }
  impl_->listener->begin_shutdown(grace);
  wait();
}

Status WsServer::shutdown_on_signals(std::chrono::milliseconds grace) {
  return impl_->listener->watch_signals(grace);
}

void WsServer::wait() {
  std::lock_guard lock(impl_->wait_mu);
  if (impl_->joined) return;
  for (auto& t : impl_->io_threads) t.join();
  // The I/O side is done; let the database thread finish the on_close calls it was given.
  impl_->db_work.reset();
  impl_->db_thread.join();
  impl_->joined = true;
}

ServerStats WsServer::stats() const { return impl_->core->counters.snapshot(); }

std::thread::id WsServer::database_thread_id() const { return impl_->db_id; }

}  // namespace liaison::net
