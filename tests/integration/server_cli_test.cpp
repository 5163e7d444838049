// liaison-server: init, reference data (homes, stations, deputies) and the consolidated list.
#include "tests/integration/cli_fixture.h"

#include "shared/util/uuid.h"

namespace liaison::test {
namespace {

using nlohmann::json;

TEST_F(CliTest, ServerInitCreatesTheDistrictReplicaOnce) {
  json created = server_json("d.db", {"init"});
  EXPECT_TRUE(is_uuid_text(created.at("replica").get<std::string>()));
  EXPECT_EQ(created.at("role"), "district");
  expect_one_error_line(server({"--db", "d.db", "init"}));
  ASSERT_EQ(server({"init"}).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(path("district.db")));
  ASSERT_EQ(server({"init"}, {{"LIAISON_SERVER_DB", path("env.db")}}).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(path("env.db")));
}

TEST_F(CliTest, ServerKeepsReferenceData) {
  server_json("d.db", {"init"});
  json home = server_json("d.db", {"home", "add", "--id", "H1", "--name", "梨园镇代表之家",
                                   "--township", "梨园镇"});
  EXPECT_EQ(home.at("id"), "H1");
  EXPECT_EQ(home.at("township"), "梨园镇");
  json station = server_json("d.db", {"station", "add", "--id", "S1", "--name", "大稿村联络站",
                                      "--home", "H1", "--voters", "1200", "--kind", "village"});
  EXPECT_EQ(station.at("home"), "H1");
  EXPECT_EQ(station.at("voters"), 1200);
  EXPECT_EQ(station.at("kind"), "village");
  json city = server_json("d.db", {"deputy", "add", "--id", "D1", "--name", "王代表", "--level",
                                   "city", "--home", "H1", "--work-unit", "某公司"});
  EXPECT_EQ(city.at("home"), "H1");
  EXPECT_TRUE(city.at("station").is_null());
  json district = server_json("d.db", {"deputy", "add", "--id", "D2", "--name", "李代表",
                                       "--level", "district", "--station", "S1", "--phone",
                                       "13800000099"});
  EXPECT_EQ(district.at("station"), "S1");

  EXPECT_EQ(server_json("d.db", {"home", "list"}).size(), 1u);
  EXPECT_EQ(server_json("d.db", {"station", "list"}).size(), 1u);
  json deputies = server_json("d.db", {"deputy", "list"});
  ASSERT_EQ(deputies.size(), 2u);
  EXPECT_EQ(deputies[0].at("id"), "D1");

  RunResult human = server({"--db", "d.db", "deputy", "list"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("市人大代表"), std::string::npos) << human.out;
  RunResult english = server({"--db", "d.db", "station", "list", "--lang", "en"});
  EXPECT_NE(english.out.find("village"), std::string::npos) << english.out;
}

TEST_F(CliTest, ServerRefusesBadReferenceData) {
  server_json("d.db", {"init"});
  server_json("d.db", {"home", "add", "--id", "H1", "--name", "之家"});
  server_json("d.db", {"station", "add", "--id", "S1", "--name", "一站"});
  std::string before = digest("d.db");
  const std::vector<std::vector<std::string>> bad = {
      {"home", "add", "--id", "H1", "--name", "again"},
      {"home", "add", "--id", "has space", "--name", "x"},
      {"home", "add", "--id", "H2", "--name", " "},
      {"station", "add", "--id", "S2", "--name", "x", "--home", "H9"},
      {"station", "add", "--id", "S2", "--name", "x", "--voters", "many"},
      {"station", "add", "--id", "S2", "--name", "x", "--kind", "farm"},
      {"deputy", "add", "--id", "D1", "--name", "x", "--level", "city", "--station", "S1"},
      {"deputy", "add", "--id", "D1", "--name", "x", "--level", "district", "--home", "H1"},
      {"deputy", "add", "--id", "D1", "--name", "x", "--level", "township", "--station", "S9"},
      {"deputy", "add", "--id", "D1", "--name", "x", "--level", "province", "--home", "H1"},
      {"deputy", "add", "--id", "D1", "--name", "x", "--level", "city", "--home", "H1", "--phone", "p"},
  };
  for (std::vector<std::string> args : bad) {
    args.insert(args.begin(), {"--db", "d.db"});
    RunResult r = server(args);
    expect_one_error_line(r);
    EXPECT_EQ(r.exit_code, 2) << r.err;
  }
  EXPECT_EQ(digest("d.db"), before);
}

TEST_F(CliTest, OnlyTheDistrictWritesReferenceData) {
  init_station("a.db");
  std::string before = digest("a.db");
  RunResult r = server({"--db", "a.db", "home", "add", "--id", "H1", "--name", "之家"});
  expect_one_error_line(r);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(digest("a.db"), before);
}

TEST_F(CliTest, ServerCompactsTheChangeLog) {
  server_json("d.db", {"init"});
  server_json("d.db", {"station", "add", "--id", "S1", "--name", "大稿村联络站"});
  server_json("d.db", {"station", "add", "--id", "S2", "--name", "西营村联络站"});
  json first = server_json("d.db", {"compact"});
  EXPECT_EQ(first.at("removed"), 2);
  EXPECT_EQ(first.at("kept"), 0);
  EXPECT_EQ(first.at("devices"), 0);
  json again = server_json("d.db", {"compact"});
  EXPECT_EQ(again.at("removed"), 0);
  EXPECT_EQ(server_json("d.db", {"station", "list"}).size(), 2u) << "rows are never removed";
  RunResult human = server({"--db", "d.db", "compact"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("已压缩变更日志"), std::string::npos) << human.out;
}

}  // namespace
}  // namespace liaison::test
