// Numbered, forward-only schema migrations (schema/NNNN_name.sql), embedded in the binary at
// build time and applied on open, each in its own transaction and recorded in schema_migrations.
// A database whose recorded version is newer than the binary's newest migration is refused and
// left untouched.
#pragma once

#include <vector>

#include "shared/storage/db.h"

namespace liaison::storage {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// The migrations shipped with this binary, in ascending version order (generated source).
const std::vector<Migration>& embedded_migrations();

// The newest version in migrations (0 when empty).
int latest_version(const std::vector<Migration>& migrations);

// The version recorded in db (0 for a new database).
Result<int> current_version(Db& db);

// Applies the migrations newer than the recorded version. Returns kSchemaTooNew, changing
// nothing, when the database is newer than the newest migration.
Status migrate(Db& db, const std::vector<Migration>& migrations);

}  // namespace liaison::storage
