// Prepared statements for one synced table, built from its policy. Internal to shared/sync.
#pragma once

#include "shared/storage/db.h"
#include "shared/sync/policy.h"
#include "shared/sync/replica.h"

namespace liaison::sync {

struct Replica::TableStmts {
  storage::Stmt select;  // all columns + _clk by id
  storage::Stmt insert;  // all columns + _clk
  storage::Stmt insert_if_absent;  // the same, doing nothing when the id exists
  storage::Stmt update;  // all non-id columns + _clk by id
};

// "a, b, c" from the table's column names.
std::string column_list(const TablePolicy& table);

}  // namespace liaison::sync
