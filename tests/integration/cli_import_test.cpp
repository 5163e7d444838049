// liaison opinion import --csv: the sample file, RFC 4180 quoting, and all rows or none.
#include "tests/integration/cli_fixture.h"

namespace liaison::test {
namespace {

using nlohmann::json;

TEST_F(CliTest, ImportsTheSampleFile) {
  if (!std::filesystem::exists(LIAISON_SAMPLE_CSV)) GTEST_SKIP() << LIAISON_SAMPLE_CSV << " is absent";
  init_station("a.db");
  json r = liaison_json("a.db", {"opinion", "import", "--csv", LIAISON_SAMPLE_CSV});
  EXPECT_EQ(r, json({{"imported", 40}}));
  json list = liaison_json("a.db", {"opinion", "list"});
  ASSERT_EQ(list.size(), 40u);
  for (const json& o : list) {
    EXPECT_EQ(o.at("station"), "S1");
    EXPECT_FALSE(o.at("matter").get<std::string>().empty());
  }
  // The same file again would record every opinion twice: refused, naming the first import.
  RunResult twice = liaison({"--db", "a.db", "opinion", "import", "--csv", LIAISON_SAMPLE_CSV});
  expect_one_error_line(twice);
  EXPECT_NE(twice.err.find("sample-opinions.csv"), std::string::npos) << twice.err;
  EXPECT_EQ(liaison_json("a.db", {"opinion", "list"}).size(), 40u);
  // Unless asked for on purpose.
  RunResult human =
      liaison({"--db", "a.db", "opinion", "import", "--csv", LIAISON_SAMPLE_CSV, "--again"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("40"), std::string::npos);
  EXPECT_EQ(liaison_json("a.db", {"opinion", "list"}).size(), 80u);
}

TEST_F(CliTest, ImportHonoursQuotingBomAndHeaderOrder) {
  init_station("a.db");
  std::string matter = "第一行，有逗号\n第二行有\"引号\"";
  write_file("q.csv",
             "\xEF\xBB\xBF" "at,matter,voter,source\r\n"
             "2026-05-06T18:40:00+08:00,\"第一行，有逗号\n第二行有\"\"引号\"\"\",刘桂兰,mailbox\r\n"
             "\r\n"
             "2026-05-07,\"plain, with comma\",\"赵, 宝林\",\r\n");
  json r = liaison_json("a.db", {"opinion", "import", "--csv", "q.csv"});
  EXPECT_EQ(r.at("imported"), 2);
  json list = liaison_json("a.db", {"opinion", "list"});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("matter"), "plain, with comma");
  EXPECT_EQ(list[0].at("voter"), "赵, 宝林");
  EXPECT_EQ(list[0].at("source"), "reception");
  EXPECT_EQ(list[0].at("at"), "2026-05-07");
  EXPECT_EQ(list[1].at("matter"), matter);
  EXPECT_EQ(list[1].at("source"), "mailbox");
  EXPECT_TRUE(list[1].at("phone").is_null());
}

TEST_F(CliTest, OneBadRowImportsNothingAndNamesItsLine) {
  init_station("a.db");
  add_opinion("a.db", {"--voter", "甲", "--matter", "已有的一条"});
  std::string before = digest("a.db");
  write_file("bad.csv",
             "voter,phone,place,matter,category,source,at\n"
             "李素梅,13800000001,梨园镇,\"老年餐桌\",养老服务,visit,2026-09-21\n"
             "郑红梅,13800000002,潞邑街道,\"药品\n种类少\",医疗卫生,reception,2026-09-12\n"
             "王海燕,not-a-phone,永顺镇,散煤,生态环境,reception,2026-07-20\n");
  RunResult r = liaison({"--db", "a.db", "opinion", "import", "--csv", "bad.csv"});
  expect_one_error_line(r);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.csv:5"), std::string::npos) << r.err;
  EXPECT_EQ(digest("a.db"), before);
  EXPECT_EQ(liaison_json("a.db", {"opinion", "list"}).size(), 1u);
}

TEST_F(CliTest, MalformedCsvFilesAreRefused) {
  init_station("a.db");
  std::string before = digest("a.db");
  struct Case {
    const char* file;
    const char* text;
    const char* where;
  };
  const Case cases[] = {
      {"header.csv", "voter,matter,colour\n甲,m,red\n", "header.csv:1"},
      {"missing.csv", "voter,place\n甲,梨园镇\n", "missing.csv:1"},
      {"fields.csv", "voter,matter\n甲,m\n乙,m,extra\n", "fields.csv:3"},
      {"quote.csv", "voter,matter\n甲,\"unterminated\n", "quote.csv:2"},
      {"stray.csv", "voter,matter\n甲,ab\"c\n", "stray.csv:2"},
      {"empty.csv", "", "empty.csv"},
      {"blank.csv", "voter,matter\n甲,   \n", "blank.csv:2"},
      {"date.csv", "voter,matter,at\n甲,m,2026-13-01\n", "date.csv:2"},
      {"source.csv", "voter,matter,source\n甲,m,wechat\n", "source.csv:2"},
      {"utf8.csv", "voter,matter\n\xff\xfe,m\n", "utf8.csv:2"},
  };
  for (const Case& c : cases) {
    write_file(c.file, c.text);
    RunResult r = liaison({"--db", "a.db", "opinion", "import", "--csv", c.file, "--lang", "en"});
    expect_one_error_line(r, "error: ");
    EXPECT_NE(r.err.find(c.where), std::string::npos) << c.file << ": " << r.err;
  }
  EXPECT_EQ(digest("a.db"), before);
}

}  // namespace
}  // namespace liaison::test
