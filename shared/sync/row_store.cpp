// Generic row access for the capture, apply and build paths: a row is its values by column
// index plus its row clock.
#include <fmt/format.h>

#include "shared/sync/replica.h"
#include "shared/sync/table_stmts.h"

namespace liaison::sync {

std::string column_list(const TablePolicy& table) {
  std::string out;
  for (const ColumnPolicy& c : table.columns) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

Replica::TableStmts& Replica::stmts(const TablePolicy& table) {
  auto id = static_cast<size_t>(table.id);
  if (stmts_.size() <= id) stmts_.resize(id + 1);
  if (stmts_[id]) return *stmts_[id];
  auto s = std::make_unique<TableStmts>();
  std::string cols = column_list(table);
  std::string marks, sets;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    marks += "?, ";
    if (i > 0) sets += table.columns[i].name + " = ?, ";
  }
  // The policy is fixed at build time and the schema is checked against it by a test, so a
  // failure to prepare these is a broken build, not a runtime condition.
  auto prepare = [&](const std::string& sql) {
    auto r = db_->prepare(sql);
    if (!r) throw std::logic_error(r.status().message());
    return std::move(r).value();
  };
  s->select = prepare(fmt::format("SELECT {}, _clk FROM {} WHERE id = ?", cols, table.name));
  s->insert = prepare(fmt::format("INSERT INTO {}({}, _clk) VALUES({}?)", table.name, cols, marks));
  s->insert_if_absent = prepare(fmt::format(
      "INSERT INTO {}({}, _clk) VALUES({}?) ON CONFLICT(id) DO NOTHING", table.name, cols, marks));
  s->update = prepare(fmt::format("UPDATE {} SET {}_clk = ? WHERE id = ?", table.name, sets));
  stmts_[id] = std::move(s);
  return *stmts_[id];
}

Result<std::optional<Row>> Replica::load(const TablePolicy& table, const std::string& id) {
  storage::Stmt& q = stmts(table).select;
  q.bind(1, id);
  Result<bool> has = q.step();
  if (!has) return has.status();
  if (!has.value()) {
    q.reset();
    return std::optional<Row>{};
  }
  Row row;
  size_t n = table.columns.size();
  row.values.reserve(n);
  for (size_t i = 0; i < n; ++i) row.values.push_back(q.column_value(static_cast<int>(i)));
  std::string clk = q.column_blob(static_cast<int>(n));
  q.reset();
  LIAISON_ASSIGN_OR_RETURN(row.clock, RowClock::decode(clk, n));
  return std::optional<Row>(std::move(row));
}

namespace {

// Raises the capture flag for one domain write: the schema's guards let a write through only
// while it is up, so capture cannot be bypassed from inside a write() callback either.
class CaptureScope {
 public:
  explicit CaptureScope(bool& flag) : flag_(flag) { flag_ = true; }
  ~CaptureScope() { flag_ = false; }
  CaptureScope(const CaptureScope&) = delete;
  CaptureScope& operator=(const CaptureScope&) = delete;

 private:
  bool& flag_;
};

}  // namespace

Status Replica::store_row(const TablePolicy& table, const Row& row, bool insert) {
  CaptureScope capture(capturing_);
  TableStmts& s = stmts(table);
  size_t n = table.columns.size();
  std::string clk = row.clock.encode();
  if (insert) {
    for (size_t i = 0; i < n; ++i) s.insert.bind_ref(static_cast<int>(i + 1), row.values[i]);
    s.insert.bind_blob_ref(static_cast<int>(n + 1), clk);
    return s.insert.run();
  }
  for (size_t i = 1; i < n; ++i) s.update.bind_ref(static_cast<int>(i), row.values[i]);
  s.update.bind_blob_ref(static_cast<int>(n), clk);
  s.update.bind_ref(static_cast<int>(n + 1), row.values[0]);
  return s.update.run();
}

Result<bool> Replica::insert_row_if_absent(const TablePolicy& table, const Row& row) {
  CaptureScope capture(capturing_);
  storage::Stmt& ins = stmts(table).insert_if_absent;
  size_t n = table.columns.size();
  std::string clk = row.clock.encode();
  for (size_t i = 0; i < n; ++i) ins.bind_ref(static_cast<int>(i + 1), row.values[i]);
  ins.bind_blob_ref(static_cast<int>(n + 1), clk);
  LIAISON_RETURN_IF_ERROR(ins.run());
  return db_->changes() == 1;
}

Status Replica::log_change(uint32_t origin, uint64_t seq, const TablePolicy& table,
                           const std::string& row_id, uint64_t hlc) {
  if (!log_insert_) {
    LIAISON_ASSIGN_OR_RETURN(log_insert_,
                             db_->prepare("INSERT OR IGNORE INTO _log(origin, seq, tbl, row_id, hlc) "
                                          "VALUES(?,?,?,?,?)"));
  }
  log_insert_->bind(1, static_cast<int64_t>(origin)).bind(2, static_cast<int64_t>(seq));
  log_insert_->bind(3, static_cast<int64_t>(table.id)).bind(4, row_id);
  log_insert_->bind(5, static_cast<int64_t>(hlc));
  return log_insert_->run();
}

Status Replica::record_conflict(const TablePolicy& table, const std::string& row_id, int column,
                                const char* kind, const Value& kept, const Stamp& kept_stamp,
                                const Value& lost, const Stamp& lost_stamp) {
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt ins,
      db_->prepare("INSERT INTO _conflict(tbl, row_id, field, kind, kept_value, kept_hlc, "
                   "kept_origin, lost_value, lost_hlc, lost_origin, detected_at) "
                   "VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
  ins.bind(1, table.name).bind(2, row_id).bind(3, table.columns[static_cast<size_t>(column)].name);
  ins.bind(4, kind).bind(5, kept).bind(6, static_cast<int64_t>(kept_stamp.hlc));
  ins.bind(7, kept_stamp.hlc ? Value{origins_[kept_stamp.origin].str()} : Value{});
  ins.bind(8, lost).bind(9, static_cast<int64_t>(lost_stamp.hlc));
  ins.bind(10, origins_[lost_stamp.origin].str()).bind(11, now_iso());
  return ins.run();
}

}  // namespace liaison::sync
