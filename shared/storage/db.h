// A thin RAII wrapper over one SQLite connection: the only code that sees sqlite3* and SQLite
// result codes. Statements are prepared once and reset after each use. Not thread-safe: one Db
// belongs to one thread at a time (SQLite's serialized mode is not relied on).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "shared/util/status.h"
#include "shared/util/value.h"

struct sqlite3;
struct sqlite3_stmt;

namespace liaison::storage {

class Checkpointer;

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binds by 1-based index. Text is copied by SQLite (SQLITE_TRANSIENT).
  Stmt& bind(int i, const Value& v);
  Stmt& bind(int i, std::string_view text);
  Stmt& bind(int i, const std::string& text) { return bind(i, std::string_view(text)); }
  Stmt& bind(int i, const char* text) { return bind(i, std::string_view(text)); }
  Stmt& bind(int i, int64_t v);
  // Binds without copying. REQUIRES: v outlives the next step()/reset() of this statement.
  Stmt& bind_ref(int i, const Value& v);
  Stmt& bind_null(int i);
  Stmt& bind_blob(int i, std::string_view bytes);
  // Binds without copying. REQUIRES: bytes outlive the next step()/reset() of this statement.
  Stmt& bind_blob_ref(int i, std::string_view bytes);

  // Steps once: Result true when a row is ready, false when done.
  Result<bool> step();
  // Steps to completion (for statements that return no rows).
  Status run();
  // Steps to completion and returns the first column of every row as text.
  Result<std::vector<std::string>> texts();
  void reset();

  int column_count() const;
  bool column_is_null(int i) const;
  int64_t column_int(int i) const;
  std::string column_text(int i) const;
  std::string column_blob(int i) const;
  Value column_value(int i) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Db {
 public:
  // Opens or creates the file (":memory:" for an in-memory database); sets NORMAL synchronous,
  // foreign keys off (sync may deliver children before parents) and a busy timeout. It writes
  // nothing: the caller switches the file to WAL once it knows it may change it.
  static Result<std::unique_ptr<Db>> open(const std::string& path, bool create);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Status exec(std::string_view sql);
  Result<Stmt> prepare(std::string_view sql);
  int64_t changes() const;
  int64_t last_insert_rowid() const;
  const std::string& path() const { return path_; }

  // Registers a deterministic SQL function with no arguments returning an integer.
  Status register_flag_function(const char* name, const bool* flag);

  // Runs fn inside BEGIN IMMEDIATE ... COMMIT; rolls back when fn returns non-OK.
  Status transaction(const std::function<Status()>& fn);
  // Runs fn inside one read transaction (BEGIN ... COMMIT): its statements share one snapshot
  // instead of each opening and closing its own. Inside a transaction, only runs fn.
  Status read(const std::function<Status()>& fn);
  bool in_transaction() const;

  // Leaves the WAL checkpoints of this connection's commits to a thread of their own, with
  // its own connection to the file (checkpointer.h), so that a busy writer does not stop to
  // copy the WAL back into the database. REQUIRES: the file is in WAL mode.
  void checkpoint_in_background();

  sqlite3* handle() { return db_; }

 private:
  Db(sqlite3* db, std::string path);
  sqlite3* db_;
  std::string path_;
  std::unique_ptr<Checkpointer> checkpointer_;  // closed before db_, which then checkpoints last
};

// A Status for the last error on db with the given context.
Status sqlite_error(sqlite3* db, std::string_view context);

}  // namespace liaison::storage
