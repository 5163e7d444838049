// bench_changeset: the changeset engine against raw SQLite, in one run on one machine.
//
//   bench_changeset [--records N] [--edits N] [--runs R] [--out docs/benchmarks.md]
//
// Baseline: a bulk insert of the same opinion rows into a table of the same shape with plain
// SQLite (prepared statement, one transaction, WAL, synchronous=NORMAL). Measured against it:
// local writes with change capture, applying an N-record changeset into an empty replica
// (decode included), and applying conflicting field edits. Sizes: changeset bytes per record
// against the raw msgpack of the same values, before and after deflate. Each timing is the
// median of R runs on fresh files.
#include <sqlite3.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>

#include <fmt/format.h>
#include <msgpack.hpp>

#include "shared/sync/replica.h"
#include "shared/util/memory.h"
#include "tools/bench/args.h"
#include "tools/bench/corpus.h"
#include "tools/bench/report.h"

namespace fs = std::filesystem;
using namespace liaison;
using sync::Replica;
using sync::TablePolicy;

namespace {

struct Options {
  size_t records = 100'000;
  size_t edits = 10'000;
  int runs = 3;
  std::string out = "docs/benchmarks.md";
};

struct Rows {
  std::vector<std::vector<Value>> values;  // by opinion column index, [0] = id
};

Rows make_rows(size_t n, const std::string& recorded_by) {
  SeededRandom random(42);
  const TablePolicy& t = *sync::find_table("opinion");
  Rows rows;
  rows.values.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::vector<Value> v(t.columns.size());
    auto set = [&](const char* col, Value value) { v[static_cast<size_t>(t.column_index(col))] = std::move(value); };
    set("id", Uuid::v7(SystemClock::instance(), random).str());
    set("station_id", std::string("S-0101"));
    set("recorded_by", recorded_by);
    set("at", fmt::format("2026-{:02}-{:02}T10:{:02}:00+08:00", 1 + i % 12, 1 + i % 28, i % 60));
    set("matter", corpus::matter(random, 480));
    set("created_at", std::string("2026-11-26T06:00:00.000Z"));
    set("voter", corpus::voter_name(random));
    set("phone", corpus::phone(random));
    set("place", corpus::place(random));
    set("category", corpus::category(random));
    set("source", std::string(i % 3 ? "visit" : "reception"));
    rows.values.push_back(std::move(v));
  }
  return rows;
}

double seconds_of(const std::function<void()>& fn) {
  auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void check(const Status& s, const char* what) {
  if (!s.is_ok()) {
    std::cerr << what << ": " << s.message() << "\n";
    std::exit(1);
  }
}

// The physical limit: the same rows into a table of the same shape, no capture.
double raw_insert(const Rows& rows, const fs::path& file) {
  const TablePolicy& t = *sync::find_table("opinion");
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;", nullptr, nullptr, nullptr);
  std::string cols, marks, defs;
  for (const auto& c : t.columns) {
    cols += (cols.empty() ? "" : ",") + c.name;
    marks += marks.empty() ? "?" : ",?";
    defs += (defs.empty() ? "" : ",") + c.name + (c.name == "id" ? " TEXT PRIMARY KEY" : "");
  }
  sqlite3_exec(db, fmt::format("CREATE TABLE opinion({}); CREATE INDEX o_sa ON opinion(station_id, at);", defs).c_str(),
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, fmt::format("INSERT INTO opinion({}) VALUES({})", cols, marks).c_str(), -1, &st, nullptr);
  double secs = seconds_of([&] {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (const auto& row : rows.values) {
      for (size_t i = 0; i < row.size(); ++i) {
        if (is_null(row[i])) sqlite3_bind_null(st, static_cast<int>(i + 1));
        else {
          const std::string& s = std::get<std::string>(row[i]);
          sqlite3_bind_text(st, static_cast<int>(i + 1), s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
        }
      }
      sqlite3_step(st);
      sqlite3_reset(st);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  });
  sqlite3_finalize(st);
  sqlite3_close(db);
  return static_cast<double>(rows.values.size()) / secs;
}

std::unique_ptr<Replica> new_replica(const fs::path& file, sync::Role role) {
  auto r = Replica::create(file.string(), {Uuid{}, role, role == sync::Role::kStation ? "S-0101" : ""});
  check(r.is_ok() ? Status{} : r.status(), "create replica");
  return std::move(r).value();
}

double capture_insert(Replica& r, const Rows& rows, std::vector<std::string>* ids) {
  ids->clear();
  const TablePolicy& t = *sync::find_table("opinion");
  double secs = seconds_of([&] {
    check(r.write([&]() -> Status {
      sync::Fields fields;
      for (const auto& row : rows.values) {
        fields.clear();
        for (size_t i = 1; i < row.size(); ++i) fields.emplace_back(static_cast<int>(i), row[i]);
        auto id = r.insert(t, fields, std::string());
        if (!id) return id.status();
        ids->push_back(std::move(id).value());
      }
      return Status{};
    }), "capture");
  });
  return static_cast<double>(rows.values.size()) / secs;
}

size_t raw_msgpack_bytes(const Rows& rows, std::string* out) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(&buf);
  for (const auto& row : rows.values) {
    pk.pack_array(static_cast<uint32_t>(row.size()));
    for (const Value& v : row) {
      if (is_null(v)) pk.pack_nil();
      else pk.pack(std::get<std::string>(v));
    }
  }
  out->assign(buf.data(), buf.size());
  return buf.size();
}

size_t deflated(const std::string& bytes) {
  uLongf len = compressBound(static_cast<uLong>(bytes.size()));
  std::string out(len, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &len, reinterpret_cast<const Bytef*>(bytes.data()),
            static_cast<uLong>(bytes.size()), Z_DEFAULT_COMPRESSION);
  return len;
}

[[noreturn]] void usage() {
  std::cerr << "usage: bench_changeset [--records N] [--edits N] [--runs R] [--out FILE]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  bench::for_each_option(argc, argv, [&](const std::string& k, const std::string& v) {
    if (k == "--records") o.records = std::stoul(v);
    else if (k == "--edits") o.edits = std::stoul(v);
    else if (k == "--runs") o.runs = std::stoi(v);
    else if (k == "--out") o.out = v;
    else return false;
    return true;
  }, usage);
  if (o.records == 0 || o.runs < 1) usage();
  o.edits = std::min(o.edits, o.records);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  // The same allocator settings as the programs (shared/util/memory.h).
  keep_freed_memory();
  Options opt = parse(argc, argv);
  fs::path dir = fs::temp_directory_path() / fmt::format("bench_changeset_{}", ::getpid());
  fs::create_directories(dir);
  Rows rows = make_rows(opt.records, Uuid::v7().str());
  const TablePolicy& t = *sync::find_table("opinion");
  int category = t.column_index("category");

  std::vector<double> raw, capture, apply, conflict;
  size_t changeset_bytes = 0, changeset_deflated = 0, conflicts_logged = 0;
  for (int run = 0; run < opt.runs; ++run) {
    fs::path d = dir / std::to_string(run);
    fs::create_directories(d);
    raw.push_back(raw_insert(rows, d / "raw.db"));
    auto station = new_replica(d / "station.db", sync::Role::kStation);
    std::vector<std::string> ids;
    capture.push_back(capture_insert(*station, rows, &ids));

    auto district = new_replica(d / "district.db", sync::Role::kDistrict);
    auto cs = station->changes_since({});
    check(cs.is_ok() ? Status{} : cs.status(), "build");
    std::string bytes = wire::encode(*cs);
    changeset_bytes = bytes.size();
    changeset_deflated = deflated(bytes);
    apply.push_back(static_cast<double>(opt.records) / seconds_of([&] {
      auto decoded = wire::decode(bytes);
      check(decoded.is_ok() ? Status{} : decoded.status(), "decode");
      auto st = district->apply(std::move(decoded).value());
      check(st.is_ok() ? Status{} : st.status(), "apply");
    }));

    // The same fields edited on both sides: every applied edit is a conflict.
    auto edit_all = [&](Replica& r, const char* value) {
      check(r.write([&]() -> Status {
        for (size_t i = 0; i < opt.edits; ++i)
          LIAISON_RETURN_IF_ERROR(r.update(t, ids[i], {{category, std::string(value)}}));
        return Status{};
      }), "edit");
    };
    edit_all(*district, "社会保障");
    edit_all(*station, "公共安全");
    auto edits = station->changes_since(district->version_vector());
    std::string edit_bytes = wire::encode(*edits);
    conflict.push_back(static_cast<double>(opt.edits) / seconds_of([&] {
      auto decoded = wire::decode(edit_bytes);
      auto st = district->apply(std::move(decoded).value());
      check(st.is_ok() ? Status{} : st.status(), "apply edits");
      conflicts_logged = st->conflicts;
    }));
    fs::remove_all(d);
  }
  fs::remove_all(dir);

  std::string raw_mp;
  size_t raw_bytes = raw_msgpack_bytes(rows, &raw_mp);
  double base = median(raw);
  auto rate = [](double v) { return fmt::format("{:.0f} rec/s", v); };
  auto pct = [&](double v) { return fmt::format("{:.0f} %", 100.0 * v / base); };
  double n = static_cast<double>(opt.records);
  std::vector<bench::Line> lines = {
      {"raw SQLite bulk insert (baseline)", rate(base), "100 %", "-"},
      {"local writes with change capture", rate(median(capture)), pct(median(capture)), "≥ 75 % (never < 50 %)"},
      {fmt::format("apply a {}-record changeset into an empty replica (decode included)", opt.records),
       rate(median(apply)), pct(median(apply)), "≥ 60 %"},
      {fmt::format("apply {} conflicting field edits ({} conflicts logged)", opt.edits, conflicts_logged),
       fmt::format("{:.0f} edits/s", median(conflict)), pct(median(conflict)), "-"},
      {"raw msgpack of the same values", fmt::format("{:.0f} B/rec", raw_bytes / n), "1.00 ×", "-"},
      {"changeset", fmt::format("{:.0f} B/rec", changeset_bytes / n),
       fmt::format("{:.2f} ×", static_cast<double>(changeset_bytes) / raw_bytes), "≤ 1.15 ×"},
      {"changeset after deflate", fmt::format("{:.0f} B/rec", changeset_deflated / n),
       fmt::format("{:.2f} ×", static_cast<double>(changeset_deflated) / raw_bytes), "≤ 0.6 ×"},
      {"raw msgpack after deflate (for reference)", fmt::format("{:.0f} B/rec", deflated(raw_mp) / n),
       fmt::format("{:.2f} ×", static_cast<double>(deflated(raw_mp)) / raw_bytes), "-"},
  };
  std::string command = fmt::format("bench_changeset --records {} --edits {} --runs {}", opt.records, opt.edits, opt.runs);
  std::string body = bench::render("Changeset engine", command, lines,
                                   "Rates are medians over the runs; ratios are to the raw insert rate of the same run.");
  std::cout << body;
  if (!opt.out.empty() && !bench::write_section(opt.out, "bench_changeset", body)) {
    std::cerr << "cannot write " << opt.out << "\n";
    return 1;
  }
  return 0;
}
