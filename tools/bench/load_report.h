// The load generator's figures and their rendering as report lines (tools/bench/report.h).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tools/bench/load_run.h"
#include "tools/bench/report.h"
#include "tools/bench/server_process.h"

namespace liaison::bench {

// One mode (burst or steady) as measured.
struct ModeFigures {
  std::string name;
  double offered_rate = 0;  // arrivals per second; 0 for a burst
  std::vector<Arrival> arrivals;
  std::vector<SyncRecord> records;      // one per arrival, in arrival order
  std::vector<ProcessSample> samples;   // the server over the run
  std::vector<SyncRecord> after;        // one-change syncs once the run is over
  double server_cpu_before = 0;         // the server's CPU seconds when the run started
  double client_cpu = 0;                // the load generator's CPU seconds during the run
  bool soak = false;                    // a steady run with --duration: the over-time view
  size_t idle = 0, idle_lost = 0;       // connections held open alongside, closed by the server
  uint64_t idle_rss_kb = 0;             // what opening them added to the server's RSS
  uint64_t checked = 0;                 // opinions found exactly once at the district after it
  std::string check_error;              // empty when check_world passed

  double wall() const;        // seconds from the first arrival to the last sync's end
  size_t failures() const;
  uint64_t pushed() const;
  uint64_t pulled() const;
  double device_rate() const;  // successful syncs per second of wall time
  double server_cpu() const;   // the server's CPU seconds during the run
};

struct LoadFigures {
  size_t devices = 0, stations = 0, records = 0;
  unsigned threads = 0;
  std::vector<double> apply_rates;  // the in-process baseline, records/s, each measurement
  double apply_rate() const;        // their median
  std::vector<ModeFigures> modes;
  size_t failures() const;
};

// "p50 ms / p99 ms" of durations in seconds.
std::string ms_pair(std::vector<double> seconds);

std::vector<Line> load_lines(const LoadFigures& f);
std::string load_notes(const LoadFigures& f);

}  // namespace liaison::bench
