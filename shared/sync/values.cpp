#include "shared/sync/values.h"

namespace liaison::sync {

Status check_type(const TablePolicy& table, int column, const Value& value) {
  const ColumnPolicy& c = table.columns[static_cast<size_t>(column)];
  if (is_null(value)) return {};
  bool ok = c.type == ColumnType::kText ? std::holds_alternative<std::string>(value)
                                        : std::holds_alternative<int64_t>(value);
  if (!ok) return Status::invalid("err.field_type", table.name + "." + c.name);
  return {};
}

Status check_required(const TablePolicy& table, const std::vector<Value>& values,
                      bool immutable_only) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (!table.columns[i].required) continue;
    if (immutable_only && table.columns[i].kind == ColumnKind::kLww) continue;
    const Value& v = values[i];
    bool empty = is_null(v) || (std::holds_alternative<std::string>(v) && std::get<std::string>(v).empty());
    if (empty) return Status::invalid("err.required_field", table.columns[i].name);
  }
  return {};
}

}  // namespace liaison::sync
