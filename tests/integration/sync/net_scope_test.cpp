// The scope rules (shared/sync/scope.h) over the network, for the three roles a device can have
// (station, spokesperson, district) and every kind of record (opinion, handling step,
// amendment, reception, spokesperson, visit, reference data):
// - pulling, a device receives exactly the rows of its scope (the table kSeed);
// - pushing, the district applies what is in scope and refuses the rest with its reason, which
//   the device keeps in _server_refused; nothing refused is written at the district (kPushes).
// Out-of-scope changes are written straight through the replica API, as a forged or
// misbehaving device would. One district and one device per role sync in turn through a real
// SyncServer on loopback.
#include <gtest/gtest.h>

#include <functional>

#include "shared/app/opinions.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/temp_dir.h"
#include "tests/common/status_testing.h"
#include "tests/integration/sync/net_fixture.h"

namespace liaison {
namespace {

using sync::Replica;
using sync::Role;
using test::NamedFields;

Value T(const char* text) { return std::string(text); }

constexpr unsigned kStationBit = 1, kSpokespersonBit = 2, kDistrictBit = 4;
constexpr unsigned kAll = kStationBit | kSpokespersonBit | kDistrictBit;
unsigned bit(Role r) {
  if (r == Role::kStation) return kStationBit;
  return r == Role::kSpokesperson ? kSpokespersonBit : kDistrictBit;
}

NamedFields opinion(const std::string& station, const std::string& by, const Value& spokesperson) {
  return {{"station_id", station},
          {"recorded_by", by},
          {"spokesperson_id", spokesperson},
          {"at", T("2025-03-01T09:00:00Z")},
          {"matter", T("楼道堆放杂物，存在消防隐患。")},
          {"voter", T("赵六")},
          {"source", T("visit")},
          {"created_at", T("2025-03-01T09:00:00Z")}};
}
NamedFields step(const std::string& opinion_id, const std::string& station, const std::string& by) {
  return {{"opinion_id", opinion_id}, {"station_id", station}, {"step", T("explained")},
          {"at", T("2025-03-02T09:00:00Z")}, {"recorded_by", by}};
}
NamedFields amendment(const std::string& opinion_id, const std::string& station,
                      const std::string& by) {
  return {{"opinion_id", opinion_id},
          {"station_id", station},
          {"body", T("补充：三楼也有。")},
          {"at", T("2025-03-02T10:00:00Z")},
          {"recorded_by", by}};
}
NamedFields reception(const Value& station) {
  return {{"station_id", station}, {"kind", T("reception")}, {"held_on", T("2025-03-05")},
          {"topic", T("老旧小区改造")}, {"created_at", T("2025-03-01T09:00:00Z")}};
}
NamedFields spokesperson(const std::string& station) {
  return {{"station_id", station},
          {"name", T("钱七")},
          {"created_at", T("2025-03-01T09:00:00Z")}};
}
NamedFields visit(const std::string& spokesperson_id, const std::string& station,
                  const std::string& by) {
  return {{"spokesperson_id", spokesperson_id}, {"station_id", station},
          {"visited_on", T("2025-03-03")}, {"recorded_by", by}};
}
NamedFields reference(const char* table) {
  NamedFields f = {{"name", T("新增")}, {"created_at", T("2025-03-01T09:00:00Z")}};
  if (std::string(table) == "deputy") {
    f.push_back({"level", T("district")});
    f.push_back({"station_id", T("S01")});
  }
  return f;
}

// One row the district holds before any device syncs, and the roles that may receive it.
struct SeedRow {
  const char* table;
  const char* id;
  NamedFields fields;
  unsigned seen_by;
};

const std::vector<SeedRow>& seed() {
  static const std::string desk = "district-desk";
  static const std::vector<SeedRow> kSeed = {
      {"home", "H1", reference("home"), kAll},
      {"station", "S01", reference("station"), kAll},
      {"station", "S02", reference("station"), kAll},
      {"deputy", "D1", reference("deputy"), kAll},
      {"category", "C1", reference("category"), kAll},
      {"spokesperson", "SP1", spokesperson("S01"), kAll},
      {"spokesperson", "SP2", spokesperson("S01"), kStationBit | kDistrictBit},
      {"spokesperson", "SP3", spokesperson("S02"), kDistrictBit},
      {"opinion", "O-SP1", opinion("S01", desk, T("SP1")), kAll},
      {"opinion", "O-S01", opinion("S01", desk, T("SP2")), kStationBit | kDistrictBit},
      {"opinion", "O-S02", opinion("S02", desk, Value{}), kDistrictBit},
      {"opinion_step", "ST-SP1", step("O-SP1", "S01", desk), kAll},
      {"opinion_step", "ST-S01", step("O-S01", "S01", desk), kStationBit | kDistrictBit},
      {"opinion_step", "ST-S02", step("O-S02", "S02", desk), kDistrictBit},
      {"amendment", "AM-SP1", amendment("O-SP1", "S01", desk), kAll},
      {"amendment", "AM-S02", amendment("O-S02", "S02", desk), kDistrictBit},
      {"activity", "R-S01", reception(T("S01")), kAll},
      {"activity", "R-S02", reception(T("S02")), kDistrictBit},
      {"activity", "R-HOME", reception(Value{}), kDistrictBit},
      {"visit", "V-SP1", visit("SP1", "S01", desk), kAll},
      {"visit", "V-SP2", visit("SP2", "S01", desk), kStationBit | kDistrictBit},
      {"visit", "V-S02", visit("SP3", "S02", desk), kDistrictBit},
      {"attendance", "AT-S01",
       {{"activity_id", T("R-S01")}, {"station_id", T("S01")}, {"person_kind", T("deputy")},
        {"person_id", T("D1")}},
       kStationBit | kDistrictBit},
      {"deputy_report", "DR-S01",
       {{"deputy_id", T("D1")}, {"station_id", T("S01")}, {"reported_on", T("2025-02-01")}},
       kStationBit | kDistrictBit},
  };
  return kSeed;
}

// What a push case wrote: a created row (column empty) or one field of an existing row.
struct Target {
  std::string table, id, column;
  Value value;
};

struct Device {
  Role role;
  std::unique_ptr<Replica> replica;
  std::string token;
  std::string self() const { return replica->info().id.str(); }
};

Result<Target> create(Device& d, const char* table, const NamedFields& f) {
  LIAISON_ASSIGN_OR_RETURN(std::string id, test::insert_row(*d.replica, table, f));
  return Target{table, id, "", Value{}};
}
Result<Target> edit(Device& d, const char* table, const char* id, const char* column,
                    const char* v) {
  LIAISON_RETURN_IF_ERROR(test::update_row(*d.replica, table, id, {{column, T(v)}}));
  return Target{table, id, column, T(v)};
}
// An opinion made the honest way, through shared/app, as the device's own.
Result<std::string> own_opinion(Device& d) {
  app::OpinionInput in;
  in.voter = "孙八";
  in.matter = "希望增设社区食堂。";
  return app::add_opinion(*d.replica, in);
}
Result<Target> step_on_own(Device& d) {
  LIAISON_ASSIGN_OR_RETURN(std::string o, own_opinion(d));
  LIAISON_ASSIGN_OR_RETURN(std::string id,
                           app::add_step(*d.replica, o, {"explained", "", "", "", ""}));
  return Target{"opinion_step", id, "", Value{}};
}
Result<Target> amendment_on_own(Device& d) {
  LIAISON_ASSIGN_OR_RETURN(std::string o, own_opinion(d));
  LIAISON_ASSIGN_OR_RETURN(std::string id,
                           app::add_amendment(*d.replica, o, "补充：周末也缺。", ""));
  return Target{"amendment", id, "", Value{}};
}
Result<Target> edit_own(Device& d) {
  LIAISON_ASSIGN_OR_RETURN(std::string o, own_opinion(d));
  LIAISON_RETURN_IF_ERROR(test::update_row(*d.replica, "opinion", o, {{"category", T("民生")}}));
  return Target{"opinion", o, "category", T("民生")};
}

// One change a device pushes: refused with that reason, or applied when refused is empty.
// seen_by: for an applied creation, the other roles that receive it when they pull.
struct PushCase {
  const char* name;
  Role role;
  const char* refused;
  std::function<Result<Target>(Device&)> write;
  unsigned seen_by = 0;
};

const std::vector<PushCase>& pushes() {
  using R = Role;
  static const std::vector<PushCase> kPushes = {
      // A station device: its own station's records, no reference data.
      {"own_opinion", R::kStation, "", [](Device& d) -> Result<Target> {
         LIAISON_ASSIGN_OR_RETURN(std::string id, own_opinion(d));
         return Target{"opinion", id, "", Value{}}; }, kDistrictBit},
      {"opinion_of_other_station", R::kStation, "other_station",
       [](Device& d) { return create(d, "opinion", opinion("S02", d.self(), Value{})); }},
      {"opinion_forged_recorder", R::kStation, "forged_origin",
       [](Device& d) { return create(d, "opinion", opinion("S01", "someone-else", Value{})); }},
      {"edit_station_opinion", R::kStation, "",
       [](Device& d) { return edit(d, "opinion", "O-S01", "category", "交通"); }},
      {"step", R::kStation, "",
       [](Device& d) { return create(d, "opinion_step", step("O-S01", "S01", d.self())); },
       kDistrictBit},
      {"step_on_other_station", R::kStation, "other_station",
       [](Device& d) { return create(d, "opinion_step", step("O-S02", "S01", d.self())); }},
      {"amendment", R::kStation, "",
       [](Device& d) { return create(d, "amendment", amendment("O-SP1", "S01", d.self())); },
       kSpokespersonBit | kDistrictBit},
      {"amendment_other_station", R::kStation, "other_station",
       [](Device& d) { return create(d, "amendment", amendment("O-S02", "S02", d.self())); }},
      {"reception", R::kStation, "",
       [](Device& d) { return create(d, "activity", reception(T("S01"))); },
       kSpokespersonBit | kDistrictBit},
      {"reception_other_station", R::kStation, "other_station",
       [](Device& d) { return create(d, "activity", reception(T("S02"))); }},
      {"spokesperson", R::kStation, "",
       [](Device& d) { return create(d, "spokesperson", spokesperson("S01")); }, kDistrictBit},
      {"spokesperson_other_station", R::kStation, "other_station",
       [](Device& d) { return create(d, "spokesperson", spokesperson("S02")); }},
      {"visit", R::kStation, "",
       [](Device& d) { return create(d, "visit", visit("SP2", "S01", d.self())); }, kDistrictBit},
      {"visit_other_station", R::kStation, "other_station",
       [](Device& d) { return create(d, "visit", visit("SP3", "S02", d.self())); }},
      {"home", R::kStation, "reference_data",
       [](Device& d) { return create(d, "home", reference("home")); }},
      {"category", R::kStation, "reference_data",
       [](Device& d) { return create(d, "category", reference("category")); }},
      {"edit_station", R::kStation, "reference_data",
       [](Device& d) { return edit(d, "station", "S01", "name", "改名"); }},
      // A spokesperson device: what it recorded, what hangs on it, its own visits.
      {"sp_own_opinion", R::kSpokesperson, "", [](Device& d) -> Result<Target> {
         LIAISON_ASSIGN_OR_RETURN(std::string id, own_opinion(d));
         return Target{"opinion", id, "", Value{}}; }, kStationBit | kDistrictBit},
      {"sp_opinion_for_other_spokesperson", R::kSpokesperson, "not_own_record",
       [](Device& d) { return create(d, "opinion", opinion("S01", d.self(), T("SP2"))); }},
      {"sp_opinion_other_station", R::kSpokesperson, "other_station",
       [](Device& d) { return create(d, "opinion", opinion("S02", d.self(), T("SP1"))); }},
      {"sp_opinion_forged_recorder", R::kSpokesperson, "forged_origin",
       [](Device& d) { return create(d, "opinion", opinion("S01", "someone-else", T("SP1"))); }},
      {"sp_step_on_own", R::kSpokesperson, "", step_on_own, kStationBit | kDistrictBit},
      {"sp_step_on_station_opinion", R::kSpokesperson, "not_own_record",
       [](Device& d) { return create(d, "opinion_step", step("O-SP1", "S01", d.self())); }},
      {"sp_amendment_on_own", R::kSpokesperson, "", amendment_on_own, kStationBit | kDistrictBit},
      {"sp_edit_own_opinion", R::kSpokesperson, "", edit_own},
      {"sp_amendment_on_station_opinion", R::kSpokesperson, "not_own_record",
       [](Device& d) { return create(d, "amendment", amendment("O-SP1", "S01", d.self())); }},
      {"sp_edit_station_opinion", R::kSpokesperson, "not_own_record",
       [](Device& d) { return edit(d, "opinion", "O-SP1", "place", "二楼"); }},
      {"sp_reception", R::kSpokesperson, "outside_role",
       [](Device& d) { return create(d, "activity", reception(T("S01"))); }},
      {"sp_spokesperson", R::kSpokesperson, "outside_role",
       [](Device& d) { return create(d, "spokesperson", spokesperson("S01")); }},
      {"sp_edit_own_spokesperson_row", R::kSpokesperson, "not_own_record",
       [](Device& d) { return edit(d, "spokesperson", "SP1", "phone", "13800000000"); }},
      {"sp_visit", R::kSpokesperson, "",
       [](Device& d) { return create(d, "visit", visit("SP1", "S01", d.self())); },
       kStationBit | kDistrictBit},
      {"sp_visit_for_other_spokesperson", R::kSpokesperson, "not_own_record",
       [](Device& d) { return create(d, "visit", visit("SP2", "S01", d.self())); }},
      {"sp_deputy", R::kSpokesperson, "reference_data",
       [](Device& d) { return create(d, "deputy", reference("deputy")); }},
      // A district device: anything.
      {"district_opinion", R::kDistrict, "",
       [](Device& d) { return create(d, "opinion", opinion("S02", d.self(), Value{})); }},
      {"district_step", R::kDistrict, "",
       [](Device& d) { return create(d, "opinion_step", step("O-S02", "S02", d.self())); }},
      {"district_amendment", R::kDistrict, "",
       [](Device& d) { return create(d, "amendment", amendment("O-S02", "S02", d.self())); }},
      {"district_reception", R::kDistrict, "",
       [](Device& d) { return create(d, "activity", reception(T("S02"))); }},
      {"district_spokesperson", R::kDistrict, "",
       [](Device& d) { return create(d, "spokesperson", spokesperson("S02")); }},
      {"district_visit", R::kDistrict, "",
       [](Device& d) { return create(d, "visit", visit("SP3", "S02", d.self())); }},
      {"district_category", R::kDistrict, "",
       [](Device& d) { return create(d, "category", reference("category")); }, kAll},
      {"district_edit_station", R::kDistrict, "",
       [](Device& d) { return edit(d, "station", "S01", "name", "第一联络站"); }},
      {"district_edit_station_opinion", R::kDistrict, "",
       [](Device& d) { return edit(d, "opinion", "O-S01", "place", "南门"); }},
  };
  return kPushes;
}

class NetScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(district_.ok());
    for (const SeedRow& row : seed())
      ASSERT_OK(test::insert_row(district_.replica(), row.table, row.fields, row.id));
    add_device(Role::kStation, "station", "S01", "");
    add_device(Role::kSpokesperson, "spokesperson", "S01", "SP1");
    add_device(Role::kDistrict, "district", "", "");
    ASSERT_TRUE(district_.start().is_ok());
  }

  void add_device(Role role, const std::string& name, const std::string& station,
                  const std::string& sp) {
    auto token = district_.add_device(name, station, sp);
    ASSERT_OK(token);
    auto r = Replica::create(dir_.file("device-" + name + ".db"), {Uuid{}, role, station, sp});
    ASSERT_OK(r);
    devices_.push_back({role, std::move(r).value(), token.value()});
  }

  Result<service::SyncResult> sync(Device& d) {
    std::string url = "ws://127.0.0.1:" + std::to_string(district_.port()) + "/sync";
    return service::sync_with_server(*d.replica, test::once(url, d.token));
  }

  static bool has_row(Replica& r, const std::string& table, const std::string& id) {
    return test::field(r, table, id, "id").is_ok();
  }
  static int64_t domain_rows(Replica& r) {
    int64_t n = 0;
    for (const sync::TablePolicy& t : sync::tables())
      n += test::query_count(r, "SELECT COUNT(*) FROM " + t.name);
    return n;
  }
  static std::string refusal(Replica& r, const Target& t) {
    auto q = r.db().prepare("SELECT reason FROM _server_refused WHERE tbl = ? AND row_id = ?");
    if (!q) return "?";
    q->bind(1, t.table).bind(2, t.id);
    auto row = q->step();
    return row && row.value() ? q->column_text(0) : "";
  }

  test::TempDir dir_;
  test::ServedDistrict district_{dir_.file("district.db")};
  std::vector<Device> devices_;
};

TEST_F(NetScopeTest, EachRoleReceivesItsScopeAndTheDistrictKeepsOnlyWhatIsAllowed) {
  // Pull: every device gets exactly the seed rows of its scope.
  for (Device& d : devices_) {
    ASSERT_OK(sync(d));
    int64_t expected = 0;
    for (const SeedRow& row : seed()) {
      bool want = (row.seen_by & bit(d.role)) != 0;
      expected += want;
      EXPECT_EQ(has_row(*d.replica, row.table, row.id), want)
          << sync::role_name(d.role) << " " << row.table << " " << row.id;
    }
    EXPECT_EQ(domain_rows(*d.replica), expected) << sync::role_name(d.role);
  }
  // Push, one role at a time.
  std::vector<std::pair<const PushCase*, Target>> written;
  for (Device& d : devices_) {
    size_t first = written.size();
    uint64_t refused = 0;
    for (const PushCase& c : pushes()) {
      if (c.role != d.role) continue;
      auto t = c.write(d);
      ASSERT_OK(t) << c.name;
      written.emplace_back(&c, t.value());
      refused += *c.refused != '\0';
    }
    auto r = sync(d);
    ASSERT_OK(r);
    EXPECT_EQ(r->summary.refused, refused) << sync::role_name(d.role);
    district_.stop();  // the district's replica is the test's until the next start
    for (size_t i = first; i < written.size(); ++i) {
      const auto& [c, t] = written[i];
      bool applied = *c->refused == '\0';
      EXPECT_EQ(refusal(*d.replica, t), c->refused) << c->name;
      if (t.column.empty()) {
        EXPECT_EQ(has_row(district_.replica(), t.table, t.id), applied) << c->name;
      } else {
        auto v = test::field(district_.replica(), t.table, t.id, t.column);
        ASSERT_OK(v) << c->name;
        EXPECT_EQ(v.value() == t.value, applied) << c->name;
      }
    }
    ASSERT_TRUE(district_.start().is_ok());
  }
  // Pull again: each applied creation reaches exactly the roles whose scope holds it.
  for (Device& d : devices_) ASSERT_OK(sync(d));
  for (const auto& [c, t] : written) {
    if (*c->refused != '\0' || !t.column.empty()) continue;
    for (Device& d : devices_) {
      if (d.role == c->role) continue;
      EXPECT_EQ(has_row(*d.replica, t.table, t.id), (c->seen_by & bit(d.role)) != 0)
          << c->name << " at " << sync::role_name(d.role);
    }
  }
}

}  // namespace
}  // namespace liaison
