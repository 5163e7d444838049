// Applying a changeset: validate it whole, then merge change by change in one transaction.
// Merge rules (docs/design.md): immutable columns never change after creation; editable columns
// take the value with the greatest (hybrid timestamp, origin UUID); append-only rows are only
// created; a change whose row has not been created here waits in _pending. A value that loses
// goes to the conflict log unless the winner was written knowing it (its base).
#include <fmt/format.h>

#include "shared/storage/migrations.h"
#include "shared/sync/pending.h"
#include "shared/sync/replica.h"
#include "shared/sync/table_stmts.h"
#include "shared/sync/values.h"

namespace liaison::sync {

struct Incoming {
  int column;
  Value* value;  // points into the changeset or a pending body; may be moved from on creation
  Stamp base;
};

class Replica::Applier {
 public:
  Applier(Replica& r, wire::Changeset& cs, const ChangeGuard& guard)
      : r_(r), cs_(cs), guard_(guard) {}

  // Checks everything that does not need the database: known tables and columns, one range per
  // origin, every change inside its origin's range and in increasing sequence order.
  Status validate() {
    int latest = storage::latest_version(storage::embedded_migrations());
    if (cs_.schema_version > static_cast<uint32_t>(latest))
      return Status(Code::kSchemaTooNew, "err.peer_schema_newer",
                    fmt::format("{} > {}", cs_.schema_version, latest));
    for (const wire::TableHeader& h : cs_.tables) {
      const TablePolicy* t = find_table(h.name);
      if (!t) return Status::corruption("unknown table " + h.name);
      std::vector<int> cols;
      for (const std::string& c : h.columns) {
        int idx = t->column_index(c);
        if (idx < 0) return Status::corruption(fmt::format("unknown column {}.{}", h.name, c));
        cols.push_back(idx);
      }
      tables_.push_back({t, std::move(cols)});
    }
    // Indices are checked here as well as in decode(): a changeset may be built in memory.
    range_of_.assign(cs_.origins.size(), -1);
    for (size_t i = 0; i < cs_.ranges.size(); ++i) {
      uint32_t o = cs_.ranges[i].origin;
      if (o >= cs_.origins.size()) return Status::corruption("range origin out of range");
      if (range_of_[o] >= 0) return Status::corruption("two ranges for one origin");
      range_of_[o] = static_cast<int>(i);
    }
    std::vector<uint64_t> last(cs_.origins.size(), 0);
    for (const wire::Change& c : cs_.changes) {
      if (c.table >= tables_.size() || c.origin >= cs_.origins.size() || c.row_id.empty())
        return Status::corruption("change table, origin or id out of range");
      int ri = range_of_[c.origin];
      if (ri < 0) return Status::corruption("change outside every range");
      const wire::Range& r = cs_.ranges[static_cast<size_t>(ri)];
      if (c.seq <= r.from || c.seq > r.to || c.seq <= last[c.origin])
        return Status::corruption(fmt::format("change seq {} out of order or range", c.seq));
      last[c.origin] = c.seq;
      for (const wire::FieldChange& f : c.fields) {
        if (f.column >= tables_[c.table].columns.size() ||
            (f.base_hlc != 0 && f.base_origin >= cs_.origins.size()))
          return Status::corruption("field column or base out of range");
        if (tables_[c.table].columns[f.column] == 0) return Status::corruption("field is the id");
      }
    }
    return {};
  }

  Status run(ApplyStats& stats) {
    stats_ = &stats;
    std::vector<uint32_t> local(cs_.origins.size());
    for (size_t i = 0; i < cs_.origins.size(); ++i) {
      LIAISON_ASSIGN_OR_RETURN(local[i], r_.intern_origin(cs_.origins[i]));
    }
    // An origin whose range starts past what we have would leave a hole: skip it, the sender
    // will send it again from where we are.
    std::vector<bool> skip(cs_.origins.size(), false);
    for (const wire::Range& rg : cs_.ranges) {
      if (rg.from > r_.vv_[local[rg.origin]]) {
        skip[rg.origin] = true;
        ++stats.gaps;
      }
    }
    for (wire::Change& c : cs_.changes) {
      uint32_t o = local[c.origin];
      if (skip[c.origin]) continue;
      if (c.seq <= r_.vv_[o]) {
        ++stats.duplicates;
        continue;
      }
      r_.hlc_.observe(c.hlc);
      LIAISON_RETURN_IF_ERROR(apply_change(c, o, local));
    }
    for (const wire::Range& rg : cs_.ranges) {
      if (skip[rg.origin]) continue;
      uint64_t& have = r_.vv_[local[rg.origin]];
      have = std::max(have, rg.to);
    }
    // Our own changes coming back beyond our sequence mean this file was restored from an older
    // copy: continue after them rather than reuse their numbers.
    r_.seq_ = std::max(r_.seq_, r_.vv_[1]);
    return {};
  }

 private:
  struct MappedTable {
    const TablePolicy* policy;
    std::vector<int> columns;
  };

  Status apply_change(wire::Change& c, uint32_t origin, const std::vector<uint32_t>& local) {
    const MappedTable& mt = tables_[c.table];
    const TablePolicy& t = *mt.policy;
    std::vector<Incoming> in;
    in.reserve(c.fields.size());
    for (wire::FieldChange& f : c.fields) {
      int col = mt.columns[f.column];
      const ColumnPolicy& cp = t.columns[static_cast<size_t>(col)];
      if (!check_type(t, col, f.value).is_ok()) return refuse(c, origin, t, "type:" + cp.name);
      // An edit may not empty a required field (capture refuses it too); a creation may leave
      // out an editable one that a later edit replaced, so creations are checked in create_row.
      bool empty = is_null(f.value) || f.value == Value{std::string()};
      if (!c.create && cp.required && empty) return refuse(c, origin, t, "required:" + cp.name);
      Stamp base = f.base_hlc ? Stamp{f.base_hlc, local[f.base_origin]} : Stamp{};
      in.push_back({col, &f.value, base});
    }
    Stamp stamp{c.hlc, origin};
    if (c.create) {
      if (guard_) {
        std::vector<Value> values(t.columns.size());
        values[0] = c.row_id;
        for (const Incoming& f : in) values[static_cast<size_t>(f.column)] = *f.value;
        if (auto why = guard_({t, true, r_.origins_[origin], &values, nullptr}))
          return refuse(c, origin, t, *why);
      }
      LIAISON_ASSIGN_OR_RETURN(bool created, create_row(c, origin, t, in));
      if (created) return {};
    }
    // Refused before looking for the row: kept in _pending instead, it would be relayed and
    // later merged as an "immutable" conflict, so replicas would disagree about it.
    if (t.kind == TableKind::kAppendOnly && !c.create)
      return refuse(c, origin, t, "append_only");
    LIAISON_ASSIGN_OR_RETURN(std::optional<Row> row, r_.load(t, c.row_id));
    // A guarded replica checks the change against the row it would change; a creation whose id
    // exists is checked again, so that a forged creation cannot overwrite someone else's row.
    if (guard_) {
      if (auto why = guard_({t, c.create, r_.origins_[origin], nullptr, row ? &*row : nullptr}))
        return refuse(c, origin, t, *why);
    }
    if (!row) return keep_pending(c, origin, t, in);
    bool changed = false;
    LIAISON_RETURN_IF_ERROR(merge(t, *row, in, stamp, c.seq, changed));
    if (changed) LIAISON_RETURN_IF_ERROR(r_.store_row(t, *row, false));
    ++stats_->applied;
    return r_.log_change(origin, c.seq, t, c.row_id, c.hlc);
  }

  // Creates the row when its id is new here: Result true when done (or refused), false when
  // the row exists and the change must be merged into it instead (values are then put back).
  Result<bool> create_row(const wire::Change& c, uint32_t origin, const TablePolicy& t,
                          const std::vector<Incoming>& in) {
    size_t n = t.columns.size();
    Row row;
    row.values.assign(n, Value{});
    row.values[0] = c.row_id;
    for (const Incoming& f : in) row.values[static_cast<size_t>(f.column)] = std::move(*f.value);
    auto put_back = [&] {
      for (const Incoming& f : in) *f.value = std::move(row.values[static_cast<size_t>(f.column)]);
    };
    if (!check_required(t, row.values, /*immutable_only=*/true).is_ok()) {
      put_back();
      LIAISON_RETURN_IF_ERROR(refuse(c, origin, t, "required"));
      return true;
    }
    row.clock.fields.assign(n, FieldClock{{c.hlc, origin}, c.seq, {}});
    LIAISON_ASSIGN_OR_RETURN(bool inserted, r_.insert_row_if_absent(t, row));
    if (!inserted) {
      put_back();
      return false;
    }
    if (r_.pending_rows_ > 0) {
      bool changed = false;
      LIAISON_RETURN_IF_ERROR(merge_pending(t, row, changed));
      if (changed) LIAISON_RETURN_IF_ERROR(r_.store_row(t, row, false));
    }
    ++stats_->applied;
    LIAISON_RETURN_IF_ERROR(r_.log_change(origin, c.seq, t, c.row_id, c.hlc));
    return true;
  }

  // Merges incoming fields into row; sets changed when the row must be written back.
  Status merge(const TablePolicy& t, Row& row, const std::vector<Incoming>& in, const Stamp& stamp,
               uint64_t seq, bool& changed) {
    for (const Incoming& f : in) {
      auto i = static_cast<size_t>(f.column);
      FieldClock& cur = row.clock.fields[i];
      Value& value = row.values[i];
      if (t.columns[i].kind != ColumnKind::kLww) {
        if (value != *f.value) LIAISON_RETURN_IF_ERROR(conflict(t, row, f.column, "immutable", value, cur.stamp, *f.value, stamp));
        continue;
      }
      int cmp = r_.compare_stamps(stamp, cur.stamp);
      if (cmp == 0) continue;
      if (cmp > 0) {
        if (value != *f.value && f.base != cur.stamp)
          LIAISON_RETURN_IF_ERROR(conflict(t, row, f.column, "concurrent", *f.value, stamp, value, cur.stamp));
        cur = FieldClock{stamp, seq, f.base};
        value = *f.value;
        changed = true;
      } else if (value != *f.value && cur.base != stamp) {
        LIAISON_RETURN_IF_ERROR(conflict(t, row, f.column, "concurrent", value, cur.stamp, *f.value, stamp));
      }
    }
    return {};
  }

  Status conflict(const TablePolicy& t, const Row& row, int column, const char* kind,
                  const Value& kept, const Stamp& kept_stamp, const Value& lost,
                  const Stamp& lost_stamp) {
    ++stats_->conflicts;
    return r_.record_conflict(t, std::get<std::string>(row.values[0]), column, kind, kept,
                              kept_stamp, lost, lost_stamp);
  }

  Status keep_pending(const wire::Change& c, uint32_t origin, const TablePolicy& t,
                      const std::vector<Incoming>& in) {
    std::vector<PendingField> fields;
    for (const Incoming& f : in) fields.push_back({f.column, *f.value, f.base});
    LIAISON_ASSIGN_OR_RETURN(
        storage::Stmt ins,
        r_.db_->prepare("INSERT OR IGNORE INTO _pending(origin, seq, tbl, row_id, hlc, body) "
                        "VALUES(?,?,?,?,?,?)"));
    ins.bind(1, static_cast<int64_t>(origin)).bind(2, static_cast<int64_t>(c.seq));
    ins.bind(3, static_cast<int64_t>(t.id)).bind(4, c.row_id).bind(5, static_cast<int64_t>(c.hlc));
    ins.bind_blob(6, encode_pending(fields));
    LIAISON_RETURN_IF_ERROR(ins.run());
    ++r_.pending_rows_;
    ++stats_->pending;
    return r_.log_change(origin, c.seq, t, c.row_id, c.hlc);
  }

  Status merge_pending(const TablePolicy& t, Row& row, bool& changed) {
    const std::string& id = std::get<std::string>(row.values[0]);
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                             r_.db_->prepare("SELECT origin, seq, hlc, body FROM _pending "
                                             "WHERE tbl = ? AND row_id = ? ORDER BY hlc"));
    q.bind(1, static_cast<int64_t>(t.id)).bind(2, id);
    size_t merged = 0;
    for (;;) {
      LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
      if (!more) break;
      Stamp stamp{static_cast<uint64_t>(q.column_int(2)), static_cast<uint32_t>(q.column_int(0))};
      auto seq = static_cast<uint64_t>(q.column_int(1));
      LIAISON_ASSIGN_OR_RETURN(std::vector<PendingField> fields, decode_pending(q.column_blob(3)));
      std::vector<Incoming> in;
      for (PendingField& f : fields) in.push_back({f.column, &f.value, f.base});
      LIAISON_RETURN_IF_ERROR(merge(t, row, in, stamp, seq, changed));
      ++merged;
    }
    q.reset();
    if (merged == 0) return {};
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt del,
                             r_.db_->prepare("DELETE FROM _pending WHERE tbl = ? AND row_id = ?"));
    del.bind(1, static_cast<int64_t>(t.id)).bind(2, id);
    LIAISON_RETURN_IF_ERROR(del.run());
    r_.pending_rows_ -= std::min(r_.pending_rows_, merged);
    return {};
  }

  Status refuse(const wire::Change& c, uint32_t origin, const TablePolicy& t, const std::string& reason) {
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt ins,
                             r_.db_->prepare("INSERT INTO _refused(origin, seq, tbl, row_id, "
                                             "reason, at) VALUES(?,?,?,?,?,?)"));
    ins.bind(1, r_.origins_[origin].str()).bind(2, static_cast<int64_t>(c.seq)).bind(3, t.name);
    ins.bind(4, c.row_id).bind(5, reason).bind(6, r_.now_iso());
    ++stats_->refused;
    stats_->refusals.push_back({r_.origins_[origin], c.seq, t.name, c.row_id, reason});
    return ins.run();
  }

  Replica& r_;
  wire::Changeset& cs_;
  const ChangeGuard& guard_;
  std::vector<MappedTable> tables_;
  std::vector<int> range_of_;
  ApplyStats* stats_ = nullptr;
};

Result<ApplyStats> Replica::apply(wire::Changeset cs, const ChangeGuard& guard) {
  if (in_write_) return Status::internal("apply() inside write()");
  Applier a(*this, cs, guard);
  LIAISON_RETURN_IF_ERROR(a.validate());
  ApplyStats stats;
  LIAISON_RETURN_IF_ERROR(in_txn([&]() { return a.run(stats); }));
  return stats;
}

Status Replica::note_refused(const std::vector<Refusal>& refusals) {
  return db_->transaction([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt ins,
                             db_->prepare("INSERT INTO _refused(origin, seq, tbl, row_id, reason, "
                                          "at) VALUES(?,?,?,?,?,?)"));
    for (const Refusal& r : refusals) {
      ins.bind(1, r.origin.str()).bind(2, static_cast<int64_t>(r.seq)).bind(3, r.table);
      ins.bind(4, r.row_id).bind(5, r.reason).bind(6, now_iso());
      LIAISON_RETURN_IF_ERROR(ins.run());
    }
    return Status{};
  });
}

}  // namespace liaison::sync
