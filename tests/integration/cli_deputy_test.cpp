// Deputies on both programs, run as the real binaries: the public profile the district keeps
// (deputy add | set | show), categories, the station's view of them after a sync, reports to
// voters on the station and at the district, home meetings, and the performance archive
// (activities by month, reports to voters, opinions taken at the receptions attended).
#include "tests/integration/duties_fixture.h"

namespace liaison::test {
namespace {

using nlohmann::json;

TEST_F(DutiesTest, TheDistrictKeepsThePublicProfileAndTheStationSeesIt) {
  json d1 = server_json("d.db", {"deputy", "show", "D1"});
  EXPECT_EQ(d1.at("gender"), "m");
  EXPECT_EQ(d1.at("term_start"), "2022-01-01");
  EXPECT_EQ(d1.at("term_end"), "2026-12-31");
  json set = server_json("d.db", {"deputy", "set", "D2", "--phone", "010-69540000", "--work-unit",
                                  "梨园镇人民政府", "--gender", "f", "--term-start", "2023-01-01"});
  EXPECT_EQ(set.at("phone"), "010-69540000");
  EXPECT_EQ(set.at("work_unit"), "梨园镇人民政府");
  EXPECT_EQ(set.at("term_start"), "2023-01-01");
  EXPECT_TRUE(set.at("term_end").is_null());

  expect_server_refused({"deputy", "set", "D9", "--phone", "13800000009"});
  expect_server_refused({"deputy", "set", "D2"});
  expect_server_refused({"deputy", "set", "D2", "--gender", "x"});
  expect_server_refused({"deputy", "set", "D2", "--phone", "call me"});
  expect_server_refused({"deputy", "set", "D1", "--term-end", "2021-12-31"});
  expect_server_refused({"deputy", "set", "D1", "--term-start", "2022-13-01"});
  expect_server_refused({"deputy", "add", "--id", "D3", "--name", "赵", "--level", "district",
                         "--station", "S1", "--term-start", "2026-01-01", "--term-end",
                         "2025-01-01"});

  server_json("d.db", {"category", "add", "--id", "C01", "--name", "城市管理"});
  json categories = server_json("d.db", {"category", "list"});
  ASSERT_EQ(categories.size(), 1u);
  EXPECT_EQ(categories[0].at("name"), "城市管理");
  expect_server_refused({"category", "add", "--id", "C01", "--name", "交通出行"});
  expect_server_refused({"category", "add", "--id", "C02", "--name", " "});
  expect_refused("a.db", {"deputy", "set", "D1", "--phone", "13800000009"});

  down("a.db");
  json deputies = liaison_json("a.db", {"deputy", "list"});
  ASSERT_EQ(deputies.size(), 2u);
  EXPECT_EQ(deputies[1].at("id"), "D2");
  EXPECT_EQ(deputies[1].at("phone"), "010-69540000");
  EXPECT_EQ(deputies[1].at("work_unit"), "梨园镇人民政府");
  RunResult text = liaison({"--db", "a.db", "deputy", "list"});
  for (const char* t : {"王建国", "13800000001", "梨园镇人民政府", "市人大代表"})
    EXPECT_NE(text.out.find(t), std::string::npos) << t << "\n" << text.out;
  EXPECT_EQ(liaison_json("a.db", {"category", "list"}).size(), 1u);
  expect_refused("a.db", {"deputy", "show", "D9"});
}

TEST_F(DutiesTest, ReportsToVotersOnTheStationAndAtTheDistrict) {
  std::string r1 = new_id("a.db", {"deputy", "report", "add", "--deputy", "D1", "--date",
                                   "2026-05-01", "--form", "meeting", "--note", "年度履职报告会"});
  ASSERT_FALSE(r1.empty());
  json on_station = liaison_json("a.db", {"deputy", "report", "list", "--deputy", "D1"});
  ASSERT_EQ(on_station.size(), 1u);
  EXPECT_EQ(on_station[0], json({{"id", r1},
                                 {"deputy", "D1"},
                                 {"station", "S1"},
                                 {"reported_on", "2026-05-01"},
                                 {"form", "meeting"},
                                 {"note", "年度履职报告会"}}));
  RunResult text = liaison({"--db", "a.db", "deputy", "report", "list"});
  EXPECT_NE(text.out.find("选民会议述职"), std::string::npos) << text.out;

  RunResult at_district = server({"--db", "d.db", "--json", "deputy", "report", "add", "--deputy",
                                  "D2", "--date", "2026-06-01", "--form", "written"});
  ASSERT_EQ(at_district.exit_code, 0) << at_district.err;
  json city = server_json("d.db", {"deputy", "report", "list", "--deputy", "D2"});
  ASSERT_EQ(city.size(), 1u);
  EXPECT_TRUE(city[0].at("station").is_null());  // a city deputy's report is the district's
  server_json("d.db", {"deputy", "report", "add", "--deputy", "D1", "--date", "2026-06-02"});
  json d1 = server_json("d.db", {"deputy", "report", "list", "--deputy", "D1"});
  ASSERT_EQ(d1.size(), 1u);
  EXPECT_EQ(d1[0].at("station"), "S1");
  EXPECT_TRUE(d1[0].at("form").is_null());

  up("a.db");
  EXPECT_EQ(server_json("d.db", {"deputy", "report", "list", "--deputy", "D1"}).size(), 2u);

  for (const auto& bad : std::vector<std::vector<std::string>>{
           {"deputy", "report", "add", "--deputy", "D9", "--date", "2026-05-01"},
           {"deputy", "report", "add", "--deputy", "D1", "--date", "2026-05-32"},
           {"deputy", "report", "add", "--deputy", "D1", "--date", "2026-05-01", "--form", "talk"},
           {"deputy", "report", "list", "--deputy", "D9"},
           {"deputy", "archive", "D9"},
           {"deputy", "archive", ""}}) {
    expect_refused("a.db", bad);
    expect_server_refused(bad);
  }
}

TEST_F(DutiesTest, HomeMeetingsAreRecordedAtTheDistrict) {
  json planned = server_json("d.db", {"meeting", "plan", "--home", "H1", "--date", "2026-03-20",
                                      "--place", "梨园镇代表之家", "--topic", "学习代表法"});
  std::string id = planned.at("id");
  json held = server_json("d.db", {"meeting", "held", id, "--date", "2026-03-21", "--deputy",
                                   "D2", "--deputy", "D1"});
  EXPECT_EQ(held.at("kind"), "home_meeting");
  EXPECT_EQ(held.at("home"), "H1");
  EXPECT_TRUE(held.at("station").is_null());
  EXPECT_EQ(held.at("deputies_present"), 2);
  EXPECT_EQ(server_json("d.db", {"meeting", "list", "--home", "H1"}).size(), 1u);
  EXPECT_TRUE(server_json("d.db", {"meeting", "list", "--home", "H2"}).empty());
  RunResult text = server({"--db", "d.db", "meeting", "show", id});
  EXPECT_NE(text.out.find("代表之家活动"), std::string::npos) << text.out;
  expect_server_refused({"meeting", "plan", "--home", "H9", "--date", "2026-03-20", "--place",
                         "代表之家", "--topic", "议题"});
  expect_server_refused({"meeting", "add", "--home", "H1", "--date", "2026-03-20", "--place",
                         "代表之家", "--topic", "议题", "--deputy", "D9"});
  // Home meetings stay at the district: the station has no such rows, and no such command.
  down("a.db");
  expect_refused("a.db", {"reception", "show", id});
  RunResult none = liaison({"--db", "a.db", "meeting", "list"});
  EXPECT_NE(none.exit_code, 0);
}

TEST_F(DutiesTest, TheArchiveShowsTheLedgerReportsAndOpinionsTaken) {
  std::string o1 = add_opinion("a.db", {"--voter", "李素梅", "--phone", "13800000011", "--matter",
                                        "希望建一个老年餐桌", "--category", "养老服务"});
  std::string o2 = add_opinion("a.db", {"--voter", "吴春生", "--matter", "村口道路坑洼不平"});
  auto reception = [&](const std::string& date, std::vector<std::string> extra) {
    std::vector<std::string> args = {"reception", "add", "--date", date, "--place", "村委会",
                                     "--topic", "接待选民"};
    args.insert(args.end(), extra.begin(), extra.end());
    return new_id("a.db", args);
  };
  std::string march1 = reception("2026-03-05", {"--deputy", "D1", "--opinion", o1});
  std::string march2 = reception("2026-03-25", {"--deputy", "D1", "--deputy", "D2"});
  std::string april = reception("2026-04-15", {"--deputy", "D1", "--opinion", o2});
  reception("2026-05-15", {"--deputy", "D2"});                     // without D1
  std::string cancelled = reception("2026-06-15", {"--deputy", "D1"});
  liaison_json("a.db", {"reception", "void", cancelled, "--reason", "录入重复"});
  new_id("a.db", {"reception", "plan", "--date", "2026-07-15", "--place", "村委会", "--topic",
                  "预告"});
  new_id("a.db", {"deputy", "report", "add", "--deputy", "D1", "--date", "2026-05-01"});
  new_id("a.db", {"deputy", "report", "add", "--deputy", "D1", "--date", "2021-05-01"});

  json a = liaison_json("a.db", {"deputy", "archive", "D1"});
  EXPECT_EQ(a.at("deputy").at("id"), "D1");
  ASSERT_EQ(a.at("activities").size(), 3u);
  EXPECT_EQ(a.at("activities")[0].at("id"), march1);
  EXPECT_EQ(a.at("activities")[1].at("id"), march2);
  EXPECT_EQ(a.at("activities")[2].at("id"), april);
  EXPECT_EQ(a.at("by_month"), json::parse(R"([{"month":"2026-03","activities":2},
                                              {"month":"2026-04","activities":1}])"));
  ASSERT_EQ(a.at("reports").size(), 2u);
  EXPECT_EQ(a.at("reports_in_term"), 1);
  ASSERT_EQ(a.at("opinions").size(), 2u);
  EXPECT_EQ(a.at("opinions")[0], json({{"id", o1},
                                       {"activity", march1},
                                       {"at", a.at("opinions")[0].at("at")},
                                       {"status", "recorded"},
                                       {"category", "养老服务"},
                                       {"matter", "希望建一个老年餐桌"}}));
  EXPECT_EQ(a.at("opinions")[1].at("id"), o2);
  EXPECT_EQ(a.dump().find("13800000011"), std::string::npos);  // no voter's phone
  EXPECT_EQ(a.dump().find("李素梅"), std::string::npos);       // no voter's name

  json d2 = liaison_json("a.db", {"deputy", "archive", "D2"});
  EXPECT_EQ(d2.at("activities").size(), 2u);
  EXPECT_TRUE(d2.at("reports_in_term").is_null());  // no term recorded

  RunResult text = liaison({"--db", "a.db", "deputy", "archive", "D1"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* t : {"代表履职档案", "2026-03：2 次活动", "2026-04：1 次活动",
                        "本届任期内向选民报告履职 1 次", "老年餐桌"})
    EXPECT_NE(text.out.find(t), std::string::npos) << t << "\n" << text.out;
  RunResult en = liaison({"--db", "a.db", "--lang", "en", "deputy", "archive", "D1"});
  EXPECT_NE(en.out.find("2026-03: 2 activities"), std::string::npos) << en.out;

  // The district sees the same, plus what happened elsewhere: a home meeting D1 attended.
  up("a.db");
  server_json("d.db", {"meeting", "add", "--home", "H1", "--date", "2026-04-20", "--place",
                       "梨园镇代表之家", "--topic", "季度活动", "--deputy", "D1"});
  json at_district = server_json("d.db", {"deputy", "archive", "D1"});
  ASSERT_EQ(at_district.at("activities").size(), 4u);
  EXPECT_EQ(at_district.at("activities")[3].at("kind"), "home_meeting");
  EXPECT_EQ(at_district.at("by_month")[1].at("activities"), 2);
  EXPECT_EQ(at_district.at("opinions"), a.at("opinions"));
}

}  // namespace
}  // namespace liaison::test
