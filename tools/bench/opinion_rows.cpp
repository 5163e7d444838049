#include "tools/bench/opinion_rows.h"

#include <sqlite3.h>

#include <fmt/format.h>
#include <msgpack.hpp>

#include "shared/app/opinions.h"
#include "tools/bench/corpus.h"
#include "tools/bench/timing.h"

namespace liaison::bench {

namespace {

const sync::TablePolicy& opinion_table() { return *sync::find_table("opinion"); }

// Closes the handles of the raw baseline whatever happens.
struct RawDb {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  ~RawDb() {
    sqlite3_finalize(insert);
    sqlite3_close(db);
  }
  Status exec(const std::string& sql) {
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return {};
    return Status::io(fmt::format("raw SQLite: {}: {}", sql.substr(0, 40), sqlite3_errmsg(db)));
  }
};

int bind(sqlite3_stmt* st, int i, const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v))
    return sqlite3_bind_text(st, i, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
  if (const auto* n = std::get_if<int64_t>(&v)) return sqlite3_bind_int64(st, i, *n);
  if (const auto* d = std::get_if<double>(&v)) return sqlite3_bind_double(st, i, *d);
  return sqlite3_bind_null(st, i);
}

}  // namespace

Result<std::vector<std::string>> write_opinions(sync::Replica& replica, size_t n, Random& random,
                                                const std::string& place) {
  std::vector<sync::Fields> rows;
  rows.reserve(n);
  std::string now = replica.now_iso();
  for (size_t i = 0; i < n; ++i) {
    app::OpinionInput in;
    in.voter = corpus::voter_name(random);
    in.matter = corpus::matter(random, 480);
    in.phone = corpus::phone(random);
    in.place = place.empty() ? corpus::place(random) : place;
    in.category = corpus::category(random);
    in.source = i % 3 ? "visit" : "reception";
    in.at = fmt::format("2026-{:02}-{:02}T{:02}:{:02}:00+08:00", 1 + i % 12, 1 + i % 28,
                        8 + i % 10, i % 60);
    LIAISON_ASSIGN_OR_RETURN(sync::Fields fields, app::new_opinion_fields(in, replica.info(), now));
    rows.push_back(std::move(fields));
  }
  return app::add_opinions(replica, rows);
}

Result<OpinionRows> read_opinions(sync::Replica& replica) {
  const sync::TablePolicy& t = opinion_table();
  std::string cols;
  for (const auto& c : t.columns) cols += (cols.empty() ? "" : ",") + c.name;
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           replica.db().prepare("SELECT " + cols + " FROM opinion ORDER BY id"));
  OpinionRows rows;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    std::vector<Value> row(t.columns.size());
    for (size_t i = 0; i < row.size(); ++i) row[i] = q.column_value(static_cast<int>(i));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<double> raw_insert_rate(const OpinionRows& rows, const std::string& file) {
  const sync::TablePolicy& t = opinion_table();
  RawDb raw;
  if (sqlite3_open(file.c_str(), &raw.db) != SQLITE_OK)
    return Status::io(fmt::format("raw SQLite: cannot open {}", file));
  LIAISON_RETURN_IF_ERROR(
      raw.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"));
  std::string cols, marks, defs;
  for (const auto& c : t.columns) {
    cols += (cols.empty() ? "" : ",") + c.name;
    marks += marks.empty() ? "?" : ",?";
    defs += (defs.empty() ? "" : ",") + c.name + (c.name == "id" ? " TEXT PRIMARY KEY" : "");
  }
  LIAISON_RETURN_IF_ERROR(raw.exec(fmt::format(
      "CREATE TABLE opinion({}); CREATE INDEX o_sa ON opinion(station_id, at);", defs)));
  std::string sql = fmt::format("INSERT INTO opinion({}) VALUES({})", cols, marks);
  if (sqlite3_prepare_v2(raw.db, sql.c_str(), -1, &raw.insert, nullptr) != SQLITE_OK)
    return Status::io(fmt::format("raw SQLite: {}", sqlite3_errmsg(raw.db)));
  Status failed;
  double secs = seconds_of([&] {
    failed = raw.exec("BEGIN");
    for (const auto& row : rows) {
      if (!failed.is_ok()) return;
      for (size_t i = 0; i < row.size(); ++i) bind(raw.insert, static_cast<int>(i + 1), row[i]);
      if (sqlite3_step(raw.insert) != SQLITE_DONE)
        failed = Status::io(fmt::format("raw SQLite insert: {}", sqlite3_errmsg(raw.db)));
      sqlite3_reset(raw.insert);
    }
    if (failed.is_ok()) failed = raw.exec("COMMIT");
  });
  LIAISON_RETURN_IF_ERROR(failed);
  return static_cast<double>(rows.size()) / secs;
}

std::string raw_msgpack(const OpinionRows& rows) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(&buf);
  for (const auto& row : rows) {
    pk.pack_array(static_cast<uint32_t>(row.size()));
    for (const Value& v : row) {
      if (const auto* s = std::get_if<std::string>(&v)) pk.pack(*s);
      else if (const auto* n = std::get_if<int64_t>(&v)) pk.pack(*n);
      else if (const auto* d = std::get_if<double>(&v)) pk.pack(*d);
      else pk.pack_nil();
    }
  }
  return std::string(buf.data(), buf.size());
}

}  // namespace liaison::bench
