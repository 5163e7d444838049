#include "tools/bench/load_soak.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "tools/bench/timing.h"

namespace liaison::bench {

namespace {

double mib(uint64_t kb) { return static_cast<double>(kb) / 1024; }

// The interval of instant t in a run of wall seconds cut into count (the last one takes what
// comes after the end).
size_t interval_of(double t, double wall, size_t count) {
  if (!(wall > 0) || t <= 0) return 0;
  return std::min(count - 1, static_cast<size_t>(t / wall * static_cast<double>(count)));
}

}  // namespace

std::vector<Interval> intervals(const ModeFigures& m, size_t count) {
  double wall = m.wall();
  std::vector<Interval> out(count);
  for (size_t k = 0; k < count; ++k) {
    out[k].from = wall * static_cast<double>(k) / static_cast<double>(count);
    out[k].to = wall * static_cast<double>(k + 1) / static_cast<double>(count);
  }
  for (const SyncRecord& r : m.records) {
    if (!r.error.empty()) continue;
    Interval& in = out[interval_of(r.done, wall, count)];
    in.sync_seconds.push_back(r.sync_seconds);
    in.pushed += r.pushed;
  }
  double cpu = m.server_cpu_before;
  for (const ProcessSample& s : m.samples) {
    Interval& in = out[interval_of(s.at, wall, count)];
    in.rss_kb = s.rss_kb;
    in.peak_fds = std::max(in.peak_fds, s.fds);
    in.server_cpu += s.cpu_seconds - cpu;
    cpu = s.cpu_seconds;
  }
  for (size_t k = 1; k < count; ++k) {  // an interval without a sample keeps the last RSS
    if (out[k].rss_kb == 0) out[k].rss_kb = out[k - 1].rss_kb;
  }
  return out;
}

double MemoryTrend::growth() const {
  return warm_kb == 0 ? 0 : static_cast<double>(last_median_kb) / static_cast<double>(warm_kb) - 1;
}

bool MemoryTrend::grows() const { return growth() > kMaxGrowth; }

MemoryTrend memory_trend(const ModeFigures& m) {
  MemoryTrend t;
  if (m.samples.empty()) return t;
  double wall = m.wall();
  t.warm_at = wall / 3;
  t.start_kb = m.samples.front().rss_kb;
  t.end_kb = m.samples.back().rss_kb;
  std::vector<double> last;
  for (const ProcessSample& s : m.samples) {
    if (s.at <= t.warm_at) t.warm_kb = s.rss_kb;
    if (s.at < 2 * wall / 3) continue;
    last.push_back(static_cast<double>(s.rss_kb));
    t.last_max_kb = std::max(t.last_max_kb, s.rss_kb);
  }
  t.last_median_kb = static_cast<uint64_t>(median(last));
  return t;
}

void add_soak_lines(const ModeFigures& m, const std::string& label, std::vector<Line>& lines) {
  MemoryTrend t = memory_trend(m);
  lines.push_back({fmt::format("{}: server RSS at the start / once warm (end of the first "
                               "third, {:.0f} s) / at the end",
                               label, t.warm_at),
                   fmt::format("{:.0f} / {:.0f} / {:.0f} MiB", mib(t.start_kb), mib(t.warm_kb),
                               mib(t.end_kb)),
                   "-", "-"});
  lines.push_back({label + ": server RSS over the last third, median / max, against once warm",
                   fmt::format("{:.0f} / {:.0f} MiB: {:+.1f} %, {}", mib(t.last_median_kb),
                               mib(t.last_max_kb), 100 * t.growth(),
                               t.grows() ? "GROWS" : "no growth"),
                   "-", fmt::format("≤ +{:.0f} %", 100 * MemoryTrend::kMaxGrowth)});
  if (m.idle > 0) {
    lines.push_back({label + ": connections held open alongside the syncs / closed by the "
                             "server before the end",
                     fmt::format("{} / {}", m.idle, m.idle_lost), "-", "0 closed"});
  }
  lines.push_back({label + ": after the run, the district holds every device's opinions "
                           "exactly once, nothing unacknowledged",
                   m.check_error.empty() ? fmt::format("yes ({} opinions)", m.checked)
                                         : "NO: " + m.check_error,
                   "-", "yes"});
}

std::string soak_table(const ModeFigures& m, size_t count) {
  std::vector<Interval> in = intervals(m, count);
  double len = in.front().to - in.front().from;
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int digits = len >= 10 ? 0 : 1;
  std::string out = fmt::format(
      "The {} run over time, in {} intervals of {:.{}f} s (a sync counts in the one where it "
      "ended): the server's RSS at the end of each, its most open descriptors in a sample within "
      "each, its CPU as a share of the {} cores.\n\n"
      "| seconds | syncs | opinions pushed/s | sync time p50 / p99 | server RSS | peak "
      "descriptors | server CPU |\n| --- | --- | --- | --- | --- | --- | --- |\n",
      m.name, count, len, digits, cores);
  for (const Interval& i : in) {
    double secs = std::max(i.to - i.from, 1e-9);
    out += fmt::format("| {:.{}f}–{:.{}f} | {} | {:.0f} | {} | {:.0f} MiB | {} | {:.0f} % |\n",
                       i.from, digits, i.to, digits, i.sync_seconds.size(),
                       static_cast<double>(i.pushed) / secs, ms_pair(i.sync_seconds),
                       mib(i.rss_kb), i.peak_fds, 100 * i.server_cpu / secs / cores);
  }
  out.pop_back();  // render() ends the notes with a newline
  return out;
}

}  // namespace liaison::bench
