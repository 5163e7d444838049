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
// A snapshot remembers where each row is stored (its rowid) and next() reads its rows with one
// scan per table in rowid order, stepping from one row to the next, instead of looking each up by
// id: the send order of a snapshot mostly follows the order the rows were made, so the scan seeks
// again only where it does not (an edit of an older row, another station's rows in between). A
// row no longer found at its rowid is looked up by id, so what is sent does not depend on it.
//
// Not thread-safe. REQUIRES: the replica outlives the feed and is used on the feed's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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
  // how far they were passed over. whole_station, with a station, says that the filter keeps
  // every other row (a station device's scope): a snapshot then plans from the rows' clocks
  // without asking it, which sends the same; next() still asks it for every row it sends.
  using OriginTest = std::function<bool(const Uuid&)>;
  static Result<std::unique_ptr<ChangeFeed>> plan(Replica& replica, const VersionVector& peer,
                                                  RowFilter filter = {},
                                                  std::string station = {},
                                                  const OriginTest& hidden = {},
                                                  bool whole_station = false);

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
    int64_t rowid;  // where a snapshot found the row; 0: look it up by id
    std::string row_id;
  };

 private:
  struct Cursor {
    uint64_t from = 0;       // the peer has everything up to here, after the batches so far
    uint64_t cap = 0;        // the replica's vector entry at plan time
    size_t remaining = 0;    // planned entries not emitted yet
    uint64_t last = 0;       // sequence of the last entry taken
  };
  // One table's rows in rowid order, read by next() within its read transaction.
  struct Scan {
    storage::Stmt q;  // every column, _clk and rowid, from a rowid on
    bool on_row = false;
    int64_t rowid = 0;  // the row q is on, when on_row
  };

  ChangeFeed(Replica& replica, RowFilter filter, std::string station, bool whole_station)
      : replica_(replica),
        filter_(std::move(filter)),
        station_(std::move(station)),
        whole_station_(whole_station && !station_.empty()) {}
  Status plan_from_log();
  Status plan_from_rows();
  void order();
  // The row an entry names as it is now, nullopt when it does not exist here.
  Result<std::optional<Row>> read_row(const TablePolicy& t, const Entry& e);
  // Moves the table's scan onto the row at rowid: false when there is none.
  Result<bool> seek(const TablePolicy& t, int64_t rowid);
  // Ends every scan: REQUIRES before the read transaction ends.
  void close_scans();

  Replica& replica_;
  RowFilter filter_;
  std::string station_;
  bool whole_station_;  // the filter keeps every row of station_ and every reference row
  bool snapshot_ = false;
  std::map<uint32_t, Cursor> cursors_;  // by local origin number
  VersionVector skipped_;
  std::vector<Entry> entries_;
  size_t pos_ = 0;
  std::vector<std::unique_ptr<Scan>> scans_;  // by table id, prepared on first use
};

}  // namespace liaison::sync
