// Reports: the month numbers on a small known data set (month edges in local time, statuses,
// categories, sources, receptions, the overdue list), the district's per-station and total
// figures, the overview's last contact, and what the public edition leaves out.
#include "shared/app/report.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "shared/app/report_doc.h"
#include "shared/app/report_json.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"
#include "tests/unit/app/report_testing.h"

namespace liaison::app {
namespace {

// 2026-10-15 12:00 in the stations' zone.
const int64_t kNow = test::utc_ms("2026-10-15T04:00:00Z");

size_t at(OpinionStatus s) { return static_cast<size_t>(s); }

class ReportTest : public test::ReplicaFixture {
 protected:
  // A district replica with stations S01 运河湾 and S02 大稿村, registered before the month.
  test::TestReplica& district_with_two_stations() {
    test::ReplicaSpec spec;
    spec.name = "district";
    spec.role = sync::Role::kDistrict;
    spec.station_id = "";
    spec.start_ms = kNow;
    spec.seed = 2;  // another replica id than the station's
    test::TestReplica& d = make(spec);
    const std::string registered = "2026-01-05T02:00:00Z";
    test::insert_row(*d, "station", {{"name", std::string("运河湾")}, {"created_at", registered}},
                     "S01");
    test::insert_row(*d, "station", {{"name", std::string("大稿村")}, {"created_at", registered}},
                     "S02");
    return d;
  }

  static void SetUpTestSuite() { test::use_station_time_zone(); }

  void SetUp() override {
    test::ReplicaSpec spec;
    spec.name = "s1";
    spec.station_id = "S01";
    spec.start_ms = kNow;
    s1_ = &make(spec);
  }

  // Records an opinion of the station at time `at`, with the steps given.
  std::string opinion(test::TestReplica& r, const std::string& when, Value category,
                      const std::string& source, std::vector<std::string> steps = {},
                      const std::string& station = "S01") {
    test::OpinionSpec spec;
    spec.station_id = station;
    spec.at = when;
    spec.category = std::move(category);
    spec.source = source;
    spec.voter = "韩玉兰";
    spec.phone = std::string("13800000010");
    auto id = test::add_opinion(*r, spec);
    EXPECT_OK(id);
    for (const std::string& step : steps) EXPECT_OK(test::add_step(*r, id.value(), step));
    return id ? id.value() : "";
  }

  // The known September of station S01 (see each line); returns the ids of the overdue ones.
  std::set<std::string> september(test::TestReplica& r) {
    std::string traffic = "交通出行", health = "医疗卫生";
    std::set<std::string> overdue;
    overdue.insert(opinion(r, "2026-09-01T00:00:00+08:00", traffic, "visit"));     // first instant
    opinion(r, "2026-09-30T23:59:59+08:00", traffic, "reception", {"explained"});  // last
    opinion(r, "2026-09-15T10:00:00+08:00", Value{}, "mailbox", {"explained", "replied"});
    std::string voided = opinion(r, "2026-09-20T10:00:00+08:00", health, "visit");
    EXPECT_OK(test::void_record(*r, "opinion", voided, "重复"));
    overdue.insert(opinion(r, "2026-09-10", health, "visit", {"referred"}));  // a date alone
    // 2026-09-01 00:30 local, written in UTC: September.
    overdue.insert(opinion(r, "2026-08-31T16:30:00Z", std::string("教育"), "forum"));
    // Outside September: counted as overdue, not as September's.
    overdue.insert(opinion(r, "2026-08-31T23:59:59+08:00", traffic, "visit"));
    opinion(r, "2026-10-01T00:00:00+08:00", traffic, "visit");
    opinion(r, "2026-09-30T16:30:00Z", traffic, "visit");  // 2026-10-01 00:30 local
    test::add_reception(*r, "S01", "2026-09-05");
    test::add_reception(*r, "S01", "2026-09-30");
    test::add_reception(*r, "S01", "2026-09-12", "取消");
    test::add_reception(*r, "S01", "2026-10-01");
    return overdue;
  }

  test::TestReplica* s1_ = nullptr;
};

TEST_F(ReportTest, StationMonthNumbers) {
  std::set<std::string> overdue = september(*s1_);
  ASSERT_OK_AND_ASSIGN(Report r,
                       build_month_report(**s1_, parse_month("2026-09").value(), 30, "S01"));
  ASSERT_EQ(r.stations.size(), 1u);
  const StationReport& s = r.stations.front();
  EXPECT_EQ(s.opinions.total, 6);
  EXPECT_EQ(s.opinions.by_status[at(OpinionStatus::kRecorded)], 2);
  EXPECT_EQ(s.opinions.by_status[at(OpinionStatus::kExplained)], 1);
  EXPECT_EQ(s.opinions.by_status[at(OpinionStatus::kReplied)], 1);
  EXPECT_EQ(s.opinions.by_status[at(OpinionStatus::kReferred)], 1);
  EXPECT_EQ(s.opinions.by_status[at(OpinionStatus::kVoid)], 1);
  EXPECT_EQ(s.opinions.by_status[at(OpinionStatus::kClosed)], 0);
  EXPECT_EQ(s.opinions.by_category, (std::map<std::string, int64_t>{
                                        {"", 1}, {"交通出行", 2}, {"医疗卫生", 2}, {"教育", 1}}));
  EXPECT_EQ(s.opinions.by_source,
            (std::map<std::string, int64_t>{
                {"forum", 1}, {"mailbox", 1}, {"reception", 1}, {"visit", 3}}));
  std::set<std::string> listed;
  for (const Opinion& o : s.overdue) listed.insert(o.id);
  EXPECT_EQ(listed, overdue);
  ASSERT_EQ(s.receptions.size(), 2u);
  EXPECT_EQ(s.receptions[0].held_on, "2026-09-05");
  EXPECT_EQ(s.receptions[1].held_on, "2026-09-30");
  EXPECT_EQ(r.overdue_total, 4u);
  EXPECT_EQ(r.receptions_total, 2u);
  EXPECT_EQ(r.total.opinions.total, 6);
  for (const Flag& f : s.flags) EXPECT_NE(f.code, FlagCode::kNoReception);

  ASSERT_OK_AND_ASSIGN(Report august,
                       build_month_report(**s1_, parse_month("2026-08").value(), 30, "S01"));
  EXPECT_EQ(august.stations.front().opinions.total, 1);
  EXPECT_TRUE(august.stations.front().receptions.empty());
  bool no_reception = false;
  for (const Flag& f : august.stations.front().flags)
    no_reception = no_reception || (f.code == FlagCode::kNoReception && f.period == "2026-08");
  EXPECT_TRUE(no_reception);
}

TEST_F(ReportTest, JsonAndPublicEdition) {
  september(*s1_);
  ASSERT_OK_AND_ASSIGN(Report r,
                       build_month_report(**s1_, parse_month("2026-09").value(), 30, "S01"));
  Json full = to_json(r, false);
  EXPECT_EQ(full.at("kind"), "month");
  EXPECT_EQ(full.at("station"), "S01");
  EXPECT_EQ(full.at("month"), "2026-09");
  EXPECT_EQ(full.at("opinions").at("total"), 6);
  EXPECT_EQ(full.at("opinions").at("by_status").at("recorded"), 2);
  EXPECT_EQ(full.at("opinions").at("by_category").at(0).at("category"), nullptr);
  EXPECT_EQ(full.at("overdue_count"), 4);
  EXPECT_EQ(full.at("overdue").at(0).at("voter"), "韩玉兰");
  EXPECT_EQ(full.at("receptions").size(), 2u);

  Json pub = to_json(r, true);
  EXPECT_EQ(pub.at("public"), true);
  ASSERT_EQ(pub.at("overdue").size(), 4u);
  for (const Json& o : pub.at("overdue")) {
    EXPECT_FALSE(o.contains("voter"));
    EXPECT_FALSE(o.contains("phone"));
    EXPECT_TRUE(o.contains("matter"));
  }
  std::string csv_full = to_csv(report_doc(r, "zh", false));
  std::string csv_pub = to_csv(report_doc(r, "zh", true));
  EXPECT_NE(csv_full.find("韩玉兰"), std::string::npos);
  EXPECT_NE(csv_full.find("13800000010"), std::string::npos);
  EXPECT_EQ(csv_pub.find("韩玉兰"), std::string::npos);
  EXPECT_EQ(csv_pub.find("13800000010"), std::string::npos);
  EXPECT_NE(csv_pub.find("路灯坏了三个月"), std::string::npos);  // the matter stays
}

TEST_F(ReportTest, DistrictMonthPerStationAndTotal) {
  test::TestReplica& d = district_with_two_stations();
  test::insert_row(*d, "station",
                   {{"name", std::string("已撤")},
                    {"void_reason", std::string("撤并")},
                    {"created_at", d->now_iso()}},
                   "S09");
  september(*s1_);
  ASSERT_OK(test::exchange(**s1_, *d));
  opinion(d, "2026-09-03T09:00:00+08:00", std::string("交通出行"), "survey", {"motion"}, "S02");

  ASSERT_OK_AND_ASSIGN(Report r, build_month_report(*d, parse_month("2026-09").value(), 30, ""));
  ASSERT_EQ(r.stations.size(), 2u);  // the voided station with no opinions is left out
  EXPECT_EQ(r.stations[0].station.id, "S01");
  EXPECT_EQ(r.stations[0].station.name, "运河湾");
  EXPECT_EQ(r.stations[0].opinions.total, 6);
  EXPECT_EQ(r.stations[1].opinions.total, 1);
  EXPECT_EQ(r.stations[1].opinions.by_status[at(OpinionStatus::kMotion)], 1);
  EXPECT_EQ(r.total.opinions.total, 7);
  EXPECT_EQ(r.total.opinions.by_category.at("交通出行"), 3);
  EXPECT_EQ(r.total.opinions.by_source.at("survey"), 1);
  EXPECT_EQ(r.stations[0].overdue.size(), 4u);
  EXPECT_EQ(r.stations[1].overdue.size(), 1u);  // a motion is not a reply
  EXPECT_EQ(r.receptions_total, 2u);
  bool s2_no_reception = false;
  for (const Flag& f : r.stations[1].flags) s2_no_reception |= f.code == FlagCode::kNoReception;
  EXPECT_TRUE(s2_no_reception);
  size_t flags = r.home_flags.size();
  for (const StationReport& s : r.stations) flags += s.flags.size();
  EXPECT_EQ(r.flags_total, flags);

  Json j = to_json(r, true);
  EXPECT_EQ(j.at("stations").size(), 2u);
  EXPECT_EQ(j.at("total").at("opinions").at("total"), 7);
  EXPECT_EQ(j.at("total").at("receptions_count"), 2);
  ReportDoc doc = report_doc(r, "en", true);
  std::ostringstream text;
  write_text(doc, "en", text);
  EXPECT_NE(text.str().find("District report for 2026-09"), std::string::npos) << text.str();
  EXPECT_EQ(text.str().find("韩玉兰"), std::string::npos);
}

TEST_F(ReportTest, OverviewHasLastContactPerStation) {
  test::TestReplica& d = district_with_two_stations();
  september(*s1_);
  ASSERT_OK(test::exchange(**s1_, *d));
  ASSERT_OK(d->db().exec(
      "INSERT INTO _device (device_id, token_hash, role, station_id, spokesperson_id, created_at, "
      "last_seen_at) VALUES "
      "('dev1', 'h', 'station', 'S01', NULL, '2026-01-01', '2026-10-10T08:00:00.000Z'), "
      "('dev2', 'h', 'spokesperson', 'S01', 'P1', '2026-01-01', '2026-10-12T08:00:00.000Z'), "
      "('dev3', 'h', 'station', 'S02', NULL, '2026-01-01', NULL)"));

  ASSERT_OK_AND_ASSIGN(Report r, build_overview(*d, 30));
  ASSERT_EQ(r.stations.size(), 2u);
  EXPECT_EQ(r.stations[0].last_sync, "2026-10-12T08:00:00.000Z");
  EXPECT_FALSE(r.stations[1].last_sync.has_value());
  EXPECT_EQ(r.stations[0].opinions.total, 9);  // every opinion, whatever its month
  EXPECT_EQ(r.stations[0].overdue.size(), 4u);
  Json j = to_json(r, false);
  EXPECT_EQ(j.at("kind"), "overview");
  EXPECT_EQ(j.at("stations").at(0).at("last_sync"), "2026-10-12T08:00:00.000Z");
  EXPECT_EQ(j.at("stations").at(1).at("last_sync"), nullptr);
  EXPECT_EQ(j.at("stations").at(0).at("overdue_count"), 4);
  EXPECT_FALSE(j.at("stations").at(0).contains("overdue"));  // counts only
  EXPECT_EQ(j.at("total").at("opinions").at("by_status").at("recorded"), 5);
}

}  // namespace
}  // namespace liaison::app
