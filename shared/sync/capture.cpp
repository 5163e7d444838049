// Change capture: the one path by which local code writes domain rows. Each write stamps the
// columns it sets with (hybrid timestamp, this replica, next sequence) and logs the change.
#include <fmt/format.h>

#include "shared/sync/replica.h"
#include "shared/sync/table_stmts.h"
#include "shared/sync/values.h"

namespace liaison::sync {

Result<std::string> Replica::insert(const TablePolicy& table, Fields fields, std::string id) {
  if (!in_write_) return Status::internal("insert() outside write()");
  bool explicit_id = !id.empty();
  if (!explicit_id) id = new_id();
  size_t n = table.columns.size();
  Row row;
  row.values.assign(n, Value{});
  row.values[0] = id;
  for (auto& [col, value] : fields) {
    if (col <= 0 || static_cast<size_t>(col) >= n) return Status::internal("column out of range");
    LIAISON_RETURN_IF_ERROR(check_type(table, col, value));
    row.values[static_cast<size_t>(col)] = std::move(value);
  }
  LIAISON_RETURN_IF_ERROR(check_required(table, row.values));
  // A fresh UUIDv7 cannot collide; an id chosen by a person (a station code) can.
  if (explicit_id) {
    LIAISON_ASSIGN_OR_RETURN(std::optional<Row> existing, load(table, id));
    if (existing) return Status(Code::kAlreadyExists, "err.id_exists", id);
  }
  uint64_t hlc = hlc_.tick();
  uint64_t seq = ++seq_;
  row.clock.fields.assign(n, FieldClock{{hlc, 1}, seq, {}});
  LIAISON_RETURN_IF_ERROR(store_row(table, row, true));
  LIAISON_RETURN_IF_ERROR(log_change(1, seq, table, id, hlc));
  return id;
}

Status Replica::update(const TablePolicy& table, const std::string& id, const Fields& fields) {
  if (!in_write_) return Status::internal("update() outside write()");
  LIAISON_ASSIGN_OR_RETURN(std::optional<Row> row, load(table, id));
  if (!row) return Status::not_found("err.not_found", id);
  size_t n = table.columns.size();
  std::vector<std::pair<int, const Value*>> changed;
  for (const auto& [col, value] : fields) {
    if (col <= 0 || static_cast<size_t>(col) >= n) return Status::internal("column out of range");
    const ColumnPolicy& c = table.columns[static_cast<size_t>(col)];
    if (c.kind != ColumnKind::kLww) return Status::invalid("err.immutable_field", c.name);
    LIAISON_RETURN_IF_ERROR(check_type(table, col, value));
    // The rule of check_required() at creation: a required field is neither null nor empty.
    if (c.required && (is_null(value) || value == Value{std::string()}))
      return Status::invalid("err.required_field", c.name);
    if (row->values[static_cast<size_t>(col)] != value) changed.emplace_back(col, &value);
  }
  if (changed.empty()) return {};
  uint64_t hlc = hlc_.tick();
  uint64_t seq = ++seq_;
  for (const auto& [col, value] : changed) {
    auto i = static_cast<size_t>(col);
    FieldClock& f = row->clock.fields[i];
    // The base is the write this one knowingly replaces: a replica that still holds that
    // write takes this as an ordinary edit, not a conflict.
    f = FieldClock{{hlc, 1}, seq, f.stamp};
    row->values[i] = *value;
  }
  LIAISON_RETURN_IF_ERROR(store_row(table, *row, false));
  return log_change(1, seq, table, id, hlc);
}

}  // namespace liaison::sync
