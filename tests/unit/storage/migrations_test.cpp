#include "shared/storage/migrations.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "shared/sync/replica.h"
#include "tests/common/status_testing.h"
#include "tests/common/temp_dir.h"

namespace liaison::storage {
namespace {

using test::TempDir;

// Runs sql on a plain SQLite connection, as another program (or a person with the sqlite3 shell)
// would; fails the test on error.
void exec_plain(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
            SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

Result<int64_t> count(Db& db, const std::string& sql) {
  LIAISON_ASSIGN_OR_RETURN(Stmt q, db.prepare(sql));
  LIAISON_ASSIGN_OR_RETURN(bool row, q.step());
  return row ? q.column_int(0) : int64_t{0};
}

Result<std::vector<std::string>> migration_rows(Db& db) {
  LIAISON_ASSIGN_OR_RETURN(Stmt q,
                           db.prepare("SELECT version || ' ' || name || ' ' || applied_at FROM "
                                      "schema_migrations ORDER BY version"));
  return q.texts();
}

// Opens a database as the program does: liaison_capturing() exists (and is false), because the
// schema's write guards call it.
Result<std::unique_ptr<Db>> open_db(const std::string& path, bool create) {
  static const bool kNotCapturing = false;
  LIAISON_ASSIGN_OR_RETURN(auto db, Db::open(path, create));
  LIAISON_RETURN_IF_ERROR(db->register_flag_function("liaison_capturing", &kNotCapturing));
  return db;
}

bool has_table(Db& db, const std::string& name) {
  auto n =
      count(db, "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='" + name + "'");
  return n.is_ok() && n.value() == 1;
}

TEST(MigrationsTest, EmbeddedMigrationsAreNumberedFromOneUpwards) {
  const std::vector<Migration>& all = embedded_migrations();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().version, 1);
  EXPECT_STREQ(all.front().name, "0001_init.sql");
  for (size_t i = 1; i < all.size(); ++i) EXPECT_EQ(all[i].version, all[i - 1].version + 1);
  EXPECT_EQ(latest_version(all), all.back().version);
  EXPECT_EQ(latest_version({}), 0);
}

TEST(MigrationsTest, NewDatabaseMigratesToTheLatestVersion) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto db, open_db(dir.file("new.db"), true));
  ASSERT_OK_AND_ASSIGN(int before, current_version(*db));
  EXPECT_EQ(before, 0);
  ASSERT_OK(migrate(*db, embedded_migrations()));
  ASSERT_OK_AND_ASSIGN(int after, current_version(*db));
  EXPECT_EQ(after, latest_version(embedded_migrations()));
  ASSERT_OK_AND_ASSIGN(int64_t recorded, count(*db, "SELECT COUNT(*) FROM schema_migrations"));
  EXPECT_EQ(recorded, static_cast<int64_t>(embedded_migrations().size()));
  EXPECT_TRUE(has_table(*db, "opinion"));
  EXPECT_TRUE(has_table(*db, "_log"));
}

TEST(MigrationsTest, ReopeningAMigratedDatabaseIsANoOp) {
  TempDir dir;
  std::string path = dir.file("again.db");
  std::vector<std::string> first;
  {
    ASSERT_OK_AND_ASSIGN(auto db, open_db(path, true));
    ASSERT_OK(migrate(*db, embedded_migrations()));
    ASSERT_OK_AND_ASSIGN(first, migration_rows(*db));
  }
  std::string bytes = test::read_file_bytes(path);
  ASSERT_FALSE(bytes.empty());
  {
    ASSERT_OK_AND_ASSIGN(auto db, open_db(path, false));
    ASSERT_OK(migrate(*db, embedded_migrations()));
    ASSERT_OK_AND_ASSIGN(auto second, migration_rows(*db));
    EXPECT_EQ(second, first) << "nothing re-applied, applied_at unchanged";
  }
  EXPECT_TRUE(test::read_file_bytes(path) == bytes) << "a no-op migration must not write";
}

TEST(MigrationsTest, ReplicaReopensWithoutMigratingAgain) {
  TempDir dir;
  std::string path = dir.file("replica.db");
  FakeClock clock(1'735'689'600'000);
  SeededRandom random(1);
  sync::ReplicaOptions options{&clock, &random};
  Uuid id;
  {
    ASSERT_OK_AND_ASSIGN(auto r, sync::Replica::create(path, {}, options));
    id = r->info().id;
  }
  std::string bytes = test::read_file_bytes(path);
  {
    ASSERT_OK_AND_ASSIGN(auto r, sync::Replica::open(path, options));
    EXPECT_EQ(r->info().id, id);
  }
  EXPECT_TRUE(test::read_file_bytes(path) == bytes) << "reopening must not write";
  EXPECT_CODE(sync::Replica::create(path, {}, options), Code::kAlreadyExists);
}

// A replica written by a newer program: its schema_migrations names a version this binary
// does not have. It must be refused before anything is written to it.
void expect_refused_untouched(const std::string& path) {
  std::string bytes = test::read_file_bytes(path);
  ASSERT_FALSE(bytes.empty());
  FakeClock clock(1'735'689'600'000);
  SeededRandom random(1);
  auto r = sync::Replica::open(path, {&clock, &random});
  EXPECT_CODE(r, Code::kSchemaTooNew);
  EXPECT_TRUE(test::read_file_bytes(path) == bytes) << "the refused file was modified";
  EXPECT_FALSE(std::filesystem::exists(path + "-journal"));
  {
    ASSERT_OK_AND_ASSIGN(auto db, open_db(path, false));
    EXPECT_CODE(migrate(*db, embedded_migrations()), Code::kSchemaTooNew);
    ASSERT_OK_AND_ASSIGN(int64_t tables, count(*db, "SELECT COUNT(*) FROM sqlite_master"));
    EXPECT_GT(tables, 0);
  }
}

TEST(MigrationsTest, DatabaseFromANewerProgramIsRefusedAndLeftUntouched) {
  TempDir dir;
  std::string path = dir.file("newer.db");
  {
    FakeClock clock(1'735'689'600'000);
    SeededRandom random(1);
    ASSERT_OK_AND_ASSIGN(auto r, sync::Replica::create(path, {}, {&clock, &random}));
  }
  exec_plain(path, "INSERT INTO schema_migrations(version, name) VALUES(99, '0099_future.sql')");
  expect_refused_untouched(path);
}

TEST(MigrationsTest, NewerDatabaseInRollbackJournalModeIsLeftUntouched) {
  // The same, for a file another tool left in rollback-journal mode (the sqlite3 shell's
  // .backup and VACUUM INTO write such files): switching it to WAL on open would change it.
  TempDir dir;
  std::string path = dir.file("newer-rollback.db");
  exec_plain(path,
             "PRAGMA journal_mode=DELETE;"
             "CREATE TABLE schema_migrations(version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
             "applied_at TEXT NOT NULL DEFAULT 'x');"
             "INSERT INTO schema_migrations(version, name) VALUES(1, '0001_init.sql');"
             "INSERT INTO schema_migrations(version, name) VALUES(99, '0099_future.sql');");
  expect_refused_untouched(path);
}

TEST(MigrationsTest, SecondMigrationIsAppliedOnTopOfTheFirstAndBothAreRecorded) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto db, open_db(dir.file("two.db"), true));
  const Migration& first = embedded_migrations().front();
  ASSERT_OK(migrate(*db, {first}));
  ASSERT_OK_AND_ASSIGN(int v1, current_version(*db));
  EXPECT_EQ(v1, 1);
  std::vector<Migration> two = {
      first, {2, "0002_note.sql", "CREATE TABLE note(id TEXT PRIMARY KEY, body TEXT NOT NULL);"}};
  ASSERT_OK(migrate(*db, two));
  ASSERT_OK_AND_ASSIGN(int v2, current_version(*db));
  EXPECT_EQ(v2, 2);
  EXPECT_TRUE(has_table(*db, "note"));
  ASSERT_OK_AND_ASSIGN(auto rows, migration_rows(*db));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].rfind("1 0001_init.sql ", 0), 0u) << rows[0];
  EXPECT_EQ(rows[1].rfind("2 0002_note.sql ", 0), 0u) << rows[1];
  // And the binary that only knows version 1 now refuses the file.
  EXPECT_CODE(migrate(*db, {first}), Code::kSchemaTooNew);
}

TEST(MigrationsTest, FailingMigrationIsRolledBackWhole) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto db, open_db(dir.file("bad.db"), true));
  const Migration& first = embedded_migrations().front();
  std::vector<Migration> with_bad = {
      first, {2, "0002_bad.sql", "CREATE TABLE half(x); INSERT INTO no_such_table VALUES(1);"}};
  Status s = migrate(*db, with_bad);
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.detail().find("0002_bad.sql"), std::string::npos) << s.detail();
  ASSERT_OK_AND_ASSIGN(int v, current_version(*db));
  EXPECT_EQ(v, 1) << "version 1 committed on its own";
  EXPECT_FALSE(has_table(*db, "half")) << "the failed migration left a table behind";
  EXPECT_TRUE(has_table(*db, "opinion"));
}

}  // namespace
}  // namespace liaison::storage
