#include "tests/common/replica_fixture.h"

#include <cassert>

#include "shared/wire/changeset.h"
#include "tests/common/status_testing.h"

namespace liaison::test {

using sync::Replica;

Status TestReplica::reopen() {
  replica.reset();
  sync::ReplicaOptions options{&clock, &random};
  auto r = Replica::open(path, options);
  if (!r) return r.status();
  replica = std::move(r).value();
  return {};
}

TestReplica* ReplicaSet::make(const ReplicaSpec& spec) {
  auto t = std::make_unique<TestReplica>(spec.start_ms, spec.seed);
  t->path = dir_.file(spec.name + ".db");
  sync::ReplicaInfo info;
  if (spec.id) info.id = *spec.id;
  info.role = spec.role;
  info.station_id = spec.station_id;
  auto r = Replica::create(t->path, info, sync::ReplicaOptions{&t->clock, &t->random});
  EXPECT_TRUE(r.is_ok()) << spec.name << ": " << describe(status_of(r));
  if (!r) return nullptr;
  t->replica = std::move(r).value();
  replicas_.push_back(std::move(t));
  return replicas_.back().get();
}

TestReplica& ReplicaFixture::make(ReplicaSpec spec) {
  TestReplica* t = set_.make(spec);
  if (t == nullptr) throw std::runtime_error("cannot create replica " + spec.name);
  return *t;
}

int64_t SyncFixture::scalar(TestReplica& r, const std::string& sql) {
  auto v = query_int(*r, sql);
  EXPECT_TRUE(v.is_ok()) << sql << ": " << describe(status_of(v));
  return v.is_ok() ? v.value() : -1;
}

std::string SyncFixture::digest(TestReplica& r) {
  auto d = r->digest();
  EXPECT_TRUE(d.is_ok()) << describe(status_of(d));
  return d.is_ok() ? d.value() : "";
}

uint64_t SyncFixture::seen(TestReplica& r, const Uuid& origin) {
  sync::VersionVector vv = r->version_vector();
  auto it = vv.find(origin);
  return it == vv.end() ? 0 : it->second;
}

Uuid fixed_uuid(uint8_t fill) {
  Uuid u;
  u.bytes.fill(fill);
  return u;
}

const sync::TablePolicy& policy(std::string_view table) {
  const sync::TablePolicy* t = sync::find_table(table);
  assert(t != nullptr);
  return *t;
}

int col(const sync::TablePolicy& table, std::string_view column) {
  int i = table.column_index(column);
  assert(i > 0);
  return i;
}

Result<std::string> add_opinion(Replica& r, const OpinionSpec& s) {
  const sync::TablePolicy& t = policy("opinion");
  sync::Fields f = {{col(t, "station_id"), s.station_id},
                    {col(t, "recorded_by"), s.recorded_by},
                    {col(t, "at"), s.at},
                    {col(t, "matter"), s.matter},
                    {col(t, "created_at"), r.now_iso()},
                    {col(t, "voter"), s.voter},
                    {col(t, "source"), s.source},
                    {col(t, "phone"), s.phone},
                    {col(t, "place"), s.place},
                    {col(t, "category"), s.category}};
  std::string id;
  LIAISON_RETURN_IF_ERROR(r.write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(id, r.insert(t, f));
    return {};
  }));
  return id;
}

namespace {

Result<std::string> insert_one(Replica& r, const sync::TablePolicy& t, const sync::Fields& f) {
  std::string id;
  LIAISON_RETURN_IF_ERROR(r.write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(id, r.insert(t, f));
    return {};
  }));
  return id;
}

}  // namespace

Result<std::string> add_step(Replica& r, const std::string& opinion_id, const std::string& step,
                             const std::string& note) {
  const sync::TablePolicy& t = policy("opinion_step");
  return insert_one(r, t,
                    {{col(t, "opinion_id"), opinion_id},
                     {col(t, "station_id"),
                      r.info().station_id.empty() ? std::string("S01") : r.info().station_id},
                     {col(t, "step"), step},
                     {col(t, "note"), note.empty() ? Value{} : Value{note}},
                     {col(t, "at"), r.now_iso()},
                     {col(t, "recorded_by"), r.info().id.str()}});
}

Result<std::string> add_amendment(Replica& r, const std::string& opinion_id,
                                  const std::string& body) {
  const sync::TablePolicy& t = policy("amendment");
  return insert_one(r, t,
                    {{col(t, "opinion_id"), opinion_id},
                     {col(t, "station_id"), std::string("S01")},
                     {col(t, "body"), body},
                     {col(t, "at"), r.now_iso()},
                     {col(t, "recorded_by"), r.info().id.str()}});
}

Status edit(Replica& r, std::string_view table, const std::string& id,
            const std::vector<std::pair<std::string, Value>>& fields) {
  const sync::TablePolicy& t = policy(table);
  sync::Fields f;
  for (const auto& [name, value] : fields) {
    int i = t.column_index(name);
    if (i < 0) return Status::invalid("test.unknown_column", name);
    f.emplace_back(i, value);
  }
  return r.write([&]() { return r.update(t, id, f); });
}

Status void_record(Replica& r, std::string_view table, const std::string& id,
                   const std::string& reason) {
  return edit(r, table, id, {{"void_reason", reason}});
}

Result<Value> field(Replica& r, std::string_view table, const std::string& id,
                    std::string_view column) {
  const sync::TablePolicy& t = policy(table);
  int i = t.column_index(column);
  if (i < 0) return Status::invalid("test.unknown_column", std::string(column));
  LIAISON_ASSIGN_OR_RETURN(std::optional<sync::Row> row, r.load(t, id));
  if (!row) return Status::not_found("err.not_found", id);
  return row->values[static_cast<size_t>(i)];
}

Result<int64_t> query_int(Replica& r, const std::string& sql) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, r.db().prepare(sql));
  LIAISON_ASSIGN_OR_RETURN(bool row, q.step());
  return row ? q.column_int(0) : int64_t{0};
}

Result<wire::Changeset> through_wire(const wire::Changeset& cs) {
  return wire::decode(wire::encode(cs));
}

Result<sync::ApplyStats> exchange(Replica& from, Replica& to, size_t max_changes) {
  LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs,
                           from.changes_since(to.version_vector(), max_changes));
  LIAISON_ASSIGN_OR_RETURN(wire::Changeset received, through_wire(cs));
  return to.apply(std::move(received));
}

Result<sync::ApplyStats> exchange_all(Replica& from, Replica& to, size_t max_changes) {
  sync::ApplyStats total;
  // Each batch moves to's version vector forward, so this ends; the bound catches a bug that
  // would make it spin.
  for (int round = 0; round < 100000; ++round) {
    LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs,
                             from.changes_since(to.version_vector(), max_changes));
    if (cs.ranges.empty()) return total;
    LIAISON_ASSIGN_OR_RETURN(wire::Changeset received, through_wire(cs));
    LIAISON_ASSIGN_OR_RETURN(sync::ApplyStats s, to.apply(std::move(received)));
    total.applied += s.applied;
    total.duplicates += s.duplicates;
    total.pending += s.pending;
    total.conflicts += s.conflicts;
    total.refused += s.refused;
    total.gaps += s.gaps;
  }
  return Status::internal("exchange_all does not end");
}

wire::Changeset forged_changeset(const std::string& table, const std::vector<std::string>& columns,
                                 const Uuid& origin, uint64_t seq, uint64_t hlc, bool create,
                                 const std::string& row_id, std::vector<wire::FieldChange> fields) {
  wire::Changeset cs;
  cs.schema_version = 1;
  cs.sender = origin;
  cs.origins = {origin};
  cs.ranges = {{0, seq - 1, seq}};
  cs.tables = {{table, columns}};
  cs.changes = {{0, row_id, 0, seq, hlc, create, std::move(fields)}};
  return cs;
}

wire::Changeset only_origin(const wire::Changeset& cs, const Uuid& origin) {
  wire::Changeset out = cs;
  out.ranges.clear();
  out.changes.clear();
  for (const wire::Range& r : cs.ranges)
    if (cs.origins[r.origin] == origin) out.ranges.push_back(r);
  for (const wire::Change& c : cs.changes)
    if (cs.origins[c.origin] == origin) out.changes.push_back(c);
  return out;
}

}  // namespace liaison::test
