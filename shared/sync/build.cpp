// Building a changeset: every change known here that a peer's version vector has not covered,
// origin by origin in sequence order, each with only the fields it still holds (a field
// overwritten since is carried by the change that overwrote it).
#include <algorithm>

#include <fmt/format.h>

#include "shared/storage/migrations.h"
#include "shared/sync/pending.h"
#include "shared/sync/replica.h"
#include "shared/sync/table_stmts.h"

namespace liaison::sync {

class Replica::Builder {
 public:
  Builder(Replica& r, const RowFilter& filter) : r_(r), filter_(filter) {
    cs_.schema_version = static_cast<uint32_t>(storage::latest_version(storage::embedded_migrations()));
    cs_.sender = r.info_.id;
  }

  uint32_t origin(uint32_t local) {
    auto [it, added] = origin_map_.try_emplace(local, static_cast<uint32_t>(cs_.origins.size()));
    if (added) cs_.origins.push_back(r_.origins_[local]);
    return it->second;
  }

  uint32_t table(const TablePolicy& t) {
    auto [it, added] = table_map_.try_emplace(t.id, static_cast<uint32_t>(cs_.tables.size()));
    if (added) {
      wire::TableHeader h{t.name, {}};
      for (const ColumnPolicy& c : t.columns) h.columns.push_back(c.name);
      cs_.tables.push_back(std::move(h));
    }
    return it->second;
  }

  // Appends the change (local origin, seq) if any of its fields survive here.
  Status emit(uint32_t local_origin, uint64_t seq, int table_id, const std::string& row_id,
              uint64_t hlc) {
    if (table_id < 0 || static_cast<size_t>(table_id) >= tables().size())
      return Status::corruption(fmt::format("_log table {}", table_id));
    const TablePolicy& t = sync::table(table_id);
    LIAISON_ASSIGN_OR_RETURN(std::optional<Row> row, r_.load(t, row_id));
    // A filtered peer gets only rows it may see, and no change whose row is unknown here.
    if (filter_ && (!row || !filter_(t, *row))) return {};
    wire::Change c;
    c.row_id = row_id;
    c.seq = seq;
    c.hlc = hlc;
    if (row) {
      c.fields.reserve(t.columns.size() - 1);
      const FieldClock& marker = row->clock.fields[static_cast<size_t>(t.create_marker)];
      c.create = marker.stamp.origin == local_origin && marker.seq == seq;
      for (size_t i = 1; i < t.columns.size(); ++i) {
        const FieldClock& f = row->clock.fields[i];
        if (f.stamp.origin != local_origin || f.seq != seq) continue;
        if (c.create && is_null(row->values[i])) continue;  // absent means null in a creation
        wire::FieldChange fc{static_cast<uint32_t>(i), row->values[i], f.base.hlc, 0};
        if (f.base.hlc != 0) fc.base_origin = origin(f.base.origin);
        c.fields.push_back(std::move(fc));
      }
      if (c.fields.empty() && !c.create) return {};
    } else {
      LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> body, pending_body(local_origin, seq));
      if (!body) return {};
      LIAISON_ASSIGN_OR_RETURN(std::vector<PendingField> fields, decode_pending(*body));
      for (PendingField& f : fields) {
        wire::FieldChange fc{static_cast<uint32_t>(f.column), std::move(f.value), f.base.hlc, 0};
        if (f.base.hlc != 0) fc.base_origin = origin(f.base.origin);
        c.fields.push_back(std::move(fc));
      }
    }
    c.table = table(t);
    c.origin = origin(local_origin);
    cs_.changes.push_back(std::move(c));
    return {};
  }

  Result<std::optional<std::string>> pending_body(uint32_t origin, uint64_t seq) {
    if (!pending_q_) {
      LIAISON_ASSIGN_OR_RETURN(pending_q_,
                               r_.db_->prepare("SELECT body FROM _pending WHERE origin=? AND seq=?"));
    }
    pending_q_->bind(1, static_cast<int64_t>(origin)).bind(2, static_cast<int64_t>(seq));
    LIAISON_ASSIGN_OR_RETURN(bool found, pending_q_->step());
    std::optional<std::string> body;
    if (found) body = pending_q_->column_blob(0);
    pending_q_->reset();
    return body;
  }

  // Emits in timestamp order across origins: an edit made after seeing a record's creation has
  // a greater timestamp, so receivers meet creations before the edits of them (no pending
  // detour), and each origin's changes stay in sequence order since its clock only increases.
  Result<wire::Changeset> run(const VersionVector& peer, size_t max_changes) {
    struct Entry {
      uint64_t hlc;
      uint64_t key;  // hlc, raised to the origin's previous key: see below
      uint32_t origin;
      uint64_t seq;
      int table;
      std::string row_id;
    };
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                             r_.db_->prepare("SELECT seq, tbl, row_id, hlc FROM _log "
                                             "WHERE origin = ? AND seq > ? ORDER BY seq"));
    std::vector<Entry> entries;
    std::map<uint32_t, uint64_t> from_of;
    for (const auto& [local, have] : std::map<uint32_t, uint64_t>(r_.vv_.begin(), r_.vv_.end())) {
      auto it = peer.find(r_.origins_[local]);
      uint64_t from = it == peer.end() ? 0 : it->second;
      if (have <= from) continue;
      from_of[local] = from;
      q.bind(1, static_cast<int64_t>(local)).bind(2, static_cast<int64_t>(from));
      // An origin's timestamps rise with its sequence only if it is honest and was never restored
      // from an older copy; a receiver refuses a changeset whose origin goes back in sequence, so
      // the sort key never falls within one origin (a running maximum of its timestamps).
      uint64_t floor = 0;
      for (;;) {
        LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
        if (!more) break;
        auto hlc = static_cast<uint64_t>(q.column_int(3));
        floor = std::max(floor, hlc);
        entries.push_back({hlc, floor, local, static_cast<uint64_t>(q.column_int(0)),
                           static_cast<int>(q.column_int(1)), q.column_text(2)});
      }
      q.reset();
    }
    std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
      if (a.key != b.key) return a.key < b.key;
      if (a.origin != b.origin) return r_.origins_[a.origin] < r_.origins_[b.origin];
      return a.seq < b.seq;
    });
    // Each origin's range ends at the last change taken, or covers everything known here when
    // none of its changes was left out.
    std::map<uint32_t, uint64_t> to_of;
    for (const auto& [local, from] : from_of) to_of[local] = r_.vv_[local];
    size_t taken = 0;
    for (const Entry& e : entries) {
      if (taken == max_changes) {
        uint64_t& to = to_of[e.origin];
        to = std::min(to, e.seq - 1);
        continue;
      }
      ++taken;
      LIAISON_RETURN_IF_ERROR(emit(e.origin, e.seq, e.table, e.row_id, e.hlc));
    }
    for (const auto& [local, from] : from_of) {
      uint64_t to = to_of[local];
      if (to > from) cs_.ranges.push_back({origin(local), from, to});
    }
    // Changes of an origin whose range was cut short must not be sent past it.
    std::erase_if(cs_.changes, [&](const wire::Change& c) {
      for (const wire::Range& r : cs_.ranges)
        if (r.origin == c.origin) return c.seq > r.to;
      return true;
    });
    return std::move(cs_);
  }

 private:
  Replica& r_;
  const RowFilter& filter_;
  wire::Changeset cs_;
  std::map<uint32_t, uint32_t> origin_map_;
  std::map<int, uint32_t> table_map_;
  std::optional<storage::Stmt> pending_q_;
};

Result<wire::Changeset> Replica::changes_since(const VersionVector& peer, size_t max_changes,
                                               const RowFilter& filter) {
  Builder b(*this, filter);
  return b.run(peer, max_changes);
}

}  // namespace liaison::sync
