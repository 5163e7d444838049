// The scope rules, table-driven: each role x each table x rows in and out of the device's scope
// x creation and change, for writing and for visibility, with the opinion lookup faked.
#include "shared/sync/scope.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

const Uuid kStationReplica = test::fixed_uuid(0x51);
const Uuid kSpokesReplica = test::fixed_uuid(0x52);
const Uuid kOtherReplica = test::fixed_uuid(0x53);

const DeviceScope kDistrict{Role::kDistrict, "", "", test::fixed_uuid(0x50)};
const DeviceScope kStation{Role::kStation, "S1", "", kStationReplica};
const DeviceScope kSpokes{Role::kSpokesperson, "S1", "P1", kSpokesReplica};

class FakeLookup final : public OpinionLookup {
 public:
  FakeLookup() {
    opinions_["op-mine"] = {"S1", kSpokesReplica.str(), "P1"};      // recorded by P1's device
    opinions_["op-named"] = {"S1", kStationReplica.str(), "P1"};    // the station's, naming P1
    opinions_["op-station"] = {"S1", kStationReplica.str(), "P2"};  // the station's, for P2
    opinions_["op-s2"] = {"S2", kOtherReplica.str(), ""};           // another station's
  }
  Result<std::optional<OpinionOwner>> opinion(const std::string& id) override {
    ++calls;
    if (fail) return Status::io("fake lookup failure");
    auto it = opinions_.find(id);
    if (it == opinions_.end()) return std::optional<OpinionOwner>();
    return std::optional<OpinionOwner>(it->second);
  }
  int calls = 0;
  bool fail = false;

 private:
  std::map<std::string, OpinionOwner> opinions_;
};

// Whose a sample row is: a spokesperson P1's (recorded by its device), the station's (recorded
// by the station device, for spokesperson P2), or another station's.
enum class Flavor { kMine, kStations, kOther };

// A row of table with every owner column filled for the flavor; other columns stay NULL.
std::vector<Value> sample(const TablePolicy& t, Flavor f) {
  std::vector<Value> v(t.columns.size());
  auto set = [&](std::string_view column, Value value) {
    int i = t.column_index(column);
    if (i >= 0) v[static_cast<size_t>(i)] = std::move(value);
  };
  bool mine = f == Flavor::kMine;
  std::string spokesperson = mine ? "P1" : "P2";
  std::string opinion = mine ? "op-mine" : f == Flavor::kStations ? "op-station" : "op-s2";
  set("id", t.name == "spokesperson" ? spokesperson : "row-1");
  set("station_id", f == Flavor::kOther ? "S2" : "S1");
  set("home_id", "H1");
  set("recorded_by", (mine                     ? kSpokesReplica
                      : f == Flavor::kStations ? kStationReplica
                                               : kOtherReplica)
                         .str());
  set("spokesperson_id", spokesperson);
  set("opinion_id", opinion);
  set("owner_table", "opinion");
  set("owner_id", opinion);
  return v;
}

// "" for allowed, else the refusal's name; "error" when the check failed.
std::string write(const DeviceScope& scope, const TablePolicy& t, bool create,
                  const std::vector<Value>& values, OpinionLookup& lookup) {
  Row existing{values, {}};
  auto r = check_write(scope, t, create, create ? &values : nullptr, create ? nullptr : &existing,
                       lookup);
  if (!r) return "error";
  return r.value() ? scope_refusal_name(*r.value()) : "";
}

std::string write(const DeviceScope& scope, std::string_view table, bool create,
                  const std::vector<Value>& values) {
  FakeLookup lookup;
  return write(scope, test::policy(table), create, values, lookup);
}

bool sees(const DeviceScope& scope, const TablePolicy& t, const std::vector<Value>& values) {
  FakeLookup lookup;
  auto r = visible(scope, t, values, lookup);
  EXPECT_TRUE(r.is_ok()) << t.name;
  return r.is_ok() && r.value();
}

// What a station device and a spokesperson device may write, by table and flavor. The station
// device's own rows and other stations' rows are uniform and checked in a loop.
struct WriteExpect {
  std::string_view table;
  const char* station_on_mine_create;  // a station device sending a row P1's device recorded
  const char* station_on_mine_update;
  const char* mine_create;  // the spokesperson device, on its own records
  const char* mine_update;
  const char* stations_create;  // the spokesperson device, on the station's records
  const char* stations_update;
  const char* other_create;  // the spokesperson device, on another station's records
  const char* other_update;
};

constexpr const char* ok = "";
constexpr const char* forged = "forged_origin";
constexpr const char* outside = "outside_role";
constexpr const char* not_own = "not_own_record";
constexpr const char* other = "other_station";

const WriteExpect kWrites[] = {
    {"spokesperson", ok, ok, outside, not_own, outside, not_own, outside, other},
    {"opinion", forged, ok, ok, ok, forged, not_own, other, other},
    {"opinion_step", forged, ok, ok, ok, forged, not_own, other, other},
    {"amendment", forged, ok, ok, ok, forged, not_own, other, other},
    {"activity", ok, ok, outside, not_own, outside, not_own, outside, other},
    {"attendance", ok, ok, outside, not_own, outside, not_own, outside, other},
    {"activity_opinion", ok, ok, outside, not_own, outside, not_own, outside, other},
    {"visit", forged, ok, ok, ok, forged, not_own, other, other},
    {"deputy_report", ok, ok, outside, not_own, outside, not_own, outside, other},
    {"attachment", ok, ok, ok, ok, not_own, not_own, other, other},
    {"hub_device", ok, ok, outside, not_own, outside, not_own, outside, other},
};

// What a spokesperson device sees, by table: its own records, and the station's for P2.
struct SeeExpect {
  std::string_view table;
  bool mine, stations;
};
const SeeExpect kSees[] = {
    {"spokesperson", true, false},  {"opinion", true, false},    {"opinion_step", true, false},
    {"amendment", true, false},     {"activity", true, true},    {"attendance", false, false},
    {"activity_opinion", true, false}, {"visit", true, false},   {"deputy_report", false, false},
    {"attachment", true, false}, {"hub_device", false, false},
};

TEST(ScopeTest, RefusalNamesAreStableAndRoundTrip) {
  for (const char* name : {"reference_data", "other_station", "not_own_record", "unknown_row",
                           "forged_origin", "outside_role", "unknown_opinion"}) {
    auto r = parse_scope_refusal(name);
    ASSERT_TRUE(r.has_value()) << name;
    EXPECT_STREQ(scope_refusal_name(*r), name);
  }
  EXPECT_FALSE(parse_scope_refusal("nope").has_value());
}

TEST(ScopeTest, EveryStationTableHasARuleAndAStation) {
  size_t station_tables = 0;
  for (const TablePolicy& t : tables()) {
    if (t.scope != Scope::kStation) continue;
    ++station_tables;
    EXPECT_TRUE(has_scope_rule(t.name)) << t.name;
    EXPECT_GE(t.column_index("station_id"), 0) << t.name;
  }
  EXPECT_EQ(station_tables, std::size(kWrites));
  EXPECT_EQ(station_tables, std::size(kSees));
  EXPECT_FALSE(has_scope_rule("home"));
}

TEST(ScopeTest, ReferenceTablesAreWrittenOnlyByTheDistrictAndSeenByAll) {
  for (const TablePolicy& t : tables()) {
    if (t.scope != Scope::kReference) continue;
    SCOPED_TRACE(t.name);
    std::vector<Value> row = sample(t, Flavor::kOther);
    for (bool create : {true, false}) {
      EXPECT_EQ(write(kDistrict, t.name, create, row), ok);
      EXPECT_EQ(write(kStation, t.name, create, row), "reference_data");
      EXPECT_EQ(write(kSpokes, t.name, create, row), "reference_data");
    }
    for (const DeviceScope* s : {&kDistrict, &kStation, &kSpokes}) EXPECT_TRUE(sees(*s, t, row));
  }
}

TEST(ScopeTest, TheDistrictWritesAndSeesEverything) {
  for (const TablePolicy& t : tables())
    for (Flavor f : {Flavor::kMine, Flavor::kStations, Flavor::kOther}) {
      std::vector<Value> row = sample(t, f);
      EXPECT_EQ(write(kDistrict, t.name, true, row), ok) << t.name;
      EXPECT_EQ(write(kDistrict, t.name, false, row), ok) << t.name;
      EXPECT_TRUE(sees(kDistrict, t, row)) << t.name;
    }
}

TEST(ScopeTest, AStationWritesAndSeesItsOwnStationOnly) {
  for (const WriteExpect& e : kWrites) {
    SCOPED_TRACE(std::string(e.table));
    const TablePolicy& t = test::policy(e.table);
    std::vector<Value> own = sample(t, Flavor::kStations);
    std::vector<Value> spokes = sample(t, Flavor::kMine);
    std::vector<Value> other_row = sample(t, Flavor::kOther);
    EXPECT_EQ(write(kStation, e.table, true, own), ok);
    EXPECT_EQ(write(kStation, e.table, false, own), ok);
    EXPECT_EQ(write(kStation, e.table, true, spokes), e.station_on_mine_create);
    EXPECT_EQ(write(kStation, e.table, false, spokes), e.station_on_mine_update);
    EXPECT_EQ(write(kStation, e.table, true, other_row), other);
    EXPECT_EQ(write(kStation, e.table, false, other_row), other);
    EXPECT_TRUE(sees(kStation, t, own));
    EXPECT_TRUE(sees(kStation, t, spokes));
    EXPECT_FALSE(sees(kStation, t, other_row));
  }
}

TEST(ScopeTest, ASpokespersonWritesOnlyWhatItRecorded) {
  for (const WriteExpect& e : kWrites) {
    SCOPED_TRACE(std::string(e.table));
    std::vector<Value> mine = sample(test::policy(e.table), Flavor::kMine);
    std::vector<Value> stations = sample(test::policy(e.table), Flavor::kStations);
    std::vector<Value> other_row = sample(test::policy(e.table), Flavor::kOther);
    EXPECT_EQ(write(kSpokes, e.table, true, mine), e.mine_create);
    EXPECT_EQ(write(kSpokes, e.table, false, mine), e.mine_update);
    EXPECT_EQ(write(kSpokes, e.table, true, stations), e.stations_create);
    EXPECT_EQ(write(kSpokes, e.table, false, stations), e.stations_update);
    EXPECT_EQ(write(kSpokes, e.table, true, other_row), e.other_create);
    EXPECT_EQ(write(kSpokes, e.table, false, other_row), e.other_update);
  }
}

TEST(ScopeTest, ASpokespersonSeesItsRecordsAndTheStationsReceptionDays) {
  for (const SeeExpect& e : kSees) {
    SCOPED_TRACE(std::string(e.table));
    const TablePolicy& t = test::policy(e.table);
    EXPECT_EQ(sees(kSpokes, t, sample(t, Flavor::kMine)), e.mine);
    EXPECT_EQ(sees(kSpokes, t, sample(t, Flavor::kStations)), e.stations);
    EXPECT_FALSE(sees(kSpokes, t, sample(t, Flavor::kOther)));
  }
}

TEST(ScopeTest, ASpokespersonSeesOpinionsThatNameIt) {
  const TablePolicy& opinion = test::policy("opinion");
  std::vector<Value> named = sample(opinion, Flavor::kStations);
  named[static_cast<size_t>(test::col(opinion, "spokesperson_id"))] = std::string("P1");
  EXPECT_TRUE(sees(kSpokes, opinion, named));
  // ...and everything hanging on them, but may not add to them: it did not record them.
  for (std::string_view table : {"opinion_step", "amendment", "activity_opinion", "attachment"}) {
    const TablePolicy& t = test::policy(table);
    std::vector<Value> row = sample(t, Flavor::kStations);
    int link = t.column_index("opinion_id") >= 0 ? t.column_index("opinion_id")
                                                  : t.column_index("owner_id");
    row[static_cast<size_t>(link)] = std::string("op-named");
    EXPECT_TRUE(sees(kSpokes, t, row)) << table;
  }
  std::vector<Value> step = sample(test::policy("opinion_step"), Flavor::kMine);
  step[static_cast<size_t>(test::col(test::policy("opinion_step"), "opinion_id"))] =
      std::string("op-named");
  EXPECT_EQ(write(kSpokes, "opinion_step", true, step), not_own);
}

// A sample row of table with some columns (by name) set otherwise.
std::vector<Value> with(std::string_view table, Flavor f,
                        const std::vector<std::pair<std::string_view, Value>>& changes) {
  const TablePolicy& t = test::policy(table);
  std::vector<Value> row = sample(t, f);
  for (const auto& [column, value] : changes)
    row[static_cast<size_t>(test::col(t, column))] = value;
  return row;
}

TEST(ScopeTest, SpecialCases) {
  // A spokesperson's opinion or visit naming another spokesperson, or none.
  for (Value named : {Value{std::string("P2")}, Value{}}) {
    EXPECT_EQ(write(kSpokes, "opinion", true,
                    with("opinion", Flavor::kMine, {{"spokesperson_id", named}})),
              not_own);
  }
  EXPECT_EQ(write(kSpokes, "visit", true,
                  with("visit", Flavor::kMine, {{"spokesperson_id", "P2"}})),
            not_own);
  // Steps on an opinion the server does not have, or on another station's.
  auto on = [](std::string_view table, const char* opinion) {
    return with(table, Flavor::kMine, {{"opinion_id", opinion}});
  };
  EXPECT_EQ(write(kSpokes, "amendment", true, on("amendment", "op-missing")), "unknown_opinion");
  EXPECT_EQ(write(kSpokes, "amendment", true, on("amendment", "op-s2")), other);
  auto station_step = [](const char* opinion) {
    return with("opinion_step", Flavor::kStations, {{"opinion_id", opinion}});
  };
  EXPECT_EQ(write(kStation, "opinion_step", true, station_step("op-s2")), other);
  EXPECT_EQ(write(kStation, "opinion_step", true, station_step("op-missing")), ok);
  // An attachment of something else than an opinion is not a spokesperson's to add.
  EXPECT_EQ(write(kSpokes, "attachment", true,
                  with("attachment", Flavor::kMine, {{"owner_table", "visit"}})),
            not_own);
  // Rows of no station belong to the district.
  auto home_activity = with("activity", Flavor::kStations, {{"station_id", Value{}}});
  EXPECT_EQ(write(kStation, "activity", true, home_activity), other);
  EXPECT_EQ(write(kDistrict, "activity", true, home_activity), ok);
  EXPECT_FALSE(sees(kStation, test::policy("activity"), home_activity));
  DeviceScope stationless = kStation;
  stationless.station_id.clear();
  EXPECT_EQ(write(stationless, "activity", true, home_activity), other);
  // A device whose replica is not bound yet has no records of its own.
  DeviceScope unbound = kStation;
  unbound.replica_id = Uuid{};
  EXPECT_EQ(write(unbound, "opinion", true, sample(test::policy("opinion"), Flavor::kStations)),
            forged);
}

TEST(ScopeTest, ChangesToRowsNotHereAreUnknown) {
  const TablePolicy& t = test::policy("opinion");
  std::vector<Value> row = sample(t, Flavor::kMine);
  FakeLookup lookup;
  for (const DeviceScope* s : {&kStation, &kSpokes}) {
    auto r = check_write(*s, t, false, nullptr, nullptr, lookup);
    ASSERT_OK(r);
    ASSERT_TRUE(r.value().has_value());
    EXPECT_EQ(*r.value(), ScopeRefusal::kUnknownRow);
  }
  auto d = check_write(kDistrict, t, false, nullptr, nullptr, lookup);
  ASSERT_OK(d);
  EXPECT_FALSE(d.value().has_value());
}

TEST(ScopeTest, ACreationOfAnExistingIdIsCheckedAgainstTheExistingRow) {
  const TablePolicy& t = test::policy("opinion");
  std::vector<Value> mine = sample(t, Flavor::kMine);
  Row theirs{sample(t, Flavor::kOther), {}};
  Row own{mine, {}};
  FakeLookup lookup;
  auto taken = check_write(kSpokes, t, true, &mine, &theirs, lookup);
  ASSERT_OK(taken);
  ASSERT_TRUE(taken.value().has_value());
  EXPECT_EQ(*taken.value(), ScopeRefusal::kOtherStation);
  auto again = check_write(kSpokes, t, true, nullptr, &own, lookup);
  ASSERT_OK(again);
  EXPECT_FALSE(again.value().has_value());
}

TEST(ScopeTest, LookupFailuresAreReportedNotGuessed) {
  const TablePolicy& t = test::policy("opinion_step");
  std::vector<Value> row = sample(t, Flavor::kMine);
  FakeLookup lookup;
  lookup.fail = true;
  EXPECT_CODE(check_write(kSpokes, t, true, &row, nullptr, lookup), Code::kIo);
  EXPECT_CODE(visible(kSpokes, t, row, lookup), Code::kIo);
}

TEST(ScopeTest, ReplicaLookupReadsOpinions) {
  test::ReplicaSet set;
  test::TestReplica* r = set.make({});
  ASSERT_NE(r, nullptr);
  test::OpinionSpec spec;
  spec.station_id = "S1";
  spec.recorded_by = kSpokesReplica.str();
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(**r, spec));
  ReplicaOpinionLookup lookup(**r);
  ASSERT_OK_AND_ASSIGN(std::optional<OpinionOwner> found, lookup.opinion(id));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->station_id, "S1");
  EXPECT_EQ(found->recorded_by, kSpokesReplica.str());
  EXPECT_EQ(found->spokesperson_id, "");
  ASSERT_OK_AND_ASSIGN(std::optional<OpinionOwner> missing, lookup.opinion("no-such-opinion"));
  EXPECT_FALSE(missing.has_value());
}

}  // namespace
}  // namespace liaison::sync
