// One pass of the bad-link benchmark (bench_badlink.cpp) over a copy of a station's month
// (badlink_month.h): the district served by a real service::SyncServer on 127.0.0.1 port 0, the
// station syncing through the fault-injecting proxy (tools/faultproxy) with
// service::sync_with_server and the retry policy of `liaison sync`. First the month's records,
// then its photos are attached and synced; each phase has a server and a proxy of its own, so
// the proxy's periodic cuts count from the start of the phase.
//
// A run of sync_with_server that fails after its retries is followed at once by the next, as a
// station that keeps running `liaison sync` would; a phase gives up when kStuckRuns runs in a row
// ended with the district holding nothing more than before (no change, no byte of content).
// Blocks the calling thread; not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "shared/util/status.h"
#include "tools/bench/badlink_month.h"
#include "tools/faultproxy/fault_config.h"

namespace liaison::bench {

inline constexpr int kStuckRuns = 2;

struct PhaseFigures {
  double seconds = 0;
  bool finished = false;  // false: given up (see kStuckRuns)
  int runs = 0;           // calls of sync_with_server
  uint64_t connections = 0, cuts = 0;
  uint64_t bytes_up = 0, bytes_down = 0;  // relayed by the proxy, up is station → district
  // Of those, the bytes of WebSocket messages a cut caught in transit: relayed on a cut
  // connection after the end of the last message that arrived whole (the proxy's ws_meter).
  // They never arrived, so nothing acknowledged them, and what they carried goes again.
  uint64_t lost_up = 0, lost_down = 0;
  // What the district received although it already held it: changes in PUSHes (the
  // duplicates of its audit log's push rows), and sessions it ended with an ERROR (a chunk of
  // content it holds, sent again, is refused that way).
  uint64_t held_changes_sent = 0, errors = 0;
  uint64_t changes_applied = 0;  // by the district (its audit log's push rows)
  uint64_t content_held = 0;     // bytes of attachment content the district holds at the end
  uint64_t contents_whole = 0;   // contents it holds whole at the end
};

struct PassFigures {
  PhaseFigures records, photos;
  Status check;  // check_month() at the end of the pass
};

// Runs a pass on district.db and station.db in dir with the photos of month_dir, through a proxy
// with faults. An error only when something other than the link fails (a server that does not
// start, a sync refused for good, SQLite); a phase that gives up or a failed check is in the
// figures.
Result<PassFigures> run_pass(const std::string& dir, const std::string& month_dir,
                             const Month& month, const MonthSize& size,
                             const faultproxy::FaultConfig& faults);

}  // namespace liaison::bench
