#include "shared/sync/policy.h"

#include <cassert>

namespace liaison::sync {

namespace {

constexpr ColumnKind I = ColumnKind::kImmutable;
constexpr ColumnKind L = ColumnKind::kLww;
constexpr ColumnType T = ColumnType::kText;
constexpr ColumnType N = ColumnType::kInteger;

ColumnPolicy col(const char* name, ColumnKind kind, ColumnType type = T, bool required = false) {
  return {name, kind, type, required};
}
ColumnPolicy req(const char* name, ColumnKind kind, ColumnType type = T) {
  return {name, kind, type, true};
}

TablePolicy make(int id, const char* name, TableKind kind, Scope scope,
                 std::vector<ColumnPolicy> cols) {
  cols.insert(cols.begin(), ColumnPolicy{"id", ColumnKind::kId, T, true});
  TablePolicy t{id, name, kind, scope, std::move(cols), -1};
  for (size_t i = 1; i < t.columns.size(); ++i) {
    // Append-only rows never change: every column is fixed at creation.
    if (kind == TableKind::kAppendOnly) t.columns[i].kind = I;
    if (t.create_marker < 0 && t.columns[i].kind == I) t.create_marker = static_cast<int>(i);
  }
  assert(t.create_marker > 0);
  return t;
}

// Columns are listed in the schema's order (schema/0001_init.sql), which policy_test checks: the
// row clock and the digest number columns by their place here.
std::vector<TablePolicy> build() {
  using K = TableKind;
  using S = Scope;
  std::vector<TablePolicy> v;
  v.push_back(make(0, "home", K::kRecord, S::kReference,
                   {req("name", L), col("township", L), col("address", L), col("void_reason", L),
                    req("created_at", I)}));
  v.push_back(make(1, "station", K::kRecord, S::kReference,
                   {req("name", L), col("home_id", L), col("kind", L), col("township", L),
                    col("address", L), col("voters", L, N), col("void_reason", L),
                    req("created_at", I)}));
  v.push_back(make(2, "deputy", K::kRecord, S::kReference,
                   {req("name", L), req("level", L), col("home_id", L), col("station_id", L),
                    col("work_unit", L), col("phone", L), col("gender", L), col("term_start", L),
                    col("term_end", L), col("void_reason", L), req("created_at", I)}));
  v.push_back(make(3, "category", K::kRecord, S::kReference,
                   {req("name", L), col("void_reason", L), req("created_at", I)}));
  v.push_back(make(4, "spokesperson", K::kRecord, S::kStation,
                   {req("station_id", I), req("name", L), col("phone", L), col("gender", L),
                    col("party_member", L, N), col("area", L), col("voters", L, N),
                    col("households", L, N), col("void_reason", L), req("created_at", I)}));
  v.push_back(make(5, "opinion", K::kRecord, S::kStation,
                   {req("station_id", I), req("recorded_by", I), col("spokesperson_id", I),
                    req("at", I), req("matter", I), req("voter", L), col("phone", L),
                    col("place", L), col("category", L), req("source", L), col("void_reason", L),
                    req("created_at", I)}));
  v.push_back(make(6, "opinion_step", K::kAppendOnly, S::kStation,
                   {req("opinion_id", I), req("station_id", I), req("step", I), col("to_org", I),
                    col("channel", I), col("note", I), col("by_id", I), req("at", I),
                    req("recorded_by", I)}));
  v.push_back(make(7, "amendment", K::kAppendOnly, S::kStation,
                   {req("opinion_id", I), req("station_id", I), req("body", I), col("by_id", I),
                    req("at", I), req("recorded_by", I)}));
  v.push_back(make(8, "activity", K::kRecord, S::kStation,
                   {col("station_id", I), col("home_id", I), req("kind", I), col("planned_on", L),
                    col("held_on", L), col("place", L), col("topic", L),
                    col("voters_received", L, N), col("note", L), col("void_reason", L),
                    req("created_at", I)}));
  v.push_back(make(9, "attendance", K::kAppendOnly, S::kStation,
                   {req("activity_id", I), col("station_id", I), req("person_kind", I),
                    req("person_id", I)}));
  v.push_back(make(10, "activity_opinion", K::kAppendOnly, S::kStation,
                   {req("activity_id", I), req("opinion_id", I), col("station_id", I)}));
  v.push_back(make(11, "visit", K::kAppendOnly, S::kStation,
                   {req("spokesperson_id", I), req("station_id", I), req("visited_on", I),
                    col("households", I, N), col("note", I), req("recorded_by", I)}));
  v.push_back(make(12, "deputy_report", K::kAppendOnly, S::kStation,
                   {req("deputy_id", I), col("station_id", I), req("reported_on", I),
                    col("form", I), col("note", I)}));
  v.push_back(make(13, "attachment", K::kAppendOnly, S::kStation,
                   {req("owner_table", I), req("owner_id", I), col("station_id", I),
                    req("sha256", I), req("size", I, N), col("mime", I), col("name", I),
                    req("at", I)}));
  // schema/0006_hub_devices.sql
  v.push_back(make(14, "hub_device", K::kRecord, S::kStation,
                   {req("station_id", I), req("spokesperson_id", I), req("token_hash", I),
                    col("replica_id", L), col("revoked_at", L), col("last_hub_sync", L),
                    req("created_at", I)}));
  return v;
}

}  // namespace

int TablePolicy::column_index(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == column) return static_cast<int>(i);
  return -1;
}

const std::vector<TablePolicy>& tables() {
  static const std::vector<TablePolicy> kTables = build();
  return kTables;
}

const TablePolicy* find_table(std::string_view name) {
  for (const TablePolicy& t : tables())
    if (t.name == name) return &t;
  return nullptr;
}

const TablePolicy& table(int id) {
  assert(id >= 0 && static_cast<size_t>(id) < tables().size());
  return tables()[static_cast<size_t>(id)];
}

}  // namespace liaison::sync
