#include "shared/service/sync_client.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include <fmt/format.h>

#include "shared/service/reply.h"

namespace liaison::service {

namespace {

// Drives one connection's worth of the client protocol.
class Session final : public net::ClientHandler {
 public:
  Session(sync::Replica& replica, const std::string& token,
          const std::function<void(const SyncProgress&)>& progress, SyncProgress& state)
      : protocol_(replica, token, SystemClock::instance(), limits_),
        progress_(progress),
        state_(state) {}

  net::Reply on_open() override { return to_reply(protocol_.start()); }
  void decode(net::Incoming& in) const override {
    decode_into<sync::ClientProtocol>(in, limits_);
  }
  net::Reply on_frame(net::Incoming in) override {
    net::Reply r =
        to_reply(protocol_.on_received(take_decoded<sync::ClientProtocol>(in, limits_)));
    state_.pushed = protocol_.summary().pushed;
    state_.pulled = protocol_.summary().pulled;
    if (progress_) progress_(state_);
    return r;
  }
  const sync::ClientProtocol& protocol() const { return protocol_; }

 private:
  const sync::BatchLimits limits_;
  sync::ClientProtocol protocol_;
  const std::function<void(const SyncProgress&)>& progress_;
  SyncProgress& state_;
};

void add(sync::SyncSummary& total, const sync::SyncSummary& s) {
  total.pushed += s.pushed;
  total.pulled += s.pulled;
  total.refused += s.refused;
  total.conflicts += s.conflicts;
  total.blobs_sent += s.blobs_sent;
  total.blobs_received += s.blobs_received;
  total.acks += s.acks;
  total.chunks_sent += s.chunks_sent;
  total.chunks_received += s.chunks_received;
  total.clock_skew_ms = s.clock_skew_ms;
  total.done = s.done;
}

}  // namespace

Result<int64_t> begin_sync_run(sync::Replica& replica, const std::string& url) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt ins,
                           replica.db().prepare("INSERT INTO _sync_run(server, started_at) "
                                                "VALUES(?, ?)"));
  ins.bind(1, url).bind(2, replica.now_iso());
  LIAISON_RETURN_IF_ERROR(ins.run());
  return replica.db().last_insert_rowid();
}

Status end_sync_run(sync::Replica& replica, int64_t id, const sync::SyncSummary& s,
                    const std::string& result, bool clock_known) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt up,
                           replica.db().prepare("UPDATE _sync_run SET finished_at = ?, pushed = ?, "
                                                "pulled = ?, refused = ?, conflicts = ?, "
                                                "clock_skew_ms = ?, result = ? WHERE id = ?"));
  up.bind(1, replica.now_iso()).bind(2, static_cast<int64_t>(s.pushed));
  up.bind(3, static_cast<int64_t>(s.pulled)).bind(4, static_cast<int64_t>(s.refused));
  up.bind(5, static_cast<int64_t>(s.conflicts)).bind(7, result);
  if (clock_known) {
    up.bind(6, s.clock_skew_ms);
  } else {
    up.bind_null(6);
  }
  up.bind(8, id);
  return up.run();
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt, Random& random) {
  double base = static_cast<double>(policy.start.count()) *
                std::pow(policy.multiplier, std::max(0, attempt - 1));
  base = std::min(base, static_cast<double>(policy.cap.count()));
  double unit = static_cast<double>(random.next_u64() % 10001) / 10000.0;
  double delay = base * (1.0 - policy.jitter * unit);
  return std::chrono::milliseconds(static_cast<int64_t>(delay));
}

namespace {

// How one attempt ended.
struct Attempt {
  sync::SyncSummary summary;  // this attempt's only
  Status failure;             // why it did not finish (OK when it did)
  bool fatal = false;         // failure is a fatal protocol error: no retry helps
  bool bad_url = false;
};

// One connection's worth of the protocol, recorded in _sync_run and added to result.
Result<Attempt> run_attempt(sync::Replica& replica, const SyncOptions& options, int number,
                            const std::function<void(const SyncProgress&)>& progress,
                            SyncResult& result) {
  SyncProgress state;
  state.attempt = number;
  Session session(replica, options.token, progress, state);
  LIAISON_ASSIGN_OR_RETURN(int64_t run, begin_sync_run(replica, options.net.url));
  net::ClientStats stats;
  Status s = net::run_client(options.net, session, &stats);
  result.attempts = number;
  result.bytes_sent += stats.bytes_sent;
  result.bytes_received += stats.bytes_received;
  result.tcp_bytes_sent += stats.tcp_bytes_sent;
  result.tcp_bytes_received += stats.tcp_bytes_received;
  const sync::ClientProtocol& p = session.protocol();
  add(result.summary, p.summary());
  Attempt a;
  a.summary = p.summary();
  if (a.summary.done) {
    LIAISON_RETURN_IF_ERROR(end_sync_run(replica, run, a.summary, "ok"));
    return a;
  }
  // An ERROR from the server (or a protocol failure here) names its code.
  const Status& err = p.error();
  std::string code = !err.is_ok() ? err.key() : stats.close_reason;
  (void)end_sync_run(replica, run, a.summary, code.empty() ? "cut" : code);
  a.fatal = !code.empty() && std::string(sync::error_action(code)) == "fatal";
  if (a.fatal) {
    a.failure =
        Status(Code::kPermissionDenied, code, err.is_ok() ? stats.close_reason : err.detail());
  } else {
    a.failure = s.is_ok() ? Status::io("the connection ended before the sync finished") : s;
  }
  a.bad_url = stats.failure == net::ClientFailure::kBadUrl;
  return a;
}

}  // namespace

Result<SyncResult> sync_with_server(sync::Replica& replica, const SyncOptions& options,
                                    const std::function<void(const SyncProgress&)>& progress) {
  SyncResult result;
  // Attempts in a row that ended early without progress: only they count against the retries
  // and lengthen the wait. An attempt that moved the sync forward (sync::made_progress) starts
  // the count and the backoff over, so a link cut every few seconds still finishes a long sync.
  int idle = 0;
  for (int number = 1;; ++number) {
    LIAISON_ASSIGN_OR_RETURN(Attempt a, run_attempt(replica, options, number, progress, result));
    if (a.summary.done) return result;
    if (a.fatal) return a.failure;
    if (a.bad_url) return Status::invalid("err.bad_url", a.failure.detail());
    idle = sync::made_progress(a.summary) ? 0 : idle + 1;
    bool last = options.retry.max_attempts > 0 && number >= options.retry.max_attempts;
    if (idle > options.retry.retries || last)
      return Status(Code::kIo, "err.sync_failed", a.failure.detail());
    std::this_thread::sleep_for(
        backoff_delay(options.retry, std::max(idle, 1), SystemRandom::instance()));
  }
}

}  // namespace liaison::service
