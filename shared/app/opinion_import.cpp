#include "shared/app/opinion_import.h"

#include <array>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "shared/app/csv.h"
#include "shared/app/files.h"
#include "shared/app/opinions.h"
#include "shared/app/parse.h"
#include "shared/sync/blob_store.h"

namespace liaison::app {

namespace {

constexpr std::array<std::string_view, 7> kColumns = {"voter", "phone", "place", "matter",
                                                      "category", "source", "at"};

// For each of kColumns, its position in the file's rows (or nullopt when absent).
using ColumnMap = std::array<std::optional<size_t>, kColumns.size()>;

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

Result<ColumnMap> map_header(const CsvRecord& header, std::string_view name) {
  ColumnMap map;
  auto where = [&](const std::string& col) { return fmt::format("{}:{} {}", name, header.line, col); };
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string col = lower(trim(header.fields[i]));
    size_t k = 0;
    while (k < kColumns.size() && kColumns[k] != col) ++k;
    if (k == kColumns.size()) return Status::invalid("err.csv_header", where(col));
    if (map[k]) return Status::invalid("err.csv_duplicate_column", where(col));
    map[k] = i;
  }
  for (size_t k : {size_t{0}, size_t{3}})  // voter, matter
    if (!map[k]) return Status::invalid("err.csv_missing_column", where(std::string(kColumns[k])));
  return map;
}

OpinionInput row_input(const CsvRecord& row, const ColumnMap& map) {
  auto get = [&](size_t k) { return map[k] ? row.fields[*map[k]] : std::string(); };
  OpinionInput in;
  in.voter = get(0);
  in.phone = get(1);
  in.place = get(2);
  in.matter = get(3);
  in.category = get(4);
  in.source = get(5);
  in.at = get(6);
  return in;
}

// The same status with "<name>:<line>" in front of its detail.
Status at_line(const Status& s, std::string_view name, size_t line) {
  std::string detail = fmt::format("{}:{}", name, line);
  if (!s.detail().empty()) detail += " " + s.detail();
  return Status(s.code(), s.key(), detail);
}

}  // namespace

Result<std::vector<sync::Fields>> opinions_from_csv(std::string_view text, std::string_view name,
                                                    const sync::ReplicaInfo& info,
                                                    const std::string& now) {
  LIAISON_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, parse_csv(text, name));
  if (records.empty()) return Status::invalid("err.csv_empty", std::string(name));
  LIAISON_ASSIGN_OR_RETURN(ColumnMap map, map_header(records.front(), name));
  size_t width = records.front().fields.size();
  std::vector<sync::Fields> rows;
  rows.reserve(records.size() - 1);
  for (size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& r = records[i];
    if (r.fields.size() != width)
      return Status::invalid("err.csv_fields", fmt::format("{}:{}", name, r.line));
    Result<sync::Fields> fields = new_opinion_fields(row_input(r, map), info, now);
    if (!fields) return at_line(fields.status(), name, r.line);
    rows.push_back(std::move(fields).value());
  }
  return rows;
}

Result<size_t> import_opinions_csv(sync::Replica& replica, const std::string& path,
                                   bool again) {
  LIAISON_ASSIGN_OR_RETURN(std::string text, read_file(path, kMaxCsvBytes));
  std::string name = std::filesystem::path(path).filename().string();
  std::string now = replica.now_iso();
  LIAISON_ASSIGN_OR_RETURN(std::vector<sync::Fields> rows,
                           opinions_from_csv(text, name, replica.info(), now));
  std::string digest = sync::sha256_hex(text);
  storage::Db& db = replica.db();
  // Checked and recorded in the write that adds the rows: two imports of one file at once
  // cannot both pass.
  auto record_file = [&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                             db.prepare("SELECT name, at, count FROM _import WHERE sha256 = ?"));
    q.bind(1, digest);
    LIAISON_ASSIGN_OR_RETURN(bool seen, q.step());
    if (seen && !again) {
      return Status(Code::kAlreadyExists, "err.csv_imported",
                    fmt::format("{} {} {}", q.column_text(0), q.column_text(1), q.column_int(2)));
    }
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt ins,
                             db.prepare("INSERT OR REPLACE INTO _import (sha256, name, at, count) "
                                        "VALUES (?, ?, ?, ?)"));
    ins.bind(1, digest).bind(2, name).bind(3, now).bind(4, static_cast<int64_t>(rows.size()));
    return ins.run();
  };
  LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> ids, add_opinions(replica, rows, record_file));
  return ids.size();
}

}  // namespace liaison::app
