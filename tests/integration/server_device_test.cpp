// liaison-server device add|list|revoke: provisioning, the token shown once and stored only as a
// hash, the list with its sync columns, revocation, and bad input that changes nothing.
#include "tests/integration/cli_fixture.h"

#include <regex>

#include "shared/util/uuid.h"

namespace liaison::test {
namespace {

using nlohmann::json;

class DeviceCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    server_json("d.db", {"init"});
    server_json("d.db", {"station", "add", "--id", "S1", "--name", "大稿村联络站"});
    server_json("d.db", {"station", "add", "--id", "S2", "--name", "小稿村联络站"});
  }

  std::string file_bytes(const std::string& name) {
    std::ifstream f(path(name), std::ios::binary);
    std::ostringstream out;
    out << f.rdbuf();
    return out.str();
  }
};

TEST_F(DeviceCliTest, AddListAndRevokeWithJson) {
  json added = server_json("d.db", {"device", "add", "--station", "S1"});
  std::string id = added.at("device").get<std::string>();
  std::string token = added.at("token").get<std::string>();
  EXPECT_TRUE(is_uuid_text(id));
  EXPECT_TRUE(std::regex_match(token, std::regex("lt1\\." + id + "\\.[a-z2-7]{32}"))) << token;
  EXPECT_EQ(added.at("role"), "station");
  EXPECT_EQ(added.at("station"), "S1");
  EXPECT_TRUE(added.at("spokesperson").is_null());

  json spokes = server_json("d.db", {"device", "add", "--station", "S1", "--role",
                                     "spokesperson", "--spokesperson", "P1"});
  EXPECT_EQ(spokes.at("role"), "spokesperson");
  EXPECT_EQ(spokes.at("spokesperson"), "P1");
  json inferred = server_json("d.db", {"device", "add", "--station", "S2", "--spokesperson", "P2"});
  EXPECT_EQ(inferred.at("role"), "spokesperson");
  json office = server_json("d.db", {"device", "add", "--role", "district"});
  EXPECT_TRUE(office.at("station").is_null());

  json list = server_json("d.db", {"device", "list"});
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].at("device"), id);
  for (const char* key : {"device", "role", "station", "spokesperson", "replica", "created_at",
                          "revoked_at", "last_seen_at", "last_address", "clock_skew_ms", "syncs"})
    EXPECT_TRUE(list[0].contains(key)) << key;
  EXPECT_FALSE(list[0].contains("token"));
  EXPECT_EQ(list[0].at("syncs"), 0);
  EXPECT_TRUE(list[0].at("replica").is_null());
  EXPECT_TRUE(list[0].at("revoked_at").is_null());

  json revoked = server_json("d.db", {"device", "revoke", id});
  EXPECT_EQ(revoked.at("device"), id);
  ASSERT_TRUE(revoked.at("revoked_at").is_string());
  json again = server_json("d.db", {"device", "revoke", id});
  EXPECT_EQ(again.at("revoked_at"), revoked.at("revoked_at"));
  EXPECT_EQ(server_json("d.db", {"device", "list"})[0].at("revoked_at"), revoked.at("revoked_at"));
}

TEST_F(DeviceCliTest, TheTokenIsPrintedOnceAndStoredOnlyAsAHash) {
  json added = server_json("d.db", {"device", "add", "--station", "S1"});
  std::string token = added.at("token").get<std::string>();
  std::string secret = token.substr(token.rfind('.') + 1);
  RunResult list = server({"--db", "d.db", "device", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.find(secret), std::string::npos);
  for (const char* suffix : {"", "-wal", "-shm"})
    EXPECT_EQ(file_bytes(std::string("d.db") + suffix).find(secret), std::string::npos) << suffix;
}

TEST_F(DeviceCliTest, PeopleReadChineseOrEnglish) {
  RunResult zh = server({"--db", "d.db", "device", "add", "--station", "S1"});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  EXPECT_NE(zh.out.find("令牌只显示这一次"), std::string::npos) << zh.out;
  EXPECT_TRUE(std::regex_search(zh.out, std::regex("令牌：\\s*lt1\\."))) << zh.out;
  RunResult en = server({"--db", "d.db", "device", "add", "--station", "S1", "--spokesperson",
                         "P1", "--lang", "en"});
  ASSERT_EQ(en.exit_code, 0) << en.err;
  EXPECT_NE(en.out.find("shown only this once"), std::string::npos) << en.out;
  EXPECT_NE(en.out.find("spokesperson device"), std::string::npos) << en.out;
  std::string id = server_json("d.db", {"device", "list"})[0].at("device").get<std::string>();

  RunResult revoked = server({"--db", "d.db", "device", "revoke", id, "--lang", "en"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_NE(revoked.out.find("device revoked"), std::string::npos) << revoked.out;
  RunResult list_en = server({"--lang", "en", "--db", "d.db", "device", "list"});
  ASSERT_EQ(list_en.exit_code, 0) << list_en.err;
  for (const char* word : {"last sync", "clock skew", "revoked", "active", id.c_str()})
    EXPECT_NE(list_en.out.find(word), std::string::npos) << word << "\n" << list_en.out;
  RunResult list_zh = server({"--db", "d.db", "device", "list"});
  for (const char* word : {"最近同步", "已吊销", "有效", "代言员设备"})
    EXPECT_NE(list_zh.out.find(word), std::string::npos) << word << "\n" << list_zh.out;
  RunResult empty = server({"--db", "fresh.db", "init"});
  ASSERT_EQ(empty.exit_code, 0);
  RunResult none = server({"--db", "fresh.db", "device", "list"});
  EXPECT_NE(none.out.find("（无）"), std::string::npos) << none.out;
}

TEST_F(DeviceCliTest, BadInputChangesNothing) {
  server_json("d.db", {"device", "add", "--station", "S1"});
  json before = server_json("d.db", {"device", "list"});
  std::string digest_before = digest("d.db");
  const std::vector<std::vector<std::string>> bad = {
      {"device", "add", "--station", "S9"},
      {"device", "add"},
      {"device", "add", "--station", "S1", "--role", "spokesperson"},
      {"device", "add", "--station", "S1", "--role", "admin"},
      {"device", "add", "--station", "S1", "--role", "district"},
      {"device", "add", "--station", "S1", "--role", "station", "--spokesperson", "P1"},
      {"device", "revoke", "no-such-device"},
      {"device", "revoke"},
  };
  for (std::vector<std::string> args : bad) {
    args.insert(args.begin(), {"--db", "d.db"});
    RunResult r = server(args);
    expect_one_error_line(r);
    EXPECT_EQ(r.exit_code, 2) << r.err;
  }
  RunResult en = server({"--db", "d.db", "device", "add", "--station", "S9", "--lang", "en"});
  expect_one_error_line(en, "error: ");
  EXPECT_NE(en.err.find("no such liaison station"), std::string::npos) << en.err;
  RunResult missing = server({"--db", "d.db", "device", "add", "--station", "S1", "--role",
                              "spokesperson", "--lang", "en"});
  EXPECT_NE(missing.err.find("--spokesperson"), std::string::npos) << missing.err;
  EXPECT_EQ(server_json("d.db", {"device", "list"}), before);
  EXPECT_EQ(digest("d.db"), digest_before);
}

TEST_F(DeviceCliTest, AStationProvisionsOnlyItsOwnSpokespersonsDevices) {
  init_station("a.db");
  for (std::vector<std::string> bad : {std::vector<std::string>{"--station", "S1"},
                                       {"--role", "district"},
                                       {"--spokesperson", "NOPE"},
                                       {"--station", "S2", "--spokesperson", "P1"}}) {
    std::vector<std::string> args = {"--db", "a.db", "device", "add"};
    args.insert(args.end(), bad.begin(), bad.end());
    RunResult r = liaison(args);
    expect_one_error_line(r);
    EXPECT_NE(r.exit_code, 0) << bad[1];
  }
  EXPECT_EQ(liaison_json("a.db", {"device", "list"}).size(), 0u);
  json sp = liaison_json("a.db", {"spokesperson", "add", "--name", "王芳"});
  std::string spokesperson = sp.at("id").get<std::string>();
  json added = liaison_json("a.db", {"device", "add", "--spokesperson", spokesperson});
  EXPECT_EQ(added.at("role"), "spokesperson");
  EXPECT_EQ(added.at("station"), "S1");
  EXPECT_TRUE(std::regex_match(added.at("token").get<std::string>(),
                               std::regex("lt1\\.[0-9a-f-]{36}\\.[a-z2-7]{32}")));
  json list = liaison_json("a.db", {"device", "list"});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("provisioned_by"), "station S1");
  // The station's status lists it, never synced yet.
  json status = liaison_json("a.db", {"status"});
  ASSERT_EQ(status.at("hub_devices").size(), 1u);
  EXPECT_TRUE(status.at("hub_devices")[0].at("last_sync").is_null());
  // A spokesperson's device serves nobody and provisions nothing.
  init_station("p.db", "S1", {"--spokesperson", spokesperson});
  RunResult r = liaison({"--db", "p.db", "device", "add", "--spokesperson", spokesperson});
  expect_one_error_line(r);
  EXPECT_EQ(r.exit_code, 1);
  r = liaison({"--db", "p.db", "serve", "--listen", "127.0.0.1:0"});
  expect_one_error_line(r);
  EXPECT_EQ(r.exit_code, 1);
}

}  // namespace
}  // namespace liaison::test
