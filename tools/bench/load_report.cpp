#include "tools/bench/load_report.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "tools/bench/load_soak.h"
#include "tools/bench/timing.h"

namespace liaison::bench {

double ModeFigures::wall() const {
  double end = 0;
  for (const SyncRecord& r : records) end = std::max(end, r.done);
  return end;
}

size_t ModeFigures::failures() const {
  return static_cast<size_t>(std::count_if(records.begin(), records.end(),
                                           [](const SyncRecord& r) { return !r.error.empty(); }));
}

uint64_t ModeFigures::pushed() const {
  uint64_t n = 0;
  for (const SyncRecord& r : records) n += r.pushed;
  return n;
}

uint64_t ModeFigures::pulled() const {
  uint64_t n = 0;
  for (const SyncRecord& r : records) n += r.pulled;
  return n;
}

double ModeFigures::device_rate() const {
  double w = wall();
  return w > 0 ? static_cast<double>(records.size() - failures()) / w : 0;
}

double ModeFigures::server_cpu() const {
  return samples.empty() ? 0 : samples.back().cpu_seconds - server_cpu_before;
}

double LoadFigures::apply_rate() const { return median(apply_rates); }

size_t LoadFigures::failures() const {
  size_t n = 0;
  for (const ModeFigures& m : modes) n += m.failures();
  return n;
}

std::string ms_pair(std::vector<double> seconds) {
  return fmt::format("{:.0f} ms / {:.0f} ms", 1000 * percentile(seconds, 50),
                     1000 * percentile(seconds, 99));
}

namespace {

std::string mode_label(const ModeFigures& m) {
  if (m.offered_rate == 0) return fmt::format("burst, {} devices at once", m.arrivals.size());
  return fmt::format("steady, {:.1f} devices/s (Poisson), {} arrivals", m.offered_rate,
                     m.arrivals.size());
}

// The one-change syncs after the mode, against the d targets of bench_sync.
void add_after(const ModeFigures& m, std::vector<Line>& lines) {
  std::vector<double> ms, bytes, up;
  for (const SyncRecord& r : m.after) {
    if (!r.error.empty()) continue;
    ms.push_back(1000 * r.sync_seconds);
    bytes.push_back(static_cast<double>(r.wire_sent + r.wire_received));
    up.push_back(static_cast<double>(r.wire_sent));
  }
  if (ms.empty()) return;
  std::string label = fmt::format("then one changed record on each of {} devices, one sync at "
                                  "a time",
                                  ms.size());
  lines.push_back({label + ": latency median / p90",
                   fmt::format("{:.1f} ms / {:.1f} ms", median(ms), percentile(ms, 90)), "-",
                   "≤ 5 ms"});
  lines.push_back({label + ": bytes on the wire both ways (median)",
                   fmt::format("{:.0f} B ({:.0f} up)", median(bytes), median(up)), "-",
                   "≤ 1 KB"});
}

void add_mode(const LoadFigures& f, const ModeFigures& m, std::vector<Line>& lines) {
  std::vector<double> sync, done;
  for (const SyncRecord& r : m.records) {
    if (!r.error.empty()) continue;
    sync.push_back(r.sync_seconds);
    done.push_back(r.done - r.arrival);
  }
  double wall = m.wall();
  double rate = wall > 0 ? static_cast<double>(m.pushed()) / wall : 0;
  uint64_t hwm = 0, fds = 0;
  for (const ProcessSample& s : m.samples) {
    hwm = std::max(hwm, s.hwm_kb);
    fds = std::max(fds, s.fds);
  }
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::string label = mode_label(m);
  lines.push_back({label + ": opinions pushed per second of wall time",
                   fmt::format("{:.0f} rec/s ({} in {:.1f} s)", rate, m.pushed(), wall),
                   fmt::format("{:.0f} %", 100.0 * rate / f.apply_rate()), "-"});
  lines.push_back({label + ": sync time p50 / p99 (the client call)", ms_pair(sync), "-",
                   "p99 < 1 s"});
  lines.push_back({label + ": arrival to done p50 / p99 (queueing included)", ms_pair(done), "-",
                   "-"});
  lines.push_back({label + ": server peak memory (VmHWM) / peak descriptors",
                   fmt::format("{:.0f} MiB / {}", static_cast<double>(hwm) / 1024, fds), "-", "-"});
  lines.push_back({label + ": CPU of the server / of the load generator",
                   fmt::format("{:.1f} s / {:.1f} s", m.server_cpu(), m.client_cpu),
                   fmt::format("{:.0f} % / {:.0f} % of {} cores",
                               100 * m.server_cpu() / wall / cores,
                               100 * m.client_cpu / wall / cores, cores),
                   "-"});
  if (m.soak) add_soak_lines(m, label, lines);
  add_after(m, lines);
}

}  // namespace

std::vector<Line> load_lines(const LoadFigures& f) {
  std::vector<Line> lines = {
      {fmt::format("in-process apply of the same {} changesets of {} opinions (baseline)",
                   f.devices, f.records),
       fmt::format("{:.0f} rec/s", f.apply_rate()), "100 %", "-"}};
  for (const ModeFigures& m : f.modes) add_mode(f, m, lines);
  return lines;
}

namespace {

// Sync times of the successful records that pass keep, in seconds.
template <typename Keep>
std::vector<double> sync_times(const std::vector<SyncRecord>& records, Keep keep) {
  std::vector<double> out;
  for (const SyncRecord& r : records) {
    if (r.error.empty() && keep(r)) out.push_back(r.sync_seconds);
  }
  return out;
}

// Who is slow and whether it grows: by kind of device, and early against late arrivals.
std::string mode_notes(const ModeFigures& m) {
  auto spokesperson = [](const SyncRecord& r) { return r.spokesperson; };
  auto station = [](const SyncRecord& r) { return !r.spokesperson; };
  uint64_t up = 0, down = 0;
  for (const SyncRecord& r : m.records) {
    up += r.wire_sent;
    down += r.wire_received;
  }
  double pushed = static_cast<double>(std::max<uint64_t>(1, m.pushed()));
  std::string out = fmt::format(" {}: {:.0f} B up and {:.0f} B down on the wire per pushed "
                                "opinion;", m.name, static_cast<double>(up) / pushed,
                                static_cast<double>(down) / pushed);
  out += fmt::format(" {} records pulled by the devices; sync time p50 / p99 of "
                                "spokesperson devices {}, of station devices {}",
                                m.pulled(), ms_pair(sync_times(m.records, spokesperson)),
                                ms_pair(sync_times(m.records, station)));
  size_t tenth = m.records.size() / 10;
  if (tenth > 0) {
    std::vector<SyncRecord> first(m.records.begin(), m.records.begin() + tenth);
    std::vector<SyncRecord> last(m.records.end() - tenth, m.records.end());
    auto all = [](const SyncRecord&) { return true; };
    out += fmt::format("; median sync time of the first tenth of arrivals {:.0f} ms, of the "
                       "last tenth {:.0f} ms",
                       1000 * median(sync_times(first, all)), 1000 * median(sync_times(last, all)));
  }
  if (m.samples.size() >= 3) {
    const ProcessSample& mid = m.samples[m.samples.size() / 2];
    out += fmt::format("; server RSS {:.0f} MiB at the start, {:.0f} MiB at {:.0f} s, "
                       "{:.0f} MiB at the end",
                       m.samples.front().rss_kb / 1024.0, mid.rss_kb / 1024.0, mid.at,
                       m.samples.back().rss_kb / 1024.0);
  }
  if (size_t failed = m.failures(); failed > 0) {
    auto first = std::find_if(m.records.begin(), m.records.end(),
                              [](const SyncRecord& r) { return !r.error.empty(); });
    out += fmt::format("; {} syncs FAILED, the first: {}", failed, first->error);
  }
  return out + ".";
}

}  // namespace

std::string load_notes(const LoadFigures& f) {
  auto [low, high] = std::minmax_element(f.apply_rates.begin(), f.apply_rates.end());
  std::string out = fmt::format(
      "{} devices ({} station devices, the others spokesperson devices) over {} stations, each "
      "with {} new opinions and syncing for the first time; {} client threads, so at most {} "
      "connections at once. Sync time is the client call (connect, handshake, push, pull, close); "
      "arrival to done adds the wait for a free client thread, which is where a burst queues. "
      "Ratios are to the median in-process apply rate of {} measurements taken before the modes "
      "({:.0f} to {:.0f} rec/s).",
      f.devices, std::min(f.devices, f.stations), f.stations, f.records, f.threads, f.threads,
      f.apply_rates.size(), f.apply_rates.empty() ? 0 : *low, f.apply_rates.empty() ? 0 : *high);
  for (const ModeFigures& m : f.modes) {
    if (m.idle > 0) {
      out += fmt::format(" {}: {} more connections held open alongside the syncs, upgraded to "
                         "WebSocket, then silent but for a ping every 15 s; opening them added "
                         "{:.1f} MiB to the server's RSS ({:.0f} KiB each).",
                         m.name, m.idle, static_cast<double>(m.idle_rss_kb) / 1024,
                         static_cast<double>(m.idle_rss_kb) / static_cast<double>(m.idle));
    }
    if (m.soak) {
      out += fmt::format(" {}: a device that comes again has written {} more opinions since its "
                         "previous sync and pushes them.", m.name, f.records);
    }
    out += mode_notes(m);
  }
  for (const ModeFigures& m : f.modes) {
    if (m.soak) out += "\n\n" + soak_table(m);
  }
  return out;
}

}  // namespace liaison::bench
