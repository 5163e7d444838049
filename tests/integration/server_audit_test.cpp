// liaison-server audit: the district's audit log read back after a sync bundle import (which is
// audited as a session would be, with the address "bundle:<file>"), in Chinese, English and
// JSON, with its filters; and bad input that gets one error line.
#include "tests/integration/cli_fixture.h"

namespace liaison::test {
namespace {

using nlohmann::json;

class AuditCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    server_json("d.db", {"init"});
    server_json("d.db", {"station", "add", "--id", "S1", "--name", "大稿村联络站"});
    json added = server_json("d.db", {"device", "add", "--station", "S1"});
    token_ = added.value("token", "");
    device_ = added.value("device", "");
    init_station("a.db", "S1", {"--token", token_});
    add_opinion("a.db", {"--voter", "李素梅", "--matter", "希望建老年餐桌"});
    add_opinion("a.db", {"--voter", "王建国", "--matter", "村口路灯不亮"});
    RunResult e = liaison({"--db", "a.db", "bundle", "export", "--out", "up.lsb"});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    RunResult i = server({"--db", "d.db", "bundle", "import", "up.lsb", "--answer", "down.lsb"});
    ASSERT_EQ(i.exit_code, 0) << i.err;
  }

  std::string token_, device_;
};

TEST_F(AuditCliTest, JsonListsTheBundleSessionNewestFirst) {
  json log = server_json("d.db", {"audit"});
  ASSERT_TRUE(log.is_array()) << log;
  std::vector<std::string> events;
  for (const json& e : log) {
    events.push_back(e.at("event").get<std::string>());
    EXPECT_EQ(e.at("device"), device_) << e;
    EXPECT_EQ(e.at("address"), "bundle:up.lsb") << e;
  }
  // Newest first: the session ended, the pull, the push, the session began.
  EXPECT_EQ(events, (std::vector<std::string>{"end", "pull", "push", "session"})) << log;
  const json& push = log[2];
  EXPECT_EQ(push.at("count"), 2);
  EXPECT_EQ(push.at("refused"), 0);
  EXPECT_GT(push.at("seq_to").get<int64_t>(), push.at("seq_from").get<int64_t>());
  EXPECT_TRUE(push.at("origin").is_string());
  EXPECT_NE(push.at("ranges").get<std::string>().find(push.at("origin").get<std::string>()),
            std::string::npos);
  EXPECT_TRUE(log[3].at("skew_ms").is_number());

  EXPECT_EQ(server_json("d.db", {"audit", "--event", "push"}).size(), 1u);
  EXPECT_EQ(server_json("d.db", {"audit", "--limit", "2"}).size(), 2u);
  EXPECT_EQ(server_json("d.db", {"audit", "--device", device_}).size(), 4u);
  EXPECT_EQ(server_json("d.db", {"audit", "--device", "nobody"}).size(), 0u);
  EXPECT_EQ(server_json("d.db", {"audit", "--since", "2000-01-01T00:00:00+08:00"}).size(), 4u);
  EXPECT_EQ(server_json("d.db", {"audit", "--since", "2999-01-01"}).size(), 0u);
}

TEST_F(AuditCliTest, PeopleReadAChineseOrEnglishTable) {
  RunResult zh = server({"--db", "d.db", "audit"});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  for (const char* word : {"事件", "详情", "连接", "上传", "下载", "结束", "收下 2 条",
                           "bundle:up.lsb", device_.c_str()})
    EXPECT_NE(zh.out.find(word), std::string::npos) << word << "\n" << zh.out;
  RunResult en = server({"--db", "d.db", "--lang", "en", "audit", "--event", "push"});
  ASSERT_EQ(en.exit_code, 0) << en.err;
  for (const char* word : {"event", "detail", "push", "applied 2, duplicates 0, refused 0"})
    EXPECT_NE(en.out.find(word), std::string::npos) << word << "\n" << en.out;
  EXPECT_EQ(en.out.find("session"), std::string::npos) << en.out;
  RunResult none = server({"--db", "d.db", "audit", "--event", "error"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("（无）"), std::string::npos) << none.out;
}

TEST_F(AuditCliTest, BadInputGetsOneErrorLine) {
  const std::vector<std::vector<std::string>> bad = {
      {"audit", "--since", "yesterday"},
      {"audit", "--since", "2026-02-30"},
      {"audit", "--event", "login"},
      {"audit", "--limit", "0"},
      {"audit", "--limit", "-5"},
  };
  for (std::vector<std::string> args : bad) {
    args.insert(args.begin(), {"--db", "d.db"});
    RunResult r = server(args);
    expect_one_error_line(r);
    EXPECT_NE(r.exit_code, 0) << args[3];
  }
  RunResult en = server({"--db", "d.db", "--lang", "en", "audit", "--event", "login"});
  expect_one_error_line(en, "error: ");
  EXPECT_NE(en.err.find("--event is one of"), std::string::npos) << en.err;
  RunResult limit = server({"--db", "d.db", "--lang", "en", "audit", "--limit", "0"});
  EXPECT_NE(limit.err.find("--limit must be"), std::string::npos) << limit.err;
}

}  // namespace
}  // namespace liaison::test
