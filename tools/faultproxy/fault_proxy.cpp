// FaultProxy on Asio: one I/O thread, one Connection per accepted client. Each direction of a
// connection is a Pipe: what it reads goes into its Shaper (shaper.h), which says when and how
// much may be written and when to cut; the Pipe does the reading, writing and waiting. The only
// translation unit of the proxy that includes Asio; Asio itself is compiled once in liaison::net
// (shared/net/asio_impl.cpp).
#include "tools/faultproxy/fault_proxy.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "tools/faultproxy/shaper.h"

namespace liaison::faultproxy {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kReadSize = 16 * 1024;
constexpr int kUp = 0, kDown = 1;

// One connection's counters, read from other threads.
struct Record {
  uint64_t number = 0;
  std::atomic<uint64_t> bytes[2] = {0, 0};
  std::atomic<bool> open{true}, connect_failed{false};
  std::atomic<int> cut{static_cast<int>(CutCause::kNone)};
  mutable std::mutex mu;
  std::vector<Turn> turns;  // GUARDED_BY(mu)
  bool turns_full = false;  // GUARDED_BY(mu): later turns are not recorded
  std::vector<uint64_t> messages[2];  // GUARDED_BY(mu): WebSocket message ends, per direction

  // Called on the proxy thread after a read: the message ends the meter of d has found.
  void note_messages(int d, const std::vector<uint64_t>& ends) {
    std::lock_guard lock(mu);
    size_t n = std::min(ends.size(), ConnectionStats::kMaxMessages);
    for (size_t i = messages[d].size(); i < n; ++i) messages[d].push_back(ends[i]);
  }

  // Called on the proxy thread after a write in direction d completed; relayed: all bytes
  // relayed that way so far; new_turn: the write opened a turn.
  void note(int d, uint64_t relayed, bool new_turn) {
    std::lock_guard lock(mu);
    if (turns_full) return;
    if (!new_turn && !turns.empty()) {
      turns.back().end = relayed;
    } else if (turns.size() < ConnectionStats::kMaxTurns) {
      turns.push_back({d == kUp, relayed});
    } else {
      turns_full = true;
    }
  }
};

struct Totals {
  std::atomic<uint64_t> accepted{0}, open{0}, cuts{0}, connect_failures{0};
  std::atomic<uint64_t> bytes[2] = {0, 0};
};

class Connection;

// What the connections of one proxy share. Everything but the totals is used on the proxy
// thread only.
struct Shared {
  Totals totals;
  Bandwidth links[2];
  size_t max_queued = 0;
  std::map<uint64_t, std::weak_ptr<Connection>> live;
};

// One direction of a connection: its shaper, read buffer, timer and I/O state.
struct Pipe {
  Pipe(asio::io_context& io, const DirectionFaults& faults, std::optional<Strike> cut,
       std::optional<Strike> stall, uint64_t seed)
      : shaper(faults, cut, stall, seed), timer(io) {}
  Shaper shaper;
  std::array<char, kReadSize> buf{};
  asio::steady_timer timer;
  bool reading = false, writing = false, waiting = false, eof = false, shut = false;
  bool write_opens_turn = false;  // of the write in flight
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, tcp::socket client, Shared& shared, const FaultConfig& config,
             std::shared_ptr<Record> record, const ConnectionPlan& plan)
      : client_(std::move(client)), target_(io), shared_(shared), config_(config),
        record_(std::move(record)),
        pipes_{Pipe(io, config_.up, plan.cut_up, plan.stall_up, plan.up_seed),
               Pipe(io, config_.down, plan.cut_down, plan.stall_down, plan.down_seed)} {}

  void start(const tcp::resolver::results_type& target) {
    asio::async_connect(target_, target,
                        [self = shared_from_this()](error_code ec, const tcp::endpoint&) {
                          self->on_connect(ec);
                        });
  }

  // Ends the connection: a fault when cause is not kNone. Acts once.
  void close(CutCause cause) {
    if (closed_) return;
    closed_ = true;
    if (cause != CutCause::kNone) {
      record_->cut = static_cast<int>(cause);
      shared_.totals.cuts++;
    }
    for (tcp::socket* s : {&client_, &target_}) {
      error_code ignored;
      if (cause != CutCause::kNone && config_.reset)
        s->set_option(asio::socket_base::linger(true, 0), ignored);
      else
        s->shutdown(tcp::socket::shutdown_both, ignored);
      s->close(ignored);
    }
    for (Pipe& p : pipes_) p.timer.cancel();
    record_->open = false;
    shared_.totals.open--;
    shared_.live.erase(record_->number);
  }

 private:
  tcp::socket& source(int d) { return d == kUp ? client_ : target_; }
  tcp::socket& sink(int d) { return d == kUp ? target_ : client_; }

  void on_connect(error_code ec) {
    if (closed_) return;
    if (ec) {
      record_->connect_failed = true;
      shared_.totals.connect_failures++;
      return close(CutCause::kNone);
    }
    error_code ignored;
    client_.set_option(tcp::no_delay(true), ignored);
    target_.set_option(tcp::no_delay(true), ignored);
    read(kUp);
    read(kDown);
  }

  void read(int d) {
    Pipe& p = pipes_[d];
    if (closed_ || p.reading || p.eof || !p.shaper.may_read(shared_.max_queued)) return;
    p.reading = true;
    source(d).async_read_some(asio::buffer(p.buf),
                              [self = shared_from_this(), d](error_code ec, size_t n) {
                                self->on_read(d, ec, n);
                              });
  }

  void on_read(int d, error_code ec, size_t n) {
    Pipe& p = pipes_[d];
    p.reading = false;
    if (closed_) return;
    if (n > 0) {
      p.shaper.push(p.buf.data(), n, Clock::now(), shared_.links[d]);
      record_->note_messages(d, p.shaper.meter().ends());
    }
    if (ec) {
      if (ec != asio::error::eof) return close(CutCause::kNone);
      p.eof = true;
    }
    read(d);
    pump(d);
  }

  // Writes what the shaper lets through now, or waits until it does.
  void pump(int d) {
    Pipe& p = pipes_[d];
    if (closed_ || p.writing || p.waiting) return;
    if (p.shaper.empty()) {
      if (p.eof && !p.shut) shut(d);
      return;
    }
    bool opens_turn = last_writer_ != d;
    Shaper::Next next = p.shaper.next(Clock::now(), opens_turn);
    if (next.action == Shaper::Action::kCut) return close(cut_cause(d));
    if (next.action == Shaper::Action::kWait) {
      p.waiting = true;
      p.timer.expires_at(next.until);
      p.timer.async_wait([self = shared_from_this(), d](error_code) {
        self->pipes_[d].waiting = false;
        self->pump(d);
      });
      return;
    }
    p.writing = true;
    p.write_opens_turn = opens_turn;
    last_writer_ = d;
    asio::async_write(sink(d), asio::buffer(next.data, next.size),
                      [self = shared_from_this(), d](error_code ec, size_t written) {
                        self->on_write(d, ec, written);
                      });
  }

  void on_write(int d, error_code ec, size_t n) {
    Pipe& p = pipes_[d];
    p.writing = false;
    if (closed_) return;
    if (ec) return close(CutCause::kNone);
    p.shaper.wrote(n, p.write_opens_turn);
    record_->bytes[d] += n;
    record_->note(d, p.shaper.relayed(), p.write_opens_turn);
    shared_.totals.bytes[d] += n;
    if (p.shaper.cut_reached()) return close(cut_cause(d));
    read(d);
    pump(d);
  }

  static CutCause cut_cause(int d) { return d == kUp ? CutCause::kUpBytes : CutCause::kDownBytes; }

  // The sending side finished and everything it sent is written: pass its end on.
  void shut(int d) {
    Pipe& p = pipes_[d];
    p.shut = true;
    error_code ignored;
    sink(d).shutdown(tcp::socket::shutdown_send, ignored);
    if (pipes_[kUp].shut && pipes_[kDown].shut) close(CutCause::kNone);
  }

  tcp::socket client_, target_;
  Shared& shared_;
  const FaultConfig config_;  // the shapers refer to it
  std::shared_ptr<Record> record_;
  std::array<Pipe, 2> pipes_;
  int last_writer_ = -1;  // the direction of the last write issued
  bool closed_ = false;
};

void run_loop(asio::io_context& io) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (...) {
      // A handler threw (out of memory): keep the other connections going.
    }
  }
}

}  // namespace

const char* cut_cause_name(CutCause cause) {
  switch (cause) {
    case CutCause::kNone: return "none";
    case CutCause::kUpBytes: return "up_bytes";
    case CutCause::kDownBytes: return "down_bytes";
    case CutCause::kPeriodic: return "periodic";
    case CutCause::kManual: return "manual";
  }
  return "none";
}

struct FaultProxy::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  tcp::resolver::results_type target;
  asio::steady_timer periodic{io};
  asio::steady_timer accept_retry{io};
  Shared shared;
  std::thread thread;
  uint16_t port = 0;
  // Proxy thread only.
  uint64_t next_number = 1;
  uint64_t periodic_generation = 0;
  // Any thread.
  mutable std::mutex mu;
  FaultConfig config;                            // GUARDED_BY(mu)
  std::vector<std::shared_ptr<Record>> records;  // GUARDED_BY(mu)
  std::mutex stop_mu;                            // serialises stop()

  void accept() {
    acceptor.async_accept([this](error_code ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (!ec) {
        on_accept(std::move(socket));
        return accept();
      }
      // Out of descriptors or the like: try again a little later instead of spinning.
      accept_retry.expires_after(std::chrono::milliseconds(10));
      accept_retry.async_wait([this](error_code wait_ec) {
        if (!wait_ec && acceptor.is_open()) accept();
      });
    });
  }

  void on_accept(tcp::socket socket) {
    auto record = std::make_shared<Record>();
    record->number = next_number++;
    FaultConfig faults;
    {
      std::lock_guard lock(mu);
      faults = config;
      records.push_back(record);
    }
    shared.totals.accepted++;
    shared.totals.open++;
    ConnectionPlan plan = draw_plan(faults, record->number);
    auto c = std::make_shared<Connection>(io, std::move(socket), shared, faults, record, plan);
    shared.live.emplace(record->number, c);
    c->start(target);
  }

  void cut_live(CutCause cause) {
    std::vector<std::shared_ptr<Connection>> open;
    for (auto& [number, weak] : shared.live)
      if (auto c = weak.lock()) open.push_back(std::move(c));
    for (auto& c : open) c->close(cause);
  }

  // Cuts every open connection at each multiple of every from now on; a new call replaces it.
  void restart_periodic(std::chrono::milliseconds every) {
    uint64_t generation = ++periodic_generation;
    periodic.cancel();
    if (every.count() > 0) arm_periodic(Clock::now(), every, 1, generation);
  }

  void arm_periodic(Clock::time_point from, std::chrono::milliseconds every, uint64_t tick,
                    uint64_t generation) {
    periodic.expires_at(from + every * tick);
    periodic.async_wait([=, this](error_code ec) {
      if (ec || generation != periodic_generation) return;
      cut_live(CutCause::kPeriodic);
      arm_periodic(from, every, tick + 1, generation);
    });
  }
};

FaultProxy::FaultProxy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FaultProxy::~FaultProxy() { stop(); }

Result<std::unique_ptr<FaultProxy>> FaultProxy::start(ProxyOptions options) {
  LIAISON_RETURN_IF_ERROR(validate(options.faults));
  auto impl = std::make_unique<Impl>();
  impl->config = options.faults;
  impl->shared.max_queued = std::max<size_t>(options.max_queued, kReadSize);
  error_code ec;
  tcp::resolver resolver(impl->io);
  impl->target = resolver.resolve(options.target_host, std::to_string(options.target_port), ec);
  if (ec) return Status::io("cannot resolve " + options.target_host + ": " + ec.message());
  auto listen = resolver.resolve(options.listen_host, std::to_string(options.listen_port),
                                 tcp::resolver::passive, ec);
  if (ec || listen.empty())
    return Status::io("cannot resolve " + options.listen_host + ": " + ec.message());
  tcp::endpoint where = listen.begin()->endpoint();
  tcp::acceptor& a = impl->acceptor;
  a.open(where.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(where, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::io("cannot listen on " + options.listen_host + ": " + ec.message());
  impl->port = a.local_endpoint(ec).port();
  if (ec) return Status::io("cannot read the bound port: " + ec.message());
  impl->accept();
  impl->restart_periodic(options.faults.cut_every);
  impl->thread = std::thread([io = &impl->io] { run_loop(*io); });
  return std::unique_ptr<FaultProxy>(new FaultProxy(std::move(impl)));
}

uint16_t FaultProxy::port() const { return impl_->port; }

Status FaultProxy::set_faults(const FaultConfig& faults) {
  LIAISON_RETURN_IF_ERROR(validate(faults));
  {
    std::lock_guard lock(impl_->mu);
    impl_->config = faults;
  }
  asio::post(impl_->io, [impl = impl_.get(), every = faults.cut_every] {
    impl->restart_periodic(every);
  });
  return {};
}

FaultConfig FaultProxy::faults() const {
  std::lock_guard lock(impl_->mu);
  return impl_->config;
}

void FaultProxy::cut_all() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->cut_live(CutCause::kManual); });
}

ProxyStats FaultProxy::stats() const {
  const Totals& t = impl_->shared.totals;
  ProxyStats s;
  s.accepted = t.accepted.load();
  s.open = t.open.load();
  s.cuts = t.cuts.load();
  s.connect_failures = t.connect_failures.load();
  s.bytes_up = t.bytes[kUp].load();
  s.bytes_down = t.bytes[kDown].load();
  return s;
}

std::vector<ConnectionStats> FaultProxy::connections() const {
  std::lock_guard lock(impl_->mu);
  std::vector<ConnectionStats> out;
  out.reserve(impl_->records.size());
  for (const auto& r : impl_->records) {
    ConnectionStats c;
    c.number = r->number;
    c.bytes_up = r->bytes[kUp].load();
    c.bytes_down = r->bytes[kDown].load();
    c.open = r->open.load();
    c.connect_failed = r->connect_failed.load();
    c.cut = static_cast<CutCause>(r->cut.load());
    {
      std::lock_guard turns_lock(r->mu);
      c.turns = r->turns;
      c.messages_up = r->messages[kUp];
      c.messages_down = r->messages[kDown];
    }
    out.push_back(std::move(c));
  }
  return out;
}

void FaultProxy::stop() {
  std::lock_guard lock(impl_->stop_mu);
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [impl = impl_.get()] {
    error_code ignored;
    impl->acceptor.close(ignored);
    impl->accept_retry.cancel();
    ++impl->periodic_generation;
    impl->periodic.cancel();
    impl->cut_live(CutCause::kNone);
  });
  impl_->thread.join();
}

}  // namespace liaison::faultproxy
