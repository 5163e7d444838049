// The over-time view of a soak (a steady run of the load generator with --duration): the run cut
// into intervals of equal length, with the throughput, sync times, memory, descriptors and CPU of
// each, and whether the server's memory still grows once warm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/bench/load_report.h"
#include "tools/bench/report.h"

namespace liaison::bench {

struct Interval {
  double from = 0, to = 0;           // seconds from the start of the run
  std::vector<double> sync_seconds;  // of the successful syncs that ended within it
  uint64_t pushed = 0;               // opinions those syncs pushed
  uint64_t rss_kb = 0;               // the server's at the last sample within it
  uint64_t peak_fds = 0;             // the server's most open descriptors in a sample within it
  double server_cpu = 0;             // the server's CPU seconds within it
};

// The run from its start to its last sync's end in count intervals. REQUIRES: count > 0.
std::vector<Interval> intervals(const ModeFigures& m, size_t count);

// The server's resident memory over the run. Warm: the end of the first third, by when SQLite's
// page cache and the allocator's reserve have filled; what comes after should not grow.
struct MemoryTrend {
  double warm_at = 0;  // seconds
  uint64_t start_kb = 0, warm_kb = 0, end_kb = 0;
  uint64_t last_median_kb = 0, last_max_kb = 0;  // over the samples of the last third
  double growth() const;  // the last third's median over warm_kb, as a fraction
  bool grows() const;     // growth() above kMaxGrowth
  static constexpr double kMaxGrowth = 0.05;
};
MemoryTrend memory_trend(const ModeFigures& m);

// The soak's lines of the main table: memory at the start, warm and at the end with the
// verdict, the idle connections, and the invariants checked after the run.
void add_soak_lines(const ModeFigures& m, const std::string& label, std::vector<Line>& lines);

// The intervals as a Markdown table, with a line saying what it shows.
std::string soak_table(const ModeFigures& m, size_t count = 10);

}  // namespace liaison::bench
