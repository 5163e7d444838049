// The commands behind the pages: `liaison-server user ...` (passwords on standard input only,
// never stored in clear), `report stats`, and the bad-input answers of `ui` and
// `serve --dashboard`.
#include <gtest/gtest.h>

#include "shared/storage/db.h"
#include "tests/integration/cli_fixture.h"

namespace liaison::test {
namespace {

class WebCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    ASSERT_EQ(server({"--db", "d.db", "init"}).exit_code, 0);
  }
  RunResult user(std::vector<std::string> args, const std::string& password) {
    write_file("pw", password);
    args.insert(args.begin(), {LIAISON_SERVER_BIN, "--db", "d.db", "user"});
    return run(args, dir_.path(), {}, std::chrono::seconds(60), path("pw"));
  }
};

TEST_F(WebCliTest, UsersAreAddedListedReSetAndRemoved) {
  RunResult add = user({"add", "wang", "--json"}, "first-password\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(nlohmann::json::parse(add.out)["user"], "wang");
  auto list = server_json("d.db", {"user", "list"});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["user"], "wang");
  EXPECT_EQ(list[0]["failed"], 0);
  // Neither the password nor anything it could be read back from is in the file as text.
  std::string bytes;
  {
    std::ifstream f(path("d.db"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  EXPECT_EQ(bytes.find("first-password"), std::string::npos);

  expect_one_error_line(user({"add", "wang"}, "another-password\n"));  // taken
  EXPECT_EQ(user({"passwd", "wang"}, "second-password\n").exit_code, 0);
  expect_one_error_line(user({"passwd", "nobody"}, "second-password\n"));
  EXPECT_EQ(user({"remove", "wang"}, "").exit_code, 0);
  EXPECT_TRUE(server_json("d.db", {"user", "list"}).empty());
  expect_one_error_line(user({"remove", "wang"}, ""));
}

TEST_F(WebCliTest, BadNamesAndPasswordsAreRefusedAndChangeNothing) {
  expect_one_error_line(user({"add", "wang"}, "short\n"));
  expect_one_error_line(user({"add", "wang"}, ""));
  expect_one_error_line(user({"add", "two words"}, "long-enough-password\n"));
  expect_one_error_line(user({"add", std::string(65, 'x')}, "long-enough-password\n"));
  EXPECT_TRUE(server_json("d.db", {"user", "list"}).empty());
}

TEST_F(WebCliTest, StatsCountOpinionsByStatusCategoryStationAndMonth) {
  init_station("s.db", "S1");
  add_opinion("s.db", {"--voter", "甲", "--matter", "路灯", "--at", "2026-10-03T09:00:00Z"});
  std::string b = add_opinion("s.db", {"--voter", "乙", "--matter", "水管", "--at",
                                       "2026-11-03T09:00:00Z"});
  std::string c = add_opinion("s.db", {"--voter", "丙", "--matter", "作废", "--at",
                                       "2026-11-04T09:00:00Z"});
  ASSERT_EQ(liaison({"--db", "s.db", "opinion", "step", b, "replied"}).exit_code, 0);
  ASSERT_EQ(liaison({"--db", "s.db", "opinion", "void", c, "--reason", "重复"}).exit_code, 0);
  // The station's replica holds the same tables: the command reads any replica.
  RunResult r = server({"--db", "s.db", "report", "stats", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["total"], 2);
  EXPECT_EQ(j["by_status"]["recorded"], 1);
  EXPECT_EQ(j["by_status"]["replied"], 1);
  EXPECT_EQ(j["by_status"]["void"], 1);
  EXPECT_EQ(j["by_station"]["S1"], 2);
  EXPECT_EQ(j["by_month"]["2026-10"], 1);
  EXPECT_EQ(j["by_month"]["2026-11"], 1);
  RunResult text = server({"--db", "s.db", "report", "stats"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("已答复"), std::string::npos) << text.out;
}

TEST_F(WebCliTest, BadListenAddressesAreOneLine) {
  init_station("s.db", "S1");
  expect_one_error_line(liaison({"--db", "s.db", "ui", "--listen", "nonsense"}));
  expect_one_error_line(liaison({"--db", "missing.db", "ui"}));
  expect_one_error_line(
      server({"--db", "d.db", "serve", "--listen", "127.0.0.1:0", "--dashboard", "x:y"}));
  expect_one_error_line(server(
      {"--db", "d.db", "serve", "--listen", "127.0.0.1:0", "--dashboard-port-file", "p"}));
}

}  // namespace
}  // namespace liaison::test
