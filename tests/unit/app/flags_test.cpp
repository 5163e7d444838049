// Flags: each check raised and not raised around its edges (the 30th/31st day, month and
// quarter ends, terms), and the same flags at a station and at the district.
#include "shared/app/flags.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "shared/app/opinion_query.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"
#include "tests/unit/app/report_testing.h"

namespace liaison::app {
namespace {

using test::utc_ms;

// 2026-10-15 12:00 in the stations' zone.
const int64_t kNow = utc_ms("2026-10-15T04:00:00Z");

class FlagsTest : public test::ReplicaFixture {
 protected:
  static void SetUpTestSuite() { test::use_station_time_zone(); }

  test::TestReplica& station(const std::string& name = "s", int64_t now = kNow) {
    test::ReplicaSpec spec;
    spec.name = name;
    spec.start_ms = now;
    return make(spec);
  }
  test::TestReplica& district(int64_t now = kNow) {
    test::ReplicaSpec spec;
    spec.name = "district";
    spec.role = sync::Role::kDistrict;
    spec.station_id = "";
    spec.start_ms = now;
    spec.seed = 2;  // another replica id than a station's
    return make(spec);
  }

  FlagResult flags(sync::Replica& r, FlagOptions options) {
    auto result = compute_flags(r, options);
    EXPECT_OK(result);
    return result ? result.value() : FlagResult{};
  }
  FlagResult month_flags(sync::Replica& r, const std::string& month, const std::string& station) {
    FlagOptions options;
    options.month = parse_month(month).value();
    options.station = station;
    return flags(r, options);
  }

  // The flags of one code as (subject, period) pairs.
  static std::set<std::pair<std::string, std::string>> of(const FlagResult& r, FlagCode code) {
    std::set<std::pair<std::string, std::string>> out;
    for (const Flag& f : r.flags)
      if (f.code == code) out.insert({f.subject, f.period});
    return out;
  }
};

using Subjects = std::set<std::pair<std::string, std::string>>;

TEST_F(FlagsTest, OverdueAfterThirtyDaysExactlyWhatOpinionListOverdueLists) {
  test::TestReplica& s = station();
  test::OpinionSpec spec;
  spec.at = test::utc_iso(kNow - 30 * test::kDayMs + test::kMinuteMs);  // on its 30th day
  ASSERT_OK_AND_ASSIGN(std::string young, test::add_opinion(*s, spec));
  spec.at = test::utc_iso(kNow - 30 * test::kDayMs - test::kMinuteMs);  // into its 31st day
  ASSERT_OK_AND_ASSIGN(std::string old, test::add_opinion(*s, spec));
  ASSERT_OK_AND_ASSIGN(std::string replied, test::add_opinion(*s, spec));
  ASSERT_OK(test::add_step(*s, replied, "replied"));
  ASSERT_OK_AND_ASSIGN(std::string closed, test::add_opinion(*s, spec));
  ASSERT_OK(test::add_step(*s, closed, "explained"));
  ASSERT_OK(test::add_step(*s, closed, "closed"));
  ASSERT_OK_AND_ASSIGN(std::string voided, test::add_opinion(*s, spec));
  ASSERT_OK(test::void_record(*s, "opinion", voided, "重复录入"));
  ASSERT_OK_AND_ASSIGN(std::string referred, test::add_opinion(*s, spec));
  ASSERT_OK(test::add_step(*s, referred, "referred"));

  FlagOptions options;
  options.station = "S01";
  FlagResult r = flags(*s, options);
  EXPECT_EQ(r.today, "2026-10-15");
  std::vector<std::string> ids;
  for (const Opinion& o : r.overdue) ids.push_back(o.id);
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> want = {old, referred};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(ids, want);
  ASSERT_EQ(of(r, FlagCode::kOverdueOpinions), (Subjects{{"S01", "2026-10-15"}}));
  const Flag& f = *std::find_if(r.flags.begin(), r.flags.end(),
                                [](const Flag& x) { return x.code == FlagCode::kOverdueOpinions; });
  EXPECT_EQ(f.count, 2);
  EXPECT_EQ(f.days, 30);
  EXPECT_EQ(f.station, "S01");

  OpinionFilter overdue;
  overdue.overdue = true;
  ASSERT_OK_AND_ASSIGN(std::vector<Opinion> listed, list_opinions(*s, overdue));
  ASSERT_EQ(listed.size(), r.overdue.size());
  for (size_t i = 0; i < listed.size(); ++i) EXPECT_EQ(listed[i].id, r.overdue[i].id);

  options.overdue_days = 31;  // now neither has passed its limit
  FlagResult later = flags(*s, options);
  EXPECT_TRUE(later.overdue.empty());
  EXPECT_TRUE(of(later, FlagCode::kOverdueOpinions).empty());
}

TEST_F(FlagsTest, NoReceptionOnlyForAMonthThatIsOverWithoutOneHeld) {
  test::TestReplica& s = station();
  test::add_reception(*s, "S01", "2026-08-31");
  test::add_reception(*s, "S01", "2026-10-01");
  test::add_reception(*s, "S01", "2026-09-15", "因故取消");  // voided: not held
  test::add_reception(*s, "S01", "");                        // only planned
  test::add_reception(*s, "S02", "2026-09-10");              // another station's

  EXPECT_EQ(of(month_flags(*s, "2026-09", "S01"), FlagCode::kNoReception),
            (Subjects{{"S01", "2026-09"}}));
  EXPECT_TRUE(of(month_flags(*s, "2026-08", "S01"), FlagCode::kNoReception).empty());
  // October has begun but is not over: it may still be held.
  EXPECT_TRUE(of(month_flags(*s, "2026-10", "S01"), FlagCode::kNoReception).empty());
  // Without a month: the month before today's.
  FlagOptions options;
  options.station = "S01";
  EXPECT_EQ(of(flags(*s, options), FlagCode::kNoReception), (Subjects{{"S01", "2026-09"}}));

  test::add_reception(*s, "S01", "2026-09-30");  // the month's last day
  EXPECT_TRUE(of(month_flags(*s, "2026-09", "S01"), FlagCode::kNoReception).empty());
}

TEST_F(FlagsTest, AStationRegisteredAfterTheMonthIsNotFlaggedForIt) {
  test::TestReplica& d = district();
  test::insert_row(*d, "station",
                   {{"name", std::string("老站")}, {"created_at", std::string("2026-03-01T02:00:00Z")}},
                   "S01");
  test::insert_row(*d, "station",
                   {{"name", std::string("新站")}, {"created_at", std::string("2026-10-02T02:00:00Z")}},
                   "S02");
  EXPECT_EQ(of(month_flags(*d, "2026-09", ""), FlagCode::kNoReception),
            (Subjects{{"S01", "2026-09"}}));
  // Registered on the month's last day: the month counts.
  test::insert_row(*d, "station",
                   {{"name", std::string("月底设站")}, {"created_at", std::string("2026-09-30T02:00:00Z")}},
                   "S03");
  EXPECT_EQ(of(month_flags(*d, "2026-09", ""), FlagCode::kNoReception),
            (Subjects{{"S01", "2026-09"}, {"S03", "2026-09"}}));
  // Records from before its registration show that S02 was at work in September.
  test::OpinionSpec spec;
  spec.station_id = "S02";
  spec.at = "2026-09-20T10:00:00+08:00";
  ASSERT_OK(test::add_opinion(*d, spec));
  EXPECT_EQ(of(month_flags(*d, "2026-09", ""), FlagCode::kNoReception),
            (Subjects{{"S01", "2026-09"}, {"S02", "2026-09"}, {"S03", "2026-09"}}));
}

TEST_F(FlagsTest, AMonthIsOverAtMidnightLocalTime) {
  // 2026-10-31 23:30 and 2026-11-01 00:30 in the stations' zone (UTC+8).
  test::TestReplica& s = station("s", utc_ms("2026-10-31T15:30:00Z"));
  EXPECT_TRUE(of(month_flags(*s, "2026-10", "S01"), FlagCode::kNoReception).empty());
  s.clock.set(utc_ms("2026-10-31T16:30:00Z"));
  EXPECT_EQ(of(month_flags(*s, "2026-10", "S01"), FlagCode::kNoReception),
            (Subjects{{"S01", "2026-10"}}));
}

TEST_F(FlagsTest, NoHomeMeetingInAQuarterThatIsOver) {
  test::TestReplica& d = district();
  for (const char* id : {"H1", "H2", "H3", "H4"}) {
    test::insert_row(*d, "home",
                     {{"name", std::string("代表之家")}, {"created_at", std::string("2026-01-05T02:00:00Z")}},
                     id);
  }
  // Registered after the third quarter ended: not to blame for it.
  test::insert_row(*d, "home", {{"name", std::string("新设代表之家")}, {"created_at", d->now_iso()}},
                   "H5");
  ASSERT_OK(test::void_record(*d, "home", "H3", "撤并"));
  test::add_home_meeting(*d, "H1", "2026-07-01");  // the quarter's first day
  test::add_home_meeting(*d, "H2", "2026-10-01");  // the next quarter's first day
  test::add_home_meeting(*d, "H4", "2026-06-30");  // the previous quarter's last day
  // A station activity naming the home is not the home's meeting.
  test::insert_row(*d, "activity",
                   {{"station_id", std::string("S01")},
                    {"home_id", std::string("H2")},
                    {"kind", std::string("reception")},
                    {"held_on", std::string("2026-08-01")},
                    {"created_at", d->now_iso()}});

  Subjects q3 = {{"H2", "2026-Q3"}, {"H4", "2026-Q3"}};
  EXPECT_EQ(of(month_flags(*d, "2026-08", ""), FlagCode::kNoHomeMeeting), q3);
  EXPECT_EQ(of(flags(*d, {}), FlagCode::kNoHomeMeeting), q3);  // the last quarter that ended
  EXPECT_TRUE(of(month_flags(*d, "2026-10", ""), FlagCode::kNoHomeMeeting).empty());  // Q4 runs
  // A station's flags never include homes: its replica holds no home-level records.
  EXPECT_TRUE(of(month_flags(*d, "2026-08", "S01"), FlagCode::kNoHomeMeeting).empty());

  test::add_home_meeting(*d, "H4", "2026-09-30");  // the quarter's last day
  EXPECT_EQ(of(month_flags(*d, "2026-08", ""), FlagCode::kNoHomeMeeting),
            (Subjects{{"H2", "2026-Q3"}}));
}

TEST_F(FlagsTest, NoDeputyReportInTheTerm) {
  test::TestReplica& d = district();
  auto deputy = [&](const std::string& id, const std::string& level, test::Columns extra = {}) {
    test::Columns c = {{"name", "代表" + id}, {"level", level}, {"created_at", d->now_iso()}};
    c.emplace_back(level == "city" ? "home_id" : "station_id", std::string("S01"));
    c.insert(c.end(), extra.begin(), extra.end());
    test::insert_row(*d, "deputy", c, id);
  };
  auto report = [&](const std::string& deputy_id, const std::string& on) {
    test::insert_row(
        *d, "deputy_report",
        {{"deputy_id", deputy_id}, {"station_id", std::string("S01")}, {"reported_on", on}});
  };
  deputy("D1", "district");
  report("D1", "2022-01-01");  // the default term's first day
  deputy("D2", "township");
  report("D2", "2021-12-31");  // in the term before
  deputy("D3", "city");        // city deputies report elsewhere: not checked
  deputy("D4", "district", {{"void_reason", std::string("辞职")}});
  deputy("D5", "district", {{"term_start", std::string("2023-05-01")}});
  report("D5", "2023-04-30");
  deputy("D6", "township",
         {{"term_start", std::string("2017-01-01")},
          {"term_end", std::string("2021-12-31")}});  // not serving now
  deputy("D7", "township", {{"term_end", std::string("2027-06-30")}});
  report("D7", "2022-07-01");  // the term starts 2022-07-01

  FlagResult r = flags(*d, {});
  EXPECT_EQ(of(r, FlagCode::kNoDeputyReport),
            (Subjects{{"D2", "2022-01-01/2026-12-31"}, {"D5", "2023-05-01/2028-04-30"}}));
  for (const Flag& f : r.flags) {
    if (f.code != FlagCode::kNoDeputyReport) continue;
    EXPECT_EQ(f.station, "S01");
    EXPECT_EQ(f.subject_kind, "deputy");
  }
  // A station sees its own deputies' flags.
  EXPECT_EQ(of(month_flags(*d, "2026-09", "S01"), FlagCode::kNoDeputyReport).size(), 2u);
  EXPECT_TRUE(of(month_flags(*d, "2026-09", "S02"), FlagCode::kNoDeputyReport).empty());

  // In January 2027 the default term is the next one: D1's report belongs to the last.
  d.clock.set(utc_ms("2027-01-05T04:00:00Z"));
  Subjects next = of(flags(*d, {}), FlagCode::kNoDeputyReport);
  EXPECT_TRUE(next.count({"D1", "2027-01-01/2031-12-31"})) << next.size();
  // A report for a month of the old term is judged in that term.
  EXPECT_FALSE(of(month_flags(*d, "2026-12", ""), FlagCode::kNoDeputyReport)
                   .count({"D1", "2022-01-01/2026-12-31"}));
}

TEST_F(FlagsTest, VotersUncoveredAndRosterChecks) {
  test::TestReplica& d = district();
  auto station_row = [&](const std::string& id, std::optional<int64_t> voters) {
    test::Columns c = {{"name", "联络站" + id}, {"created_at", d->now_iso()}};
    if (voters) c.emplace_back("voters", *voters);
    test::insert_row(*d, "station", c, id);
  };
  auto spokesperson = [&](const std::string& station, int64_t voters, const char* gender,
                          int64_t party) {
    return test::insert_row(*d, "spokesperson",
                            {{"station_id", station},
                             {"name", std::string("代言员")},
                             {"voters", voters},
                             {"gender", std::string(gender)},
                             {"party_member", party},
                             {"created_at", d->now_iso()}});
  };
  station_row("S01", 1000);  // covered exactly, with a woman and a party member
  spokesperson("S01", 600, "f", 0);
  spokesperson("S01", 400, "m", 1);
  station_row("S02", 1000);  // one voter short; men only, no party member
  spokesperson("S02", 999, "m", 0);
  std::string gone = spokesperson("S02", 1, "f", 1);
  ASSERT_OK(test::void_record(*d, "spokesperson", gone, "迁出"));
  station_row("S03", 500);           // no roster at all
  station_row("S04", std::nullopt);  // voters unknown: coverage not checked
  spokesperson("S04", 10, "f", 1);

  FlagResult r = flags(*d, {});
  EXPECT_EQ(of(r, FlagCode::kVotersUncovered),
            (Subjects{{"S02", "2026-10-15"}, {"S03", "2026-10-15"}}));
  for (const Flag& f : r.flags) {
    if (f.code != FlagCode::kVotersUncovered) continue;
    EXPECT_EQ(f.count, f.subject == "S02" ? 1 : 500);
    EXPECT_EQ(f.total, f.subject == "S02" ? 1000 : 500);
  }
  EXPECT_EQ(of(r, FlagCode::kNoSpokespersons), (Subjects{{"S03", "2026-10-15"}}));
  EXPECT_EQ(of(r, FlagCode::kNoWomenSpokespersons), (Subjects{{"S02", "2026-10-15"}}));
  EXPECT_EQ(of(r, FlagCode::kNoPartyMemberSpokespersons), (Subjects{{"S02", "2026-10-15"}}));
}

TEST_F(FlagsTest, TextsInBothLanguages) {
  Flag f;
  f.code = FlagCode::kVotersUncovered;
  f.count = 300;
  f.total = 1000;
  EXPECT_EQ(flag_text(f, "zh"),
            "300 名选民没有代言员联系（全站选民 1000 名，代言员责任区合计 700 名）");
  EXPECT_EQ(flag_text(f, "en"),
            "300 voters covered by no spokesperson (1000 voters, responsibility areas total 700)");
  f = Flag{};
  f.code = FlagCode::kNoDeputyReport;
  f.subject = "D1";
  f.name = "王芳";
  f.period = "2022-01-01/2026-12-31";
  EXPECT_EQ(flag_text(f, "zh"), "代表王芳（D1）在本届（2022-01-01/2026-12-31）尚未向选民报告履职");
  EXPECT_EQ(flag_text(f, "en"),
            "deputy 王芳 (D1) has not reported to voters in the term 2022-01-01/2026-12-31");
  EXPECT_STREQ(flag_code_name(FlagCode::kNoPartyMemberSpokespersons),
               "no_party_member_spokespersons");
}

TEST_F(FlagsTest, AStationAndTheDistrictRaiseTheSameFlags) {
  test::TestReplica& d = district();
  test::insert_row(
      *d, "station",
      {{"name", std::string("运河湾")}, {"voters", int64_t{800}}, {"created_at", d->now_iso()}},
      "S01");
  test::insert_row(*d, "deputy",
                   {{"name", std::string("李明")},
                    {"level", std::string("district")},
                    {"station_id", std::string("S01")},
                    {"created_at", d->now_iso()}},
                   "D1");
  test::TestReplica& s = station();
  ASSERT_OK(test::exchange(*d, *s));
  test::OpinionSpec old;
  old.at = "2026-08-01T09:00:00+08:00";
  ASSERT_OK(test::add_opinion(*s, old));
  test::insert_row(*s, "spokesperson",
                   {{"station_id", std::string("S01")},
                    {"name", std::string("赵")},
                    {"voters", int64_t{500}},
                    {"gender", std::string("m")},
                    {"created_at", s->now_iso()}});
  test::add_reception(*s, "S01", "2026-08-20");
  ASSERT_OK(test::exchange(*s, *d));

  auto key = [](const FlagResult& r) {
    std::vector<std::tuple<std::string, std::string, std::string, std::string>> out;
    for (const Flag& f : r.flags)
      if (f.station == "S01")
        out.emplace_back(flag_code_name(f.code), f.subject, f.period, flag_text(f, "zh"));
    return out;
  };
  for (const char* month : {"2026-08", "2026-09"}) {
    FlagResult here = month_flags(*s, month, "S01");
    FlagResult there = month_flags(*d, month, "");
    EXPECT_EQ(key(here), key(there)) << month;
    EXPECT_GE(here.flags.size(), 5u) << month;  // overdue, deputy, coverage, women, party
  }
}

TEST(ReportPeriodTest, MonthsAndQuarters) {
  EXPECT_EQ(month_name(parse_month("2026-09").value()), "2026-09");
  for (const char* bad : {"2026-13", "2026-00", "2026-9", "26-09", "2026/09", "2026-09-01", "",
                          "abcd-ef", "0999-01", "２０２６-09"})
    EXPECT_CODE(parse_month(bad), Code::kInvalidArgument) << bad;
  Month feb = parse_month("2028-02").value();
  EXPECT_EQ(last_day(feb), "2028-02-29");
  EXPECT_EQ(last_day(parse_month("2026-02").value()), "2026-02-28");
  EXPECT_EQ(month_name(next_month(parse_month("2026-12").value())), "2027-01");
  EXPECT_EQ(month_name(previous_month(parse_month("2026-01").value())), "2025-12");
  EXPECT_EQ(quarter_name(parse_month("2026-09").value()), "2026-Q3");
  EXPECT_EQ(first_day(next_quarter(parse_month("2026-11").value())), "2027-01-01");
  EXPECT_EQ(first_day(quarter_start(parse_month("2026-06").value())), "2026-04-01");
}

}  // namespace
}  // namespace liaison::app
