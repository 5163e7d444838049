#include "shared/storage/db.h"

#include <sqlite3.h>

#include <fmt/format.h>

#include "shared/storage/checkpointer.h"

namespace liaison::storage {

Status sqlite_error(sqlite3* db, std::string_view context) {
  int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  std::string msg = db ? sqlite3_errmsg(db) : "no connection";
  if ((code & 0xff) == SQLITE_CONSTRAINT)
    return Status::invalid("err.constraint", fmt::format("{}: {}", context, msg));
  return Status::io(fmt::format("{}: {}", context, msg));
}

Stmt::Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::bind(int i, const Value& v) {
  switch (v.index()) {
    case 0: sqlite3_bind_null(stmt_, i); break;
    case 1: sqlite3_bind_int64(stmt_, i, std::get<int64_t>(v)); break;
    case 2: sqlite3_bind_double(stmt_, i, std::get<double>(v)); break;
    default: bind(i, std::string_view(std::get<std::string>(v))); break;
  }
  return *this;
}

Stmt& Stmt::bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}

Stmt& Stmt::bind_blob_ref(int i, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  return *this;
}

Stmt& Stmt::bind_ref(int i, const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    sqlite3_bind_text(stmt_, i, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
    return *this;
  }
  return bind(i, v);
}

Stmt& Stmt::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Stmt& Stmt::bind_blob(int i, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Result<bool> Stmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status s = sqlite_error(db_, sqlite3_sql(stmt_));
  sqlite3_reset(stmt_);
  return s;
}

Result<std::vector<std::string>> Stmt::texts() {
  std::vector<std::string> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, step());
    if (!more) break;
    out.push_back(column_text(0));
  }
  return out;
}

Status Stmt::run() {
  for (;;) {
    Result<bool> r = step();
    if (!r) return r.status();
    if (!r.value()) break;
  }
  reset();
  return {};
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Stmt::column_count() const { return sqlite3_column_count(stmt_); }
bool Stmt::column_is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
int64_t Stmt::column_int(int i) const { return sqlite3_column_int64(stmt_, i); }

std::string Stmt::column_text(int i) const {
  const unsigned char* p = sqlite3_column_text(stmt_, i);
  int n = sqlite3_column_bytes(stmt_, i);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

std::string Stmt::column_blob(int i) const {
  const void* p = sqlite3_column_blob(stmt_, i);
  int n = sqlite3_column_bytes(stmt_, i);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

Value Stmt::column_value(int i) const {
  switch (sqlite3_column_type(stmt_, i)) {
    case SQLITE_NULL: return std::monostate{};
    case SQLITE_INTEGER: return column_int(i);
    case SQLITE_FLOAT: return sqlite3_column_double(stmt_, i);
    default: return column_text(i);
  }
}

Result<std::unique_ptr<Db>> Db::open(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = Status::io(fmt::format("{}: {}", path, raw ? sqlite3_errmsg(raw) : "cannot open"));
    sqlite3_close(raw);
    return s;
  }
  std::unique_ptr<Db> db(new Db(raw, path));
  sqlite3_busy_timeout(raw, 10000);
  // No journal_mode here: switching a file to WAL writes to it, and a file that will be refused
  // (a newer schema) must be left untouched. Callers switch once they know (Replica::open).
  LIAISON_RETURN_IF_ERROR(db->exec(
      "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536;"));
  return db;
}

Db::Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

Db::~Db() {
  checkpointer_.reset();
  sqlite3_close_v2(db_);
}

void Db::checkpoint_in_background() {
  if (!checkpointer_) checkpointer_ = std::make_unique<Checkpointer>(db_, path_);
}

Status Db::exec(std::string_view sql) {
  std::string copy(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    if ((sqlite3_extended_errcode(db_) & 0xff) == SQLITE_CONSTRAINT)
      return Status::invalid("err.constraint", msg);
    return Status::io(msg);
  }
  return {};
}

Result<Stmt> Db::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, sql);
  return Stmt(db_, stmt);
}

int64_t Db::changes() const { return sqlite3_changes64(db_); }
int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

namespace {
void flag_function(sqlite3_context* ctx, int, sqlite3_value**) {
  const bool* flag = static_cast<const bool*>(sqlite3_user_data(ctx));
  sqlite3_result_int(ctx, *flag ? 1 : 0);
}
}  // namespace

Status Db::register_flag_function(const char* name, const bool* flag) {
  int rc = sqlite3_create_function_v2(db_, name, 0, SQLITE_UTF8 | SQLITE_INNOCUOUS,
                                      const_cast<bool*>(flag), flag_function, nullptr, nullptr,
                                      nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, name);
  return {};
}

Status Db::transaction(const std::function<Status()>& fn) {
  LIAISON_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
  Status s = fn();
  if (!s.is_ok()) {
    (void)exec("ROLLBACK");
    return s;
  }
  Status c = exec("COMMIT");
  if (!c.is_ok()) (void)exec("ROLLBACK");
  return c;
}

Status Db::read(const std::function<Status()>& fn) {
  if (in_transaction()) return fn();
  LIAISON_RETURN_IF_ERROR(exec("BEGIN"));
  Status s = fn();
  Status end = exec(s.is_ok() ? "COMMIT" : "ROLLBACK");
  return s.is_ok() ? end : s;
}

bool Db::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace liaison::storage
