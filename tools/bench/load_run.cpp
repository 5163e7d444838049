#include "tools/bench/load_run.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "shared/app/opinions.h"
#include "shared/sync/replica.h"
#include "tools/bench/opinion_rows.h"
#include "tools/bench/timed_sync.h"
#include "tools/bench/timing.h"

namespace liaison::bench {

namespace {

std::vector<size_t> shuffled(size_t n, std::mt19937_64& rng) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

void note(const TimedSync& t, SyncRecord& rec) {
  rec.sync_seconds = t.seconds;
  rec.pushed = t.result.summary.pushed;
  rec.pulled = t.result.summary.pulled;
  rec.wire_sent = t.result.tcp_bytes_sent;
  rec.wire_received = t.result.tcp_bytes_received;
}

// Changes the place of the first opinion the device recorded.
Status change_own_opinion(sync::Replica& replica, const std::string& place) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           replica.db().prepare("SELECT id FROM opinion WHERE recorded_by = ? "
                                                "ORDER BY id LIMIT 1"));
  q.bind(1, replica.info().id.str());
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (!found) return Status::not_found("err.not_found", "the device recorded no opinion");
  app::OpinionEdit edit;
  edit.place = place;
  return app::set_opinion(replica, q.column_text(0), edit);
}

// Device i changes one of its opinions and syncs.
SyncRecord change_one(const LoadWorld& world, const std::string& url, size_t i, SteadyTime start) {
  SyncRecord rec;
  rec.device = i;
  rec.spokesperson = world.devices[i].spokesperson;
  Result<std::unique_ptr<sync::Replica>> r = sync::Replica::open(world.device_path(i));
  Status changed = r ? change_own_opinion(**r, world.devices[i].place + "2号楼") : r.status();
  if (!changed.is_ok()) {
    rec.error = changed.message();
    return rec;
  }
  rec.arrival = seconds_between(start, std::chrono::steady_clock::now());
  Result<TimedSync> t = timed_sync(**r, url, world.devices[i].token);
  rec.done = seconds_between(start, std::chrono::steady_clock::now());
  if (!t) rec.error = t.status().message();
  else note(*t, rec);
  return rec;
}

// The shared state of one run.
struct Run {
  const LoadWorld& world;
  const std::vector<Arrival>& arrivals;
  const RunSpec& spec;
  std::vector<bool> again;       // arrival i's device comes again later
  std::vector<uint32_t> round;   // arrival i is its device's round number
  std::unique_ptr<std::mutex[]> device_mu;
  std::vector<SyncRecord> records;  // each written by the thread that took that arrival
  std::atomic<size_t> next{0};
  SteadyTime start;

  double now() const { return seconds_between(start, std::chrono::steady_clock::now()); }

  // One arrival: open the replica, sync, and write the next round when the device comes again.
  void play(size_t i) {
    const Arrival& a = arrivals[i];
    SyncRecord& rec = records[i];
    rec.device = a.device;
    rec.spokesperson = world.devices[a.device].spokesperson;
    rec.arrival = a.at;
    std::lock_guard lock(device_mu[a.device]);
    Result<std::unique_ptr<sync::Replica>> r = sync::Replica::open(world.device_path(a.device));
    if (!r) {
      rec.error = r.status().message();
      rec.done = now();
      return;
    }
    Result<TimedSync> t = timed_sync(**r, spec.url, world.devices[a.device].token);
    rec.done = now();
    if (!t) {
      rec.error = t.status().message();
      return;
    }
    note(*t, rec);
    if (!again[i]) return;
    SeededRandom random(spec.seed * 7'919 + a.device * 131 + round[i]);
    Result<std::vector<std::string>> ids =
        write_opinions(**r, spec.records_per_round, random, world.devices[a.device].place);
    if (!ids) rec.error = "writing the next round: " + ids.status().message();
  }

  void worker() {
    // Linux gives each thread its own nice value; the server process keeps its own.
    if (spec.nice != 0) ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), spec.nice);
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= arrivals.size()) return;
      std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::duration<double>(arrivals[i].at)));
      play(i);
    }
  }
};

}  // namespace

std::vector<SyncRecord> change_one_each(const LoadWorld& world, const std::string& url,
                                        size_t count) {
  std::vector<SyncRecord> out;
  size_t n = world.devices.size();
  count = std::min(count, n);
  SteadyTime start = std::chrono::steady_clock::now();
  for (size_t k = 0; k < count; ++k) out.push_back(change_one(world, url, k * n / count, start));
  return out;
}

std::vector<Arrival> burst_arrivals(size_t devices, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Arrival> out;
  for (size_t d : shuffled(devices, rng)) out.push_back({0, d});
  return out;
}

std::vector<Arrival> steady_arrivals(size_t devices, double rate, double duration, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<size_t> order = shuffled(devices, rng);
  std::exponential_distribution<double> gap(rate);
  std::vector<Arrival> out;
  double t = 0;
  for (size_t k = 0; k < devices || t < duration; ++k) {
    out.push_back({t, order[k % devices]});
    t += gap(rng);
  }
  return out;
}

std::vector<SyncRecord> run_arrivals(const LoadWorld& world, const std::vector<Arrival>& arrivals,
                                     const RunSpec& spec) {
  Run run{world, arrivals, spec};
  run.again.assign(arrivals.size(), false);
  run.round.assign(arrivals.size(), 0);
  std::vector<size_t> last(world.devices.size(), SIZE_MAX);
  std::vector<uint32_t> rounds(world.devices.size(), 0);
  for (size_t i = 0; i < arrivals.size(); ++i) {
    size_t d = arrivals[i].device;
    if (last[d] != SIZE_MAX) run.again[last[d]] = true;
    last[d] = i;
    run.round[i] = rounds[d]++;
  }
  run.device_mu = std::make_unique<std::mutex[]>(world.devices.size());
  run.records.resize(arrivals.size());
  run.start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  unsigned n = std::max(1u, spec.threads);
  for (unsigned t = 0; t < n; ++t) threads.emplace_back([&run] { run.worker(); });
  for (auto& t : threads) t.join();
  return std::move(run.records);
}

}  // namespace liaison::bench
