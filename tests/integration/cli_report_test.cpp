// liaison report month and liaison-server report overview | month, run as the real binaries:
// the numbers in JSON and text, the public edition as CSV and xlsx (no voter name or phone
// anywhere), and bad input. The programs run in the stations' zone (TZ=CST-8, UTC+8) so that
// month edges do not depend on the machine; opinions are dated 2020, overdue whatever today is.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "shared/app/csv.h"
#include "tests/integration/cli_fixture.h"

namespace liaison::test {
namespace {

using nlohmann::json;

const std::map<std::string, std::string> kZone = {{"TZ", "CST-8"}};

std::string file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}
const char* const kNames[] = {"韩玉兰", "孙永刚", "李素梅"};
const char* const kPhones[] = {"13800000010", "13800000020", "13800000001"};

class ReportCliTest : public CliTest {
 protected:
  // Station S1: September 2020 holds a (recorded) and b (replied) on its first and last
  // second; c is August's last second, d October's first; e is recorded now.
  void SetUp() override {
    CliTest::SetUp();
    init_station("s.db", "S1");
    a_ = add_opinion("s.db", {"--voter", kNames[0], "--phone", kPhones[0], "--matter",
                              "学校放学时间早，希望开展课后托管服务。", "--category", "教育",
                              "--source", "visit", "--at", "2020-09-01T00:00:00+08:00"});
    b_ = add_opinion("s.db", {"--voter", kNames[1], "--phone", kPhones[1], "--matter",
                              "灌溉用的机井坏了，希望尽快维修。", "--category", "农业农村",
                              "--source", "reception", "--at", "2020-09-30T23:59:59+08:00"});
    for (const char* step : {"explained", "replied"})
      ASSERT_EQ(liaison({"--db", "s.db", "opinion", "step", b_, step}).exit_code, 0);
    c_ = add_opinion("s.db",
                     {"--voter", kNames[2], "--phone", kPhones[2], "--matter",
                      "村里独居老人多，希望建老年餐桌。", "--at", "2020-08-31T23:59:59+08:00"});
    d_ = add_opinion("s.db", {"--voter", kNames[2], "--matter", "路灯坏了。", "--at",
                              "2020-10-01T00:00:00+08:00"});
    e_ = add_opinion("s.db", {"--voter", kNames[2], "--matter", "公交班次太少。"});
  }

  RunResult station(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", "s.db"});
    return liaison(args, kZone);
  }
  RunResult district(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", "d.db"});
    return server(args, kZone);
  }
  static json parsed(const RunResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  static bool has_personal_data(const std::string& text) {
    for (const char* s : kNames)
      if (text.find(s) != std::string::npos) return true;
    for (const char* s : kPhones)
      if (text.find(s) != std::string::npos) return true;
    return false;
  }
  static std::set<std::string> codes(const json& flags) {
    std::set<std::string> out;
    for (const json& f : flags)
      out.insert(f.at("code").get<std::string>() + "@" + f.at("period").get<std::string>());
    return out;
  }

  // The district with stations S1 (1000 voters) and S2, home H1 and deputy D1 at S1, holding
  // everything station S1 recorded.
  void make_district() {
    ASSERT_EQ(server({"--db", "d.db", "init"}).exit_code, 0);
    for (std::vector<std::string> args :
         {std::vector<std::string>{"home", "add", "--id", "H1", "--name", "梨园"},
          {"station", "add", "--id", "S1", "--name", "运河湾", "--home", "H1", "--voters", "1000"},
          {"station", "add", "--id", "S2", "--name", "大稿村", "--home", "H1"},
          {"deputy", "add", "--id", "D1", "--name", "王芳", "--level", "district", "--station",
           "S1"}}) {
      RunResult r = district(args);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    ASSERT_EQ(station({"changes", "export", "--out", "s.cs"}).exit_code, 0);
    RunResult r = district({"changes", "import", "s.cs"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::string a_, b_, c_, d_, e_;
};

TEST_F(ReportCliTest, MonthReportJson) {
  json r = parsed(station({"report", "month", "--month", "2020-09", "--json"}));
  EXPECT_EQ(r.at("kind"), "month");
  EXPECT_EQ(r.at("station"), "S1");
  EXPECT_EQ(r.at("month"), "2020-09");
  EXPECT_EQ(r.at("overdue_days"), 30);
  EXPECT_EQ(r.at("opinions").at("total"), 2);
  EXPECT_EQ(r.at("opinions").at("by_status").at("recorded"), 1);
  EXPECT_EQ(r.at("opinions").at("by_status").at("replied"), 1);
  EXPECT_EQ(r.at("opinions").at("by_source"),
            json::parse(R"([{"source":"reception","count":1},{"source":"visit","count":1}])"));
  std::set<std::string> overdue;
  for (const json& o : r.at("overdue")) overdue.insert(o.at("id"));
  EXPECT_EQ(overdue, (std::set<std::string>{a_, c_, d_}));
  EXPECT_EQ(r.at("overdue_count"), 3);
  EXPECT_TRUE(r.at("receptions").empty());
  std::set<std::string> flags = codes(r.at("flags"));
  EXPECT_TRUE(flags.count("no_reception@2020-09")) << r.at("flags").dump();
  EXPECT_TRUE(flags.count("no_spokespersons@" + r.at("today").get<std::string>()));
  for (const json& f : r.at("flags")) {
    if (f.at("code") == "overdue_opinions") {
      EXPECT_EQ(f.at("count"), 3);
    }
  }

  json later = parsed(
      station({"report", "month", "--month", "2020-10", "--overdue-days", "100000", "--json"}));
  EXPECT_EQ(later.at("opinions").at("total"), 1);  // d, at October's first second
  EXPECT_EQ(later.at("overdue_days"), 100000);
  EXPECT_TRUE(later.at("overdue").empty());
}

TEST_F(ReportCliTest, MonthReportTextInChineseAndEnglish) {
  RunResult zh = station({"report", "month", "--month", "2020-09"});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  EXPECT_NE(zh.out.find("联络站 S1 月度报表（2020-09）"), std::string::npos) << zh.out;
  EXPECT_NE(zh.out.find("【按办理状态】"), std::string::npos);
  EXPECT_NE(zh.out.find("2020-09 没有举行接待选民日"), std::string::npos);
  EXPECT_NE(zh.out.find(kNames[0]), std::string::npos);
  EXPECT_TRUE(zh.err.empty());

  RunResult en = station({"report", "month", "--month", "2020-09", "--lang", "en"});
  ASSERT_EQ(en.exit_code, 0) << en.err;
  EXPECT_NE(en.out.find("Station S1 report for 2020-09"), std::string::npos) << en.out;
  EXPECT_NE(en.out.find("== Overdue opinions =="), std::string::npos);
  EXPECT_NE(en.out.find("no reception day held in 2020-09"), std::string::npos);

  RunResult pub = station({"report", "month", "--month", "2020-09", "--public"});
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  EXPECT_FALSE(has_personal_data(pub.out)) << pub.out;
  EXPECT_NE(pub.out.find("学校放学时间早"), std::string::npos);
}

TEST_F(ReportCliTest, PublicCsvHasNoNameOrPhone) {
  RunResult wrote = station({"report", "month", "--month", "2020-09", "--format", "csv", "--out",
                             "public.csv", "--public"});
  ASSERT_EQ(wrote.exit_code, 0) << wrote.err;
  EXPECT_NE(wrote.out.find("已将报表写入 public.csv"), std::string::npos) << wrote.out;
  std::string csv = file_bytes(path("public.csv"));
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u) << "no byte order mark";
  EXPECT_FALSE(has_personal_data(csv)) << csv;
  auto records = app::parse_csv(csv, "public.csv");
  ASSERT_TRUE(records) << records.status().message();
  bool overdue_section = false, header_checked = false;
  size_t matters = 0;
  for (const app::CsvRecord& rec : records.value()) {
    if (rec.fields.size() == 1 && rec.fields[0] == "逾期未答复的意见建议")
      overdue_section = true;
    else if (overdue_section && !header_checked) {
      header_checked = true;
      EXPECT_EQ(rec.fields, (std::vector<std::string>{"编号", "时间", "状态", "类别", "地点",
                                                      "反映事由（原话）"}));
    } else if (overdue_section) {
      ++matters;
    }
  }
  EXPECT_TRUE(header_checked);
  EXPECT_EQ(matters, 3u);

  ASSERT_EQ(
      station({"report", "month", "--month", "2020-09", "--format", "csv", "--out", "internal.csv"})
          .exit_code,
      0);
  EXPECT_TRUE(has_personal_data(file_bytes(path("internal.csv"))));

  RunResult out = station({"report", "month", "--month", "2020-09", "--format", "csv", "--public"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(out.out.rfind("联络站 S1 月度报表（2020-09）\r\n", 0), 0u) << out.out;
  EXPECT_FALSE(has_personal_data(out.out));
}

TEST_F(ReportCliTest, PublicXlsxHasNoNameOrPhone) {
  RunResult wrote = station({"report", "month", "--month", "2020-09", "--format", "xlsx", "--out",
                             "public.xlsx", "--public"});
  ASSERT_EQ(wrote.exit_code, 0) << wrote.err;
  RunResult listing = run({"/bin/sh", "-c", "unzip -l public.xlsx"}, dir_.path());
  ASSERT_EQ(listing.exit_code, 0) << "not a zip (or no unzip program): " << listing.err;
  EXPECT_NE(listing.out.find("xl/worksheets/sheet1.xml"), std::string::npos) << listing.out;
  EXPECT_NE(listing.out.find("xl/worksheets/sheet7.xml"), std::string::npos) << listing.out;
  RunResult content = run({"/bin/sh", "-c", "unzip -p public.xlsx"}, dir_.path());
  ASSERT_EQ(content.exit_code, 0) << content.err;
  EXPECT_FALSE(has_personal_data(content.out));
  EXPECT_NE(content.out.find("学校放学时间早"), std::string::npos);
  EXPECT_NE(content.out.find("逾期未答复的意见建议"), std::string::npos);

  ASSERT_EQ(station({"report", "month", "--month", "2020-09", "--format", "xlsx", "--out",
                     "internal.xlsx"})
                .exit_code,
            0);
  RunResult internal = run({"/bin/sh", "-c", "unzip -p internal.xlsx"}, dir_.path());
  ASSERT_EQ(internal.exit_code, 0) << internal.err;
  EXPECT_TRUE(has_personal_data(internal.out));
}

TEST_F(ReportCliTest, BadInputIsOneLineAndChangesNothing) {
  std::string before = digest("s.db");
  const std::vector<std::vector<std::string>> bad = {
      {"--month", "2020-13"},
      {"--month", "2020-9"},
      {"--month", "九月"},
      {"--month", "2020-09-01"},
      {},
      {"--month", "2020-09", "--format", "pdf"},
      {"--month", "2020-09", "--format", "xlsx"},
      {"--month", "2020-09", "--format", "csv", "--json"},
      {"--month", "2020-09", "--overdue-days", "thirty"},
      {"--month", "2020-09", "--out", "no-such-dir/r.txt"},
  };
  for (const auto& extra : bad) {
    for (const char* lang : {"zh", "en"}) {
      std::vector<std::string> args = {"report", "month", "--lang", lang};
      args.insert(args.end(), extra.begin(), extra.end());
      RunResult r = station(args);
      expect_one_error_line(r, std::string(lang) == "zh" ? "错误：" : "error: ");
    }
  }
  RunResult month = station({"report", "month", "--month", "2020-13"});
  EXPECT_EQ(month.exit_code, 2);
  EXPECT_NE(month.err.find("月份格式应为 YYYY-MM"), std::string::npos) << month.err;
  EXPECT_NE(month.err.find("2020-13"), std::string::npos) << month.err;
  EXPECT_EQ(station({"report", "month", "--month", "2020-09", "--format", "xlsx"}).exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(path("no-such-dir")));
  EXPECT_EQ(digest("s.db"), before);

  init_station("p.db", "S1", {"--spokesperson", "P7"});
  RunResult device = liaison({"--db", "p.db", "report", "month", "--month", "2020-09"}, kZone);
  expect_one_error_line(device);
}

TEST_F(ReportCliTest, DistrictOverviewAndMonth) {
  make_district();
  json o = parsed(district({"report", "overview", "--json"}));
  EXPECT_EQ(o.at("kind"), "overview");
  ASSERT_EQ(o.at("stations").size(), 2u);
  const json& s1 = o.at("stations").at(0);
  EXPECT_EQ(s1.at("station"), "S1");
  EXPECT_EQ(s1.at("name"), "运河湾");
  EXPECT_EQ(s1.at("last_sync"), nullptr);  // never synced: its changes came by file
  EXPECT_EQ(s1.at("opinions").at("total"), 5);
  EXPECT_EQ(s1.at("opinions").at("by_status").at("replied"), 1);
  EXPECT_EQ(s1.at("overdue_count"), 3);
  std::string today = o.at("today");
  std::set<std::string> f1 = codes(s1.at("flags"));
  for (std::string code :
       {"overdue_opinions@" + today, "no_spokespersons@" + today, "voters_uncovered@" + today})
    EXPECT_TRUE(f1.count(code)) << code << " in " << s1.at("flags").dump();
  bool deputy_flag = false;
  for (const json& f : s1.at("flags")) deputy_flag |= f.at("subject") == "D1";
  EXPECT_TRUE(deputy_flag);
  EXPECT_EQ(o.at("stations").at(1).at("opinions").at("total"), 0);
  // The home was registered today: no past quarter is held against it.
  EXPECT_TRUE(o.at("home_flags").empty()) << o.at("home_flags").dump();
  EXPECT_EQ(o.at("total").at("overdue_count"), 3);

  RunResult text = district({"report", "overview"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("全区代表联络站概况"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("代表王芳（D1）在本届"), std::string::npos) << text.out;

  json m = parsed(district({"report", "month", "--month", "2020-09", "--json"}));
  EXPECT_EQ(m.at("total").at("opinions").at("total"), 2);
  EXPECT_EQ(m.at("total").at("receptions_count"), 0);
  EXPECT_EQ(m.at("stations").at(0).at("opinions").at("total"), 2);
  EXPECT_EQ(m.at("stations").at(0).at("overdue").size(), 3u);
  EXPECT_EQ(m.at("stations").at(1).at("opinions").at("total"), 0);
  // S2 was registered today, long after September 2020, and has no records from then: no
  // reception is missing for it. S1 was registered today too, but its opinions of that month
  // show it was at work.
  EXPECT_FALSE(codes(m.at("stations").at(1).at("flags")).count("no_reception@2020-09"));
  EXPECT_TRUE(codes(m.at("stations").at(0).at("flags")).count("no_reception@2020-09"));

  ASSERT_EQ(district({"report", "month", "--month", "2020-09", "--format", "csv", "--out", "d.csv",
                      "--public"})
                .exit_code,
            0);
  std::string csv = file_bytes(path("d.csv"));
  EXPECT_NE(csv.find("学校放学时间早"), std::string::npos);  // a, in the overdue list
  EXPECT_FALSE(has_personal_data(csv)) << csv;

  json both =
      parsed(district({"report", "overview", "--json", "--format", "xlsx", "--out", "o.xlsx"}));
  EXPECT_EQ(both.at("kind"), "overview");
  RunResult listing = run({"/bin/sh", "-c", "unzip -l o.xlsx"}, dir_.path());
  EXPECT_EQ(listing.exit_code, 0) << listing.err;

  std::string before = digest("d.db");
  expect_one_error_line(district({"report", "month", "--month", "2020-00"}));
  expect_one_error_line(district({"report", "overview", "--format", "xlsx"}));
  expect_one_error_line(district({"report", "overview", "--overdue-days", "1e3"}));
  EXPECT_EQ(digest("d.db"), before);
}

}  // namespace
}  // namespace liaison::test
