// Internal helpers of shared/app for building the field lists Replica::insert()/update() take,
// by column name rather than index, and for reading nullable columns.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "shared/storage/db.h"
#include "shared/sync/policy.h"
#include "shared/sync/replica.h"

namespace liaison::app {

// The synced table with this name. REQUIRES: it exists in shared/sync/policy.cpp.
const sync::TablePolicy& table_named(std::string_view name);

// Collects (column, value) pairs for one table.
class FieldList {
 public:
  explicit FieldList(const sync::TablePolicy& table) : table_(table) {}
  // REQUIRES: column is a non-id column of the table.
  FieldList& set(std::string_view column, Value value);
  // Text, or null for nullopt and for an empty string.
  FieldList& set_text(std::string_view column, const std::optional<std::string>& text);
  const sync::Fields& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  const sync::TablePolicy& table_;
  sync::Fields fields_;
};

// The column as text, nullopt when it is NULL.
std::optional<std::string> opt_text(const storage::Stmt& q, int column);
// The column as an integer, nullopt when it is NULL.
std::optional<int64_t> opt_int(const storage::Stmt& q, int column);

}  // namespace liaison::app
