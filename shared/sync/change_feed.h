// A change feed: what one peer has not seen, planned once and then handed out in batches.
//
// plan() lists every change the replica holds above the peer's version vector, in the order
// they are sent (hybrid timestamp across origins, sequence within an origin), either from the
// change log (incremental) or, when the peer lacks most of the history or the log no longer
// reaches back to its vector (compaction), from the rows themselves (a snapshot of the current
// state: only the changes whose values survive). next() then emits the following batch, each
// change with only the fields it still holds here, and per origin the range (from, to] the
// batch covers, so that merging the batches' ranges in order raises the peer's vector to the
// replica's vector at plan time. A sync session plans once, so a batch costs its own changes,
// not a re-read of everything that remains.
//
// Rows changed after plan() are read as they are when emitted; changes made after plan() are
// not included (the ranges end at the vector of plan time), and the next feed sends them.
//
// Not thread-safe. REQUIRES: the replica outlives the feed and is used on the feed's thread.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "shared/sync/replica.h"

namespace liaison::sync {

class ChangeFeed {
 public:
  // With a filter, only rows it accepts are sent, and no change waiting in _pending; the ranges
  // still cover what was left out, so the peer never asks for it again. station, when given,
  // says that the filter refuses every row of a station-bound table (all but reference data)
  // whose station_id is not station: a snapshot then does not read those rows at all. hidden,
  // when given, names origins none of whose changes the filter would let through (another
  // station's devices): they are neither read nor announced in the ranges, and skipped() says
  // how far they were passed over.
  using OriginTest = std::function<bool(const Uuid&)>;
  static Result<std::unique_ptr<ChangeFeed>> plan(Replica& replica, const VersionVector& peer,
                                                  RowFilter filter = {},
                                                  std::string station = {},
                                                  const OriginTest& hidden = {});

  // The next batch: at most max_changes changes, and stopping once their estimated encoded
  // size reaches max_bytes (at least one change). A changeset without ranges once done().
  Result<wire::Changeset> next(size_t max_changes, size_t max_bytes = SIZE_MAX);

  // Every planned change has been emitted and every range announced.
  bool done() const;
  // Whether the plan was built from the rows (a snapshot) rather than from the change log.
  bool snapshot() const { return snapshot_; }
  // Changes planned (an upper bound of those that will be sent).
  size_t planned() const { return entries_.size(); }
  // The hidden origins passed over, each with the replica's entry at plan time.
  const VersionVector& skipped() const { return skipped_; }

  struct Entry {
    uint64_t key;  // the send order: the origin's running maximum of timestamps
    uint64_t hlc;
    uint32_t origin;  // local origin number
    uint64_t seq;
    int table;
    std::string row_id;
  };

 private:
  struct Cursor {
    uint64_t from = 0;       // the peer has everything up to here, after the batches so far
    uint64_t cap = 0;        // the replica's vector entry at plan time
    size_t remaining = 0;    // planned entries not emitted yet
    uint64_t last = 0;       // sequence of the last entry taken
  };
  class Batch;

  ChangeFeed(Replica& replica, RowFilter filter, std::string station)
      : replica_(replica), filter_(std::move(filter)), station_(std::move(station)) {}
  Status plan_from_log();
  Status plan_from_rows();
  void order();

  Replica& replica_;
  RowFilter filter_;
  std::string station_;
  bool snapshot_ = false;
  std::map<uint32_t, Cursor> cursors_;  // by local origin number
  VersionVector skipped_;
  std::vector<Entry> entries_;
  size_t pos_ = 0;
};

}  // namespace liaison::sync
