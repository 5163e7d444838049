#include "tools/bench/timed_sync.h"

#include "tools/bench/timing.h"

namespace liaison::bench {

Result<TimedSync> timed_sync(sync::Replica& replica, const std::string& url,
                             const std::string& token) {
  service::SyncOptions options;
  options.net.url = url;
  options.token = token;
  options.retry.retries = 0;
  options.retry.max_attempts = 1;  // one sync, timed as one attempt
  TimedSync out;
  SteadyTime start = std::chrono::steady_clock::now();
  auto note = [&](const service::SyncProgress&) {
    out.arrivals.push_back(seconds_between(start, std::chrono::steady_clock::now()));
  };
  Result<service::SyncResult> r = service::sync_with_server(replica, options, note);
  out.seconds = seconds_between(start, std::chrono::steady_clock::now());
  if (!r) return r.status();
  out.result = std::move(r).value();
  return out;
}

std::vector<double> gaps(const std::vector<double>& arrivals) {
  std::vector<double> out;
  double last = 0;
  for (double t : arrivals) {
    out.push_back(t - last);
    last = t;
  }
  return out;
}

}  // namespace liaison::bench
