#include "shared/app/tables.h"

#include <cassert>

namespace liaison::app {

const sync::TablePolicy& table_named(std::string_view name) {
  const sync::TablePolicy* t = sync::find_table(name);
  assert(t != nullptr);
  return *t;
}

FieldList& FieldList::set(std::string_view column, Value value) {
  int index = table_.column_index(column);
  assert(index > 0);
  fields_.emplace_back(index, std::move(value));
  return *this;
}

FieldList& FieldList::set_text(std::string_view column, const std::optional<std::string>& text) {
  return set(column, text && !text->empty() ? Value{*text} : Value{});
}

std::optional<std::string> opt_text(const storage::Stmt& q, int column) {
  if (q.column_is_null(column)) return std::nullopt;
  return q.column_text(column);
}

std::optional<int64_t> opt_int(const storage::Stmt& q, int column) {
  if (q.column_is_null(column)) return std::nullopt;
  return q.column_int(column);
}

}  // namespace liaison::app
