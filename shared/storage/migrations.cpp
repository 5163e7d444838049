#include "shared/storage/migrations.h"

#include <fmt/format.h>

namespace liaison::storage {

int latest_version(const std::vector<Migration>& migrations) {
  int v = 0;
  for (const Migration& m : migrations) v = std::max(v, m.version);
  return v;
}

Result<int> current_version(Db& db) {
  LIAISON_ASSIGN_OR_RETURN(Stmt exists,
                           db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                                      "name='schema_migrations'"));
  LIAISON_ASSIGN_OR_RETURN(bool has_table, exists.step());
  if (!has_table) return 0;
  LIAISON_ASSIGN_OR_RETURN(Stmt q, db.prepare("SELECT COALESCE(MAX(version),0) FROM schema_migrations"));
  LIAISON_ASSIGN_OR_RETURN(bool row, q.step());
  return row ? static_cast<int>(q.column_int(0)) : 0;
}

Status migrate(Db& db, const std::vector<Migration>& migrations) {
  LIAISON_ASSIGN_OR_RETURN(int current, current_version(db));
  int latest = latest_version(migrations);
  if (current > latest)
    return Status(Code::kSchemaTooNew, "err.schema_too_new",
                  fmt::format("{} > {}", current, latest));
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    LIAISON_RETURN_IF_ERROR(db.transaction([&]() -> Status {
      LIAISON_RETURN_IF_ERROR(db.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, "
          "name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT "
          "(strftime('%Y-%m-%dT%H:%M:%fZ','now')))"));
      Status s = db.exec(m.sql);
      if (!s.is_ok()) return Status::io(fmt::format("migration {}: {}", m.name, s.detail()));
      LIAISON_ASSIGN_OR_RETURN(Stmt rec,
                               db.prepare("INSERT INTO schema_migrations(version,name) VALUES(?,?)"));
      rec.bind(1, int64_t{m.version}).bind(2, std::string_view(m.name));
      return rec.run();
    }));
  }
  return {};
}

}  // namespace liaison::storage
