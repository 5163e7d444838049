// The merge policy as data: for every synced table, whether its rows are records (editable
// fields merge by last writer) or append-only (rows are only ever created), and for every column
// whether it is immutable after creation or merges last-writer-wins. Column 0 is always the id.
// tests/unit/sync/policy_test.cpp checks this against the schema in schema/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace liaison::sync {

enum class TableKind { kRecord, kAppendOnly };
enum class ColumnKind { kId, kImmutable, kLww };
enum class ColumnType { kText, kInteger };
// Who may write a table (enforced by the server from the network issue on).
enum class Scope { kReference, kStation };

struct ColumnPolicy {
  std::string name;
  ColumnKind kind;
  ColumnType type;
  bool required;  // NOT NULL at creation
};

struct TablePolicy {
  int id;  // stable local number, stored in _log; never reused
  std::string name;
  TableKind kind;
  Scope scope;
  std::vector<ColumnPolicy> columns;
  int create_marker;  // the first immutable non-id column: its clock names the creating change

  // The column's index, or -1.
  int column_index(std::string_view column) const;
};

// Every synced table, ordered by id (ids start at 0 and are dense).
const std::vector<TablePolicy>& tables();
// The table with this name, or nullptr.
const TablePolicy* find_table(std::string_view name);
// REQUIRES: 0 <= id < tables().size()
const TablePolicy& table(int id);

}  // namespace liaison::sync
