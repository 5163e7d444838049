// liaison bundle export|import and liaison-server bundle import, run as the real binaries: a
// round trip carries records both ways and leaves nothing unacknowledged; a bundle edited by
// hand, truncated, made with another device's key, made for another replica or by a revoked
// device is one error line and changes nothing; the same bundle or answer imported twice
// applies nothing the second time; the wrong kind of bundle and existing files are refused.
#include "tests/integration/cli_fixture.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <tuple>

namespace liaison::test {
namespace {

using nlohmann::json;

class BundleCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    server_json("d.db", {"init"});
    server_json("d.db", {"station", "add", "--id", "S1", "--name", "大稿村联络站"});
    server_json("d.db", {"station", "add", "--id", "S2", "--name", "小稿村联络站"});
    token_a_ = token("S1");
    token_b_ = token("S2");
    init_station("a.db", "S1", {"--token", token_a_});
    init_station("b.db", "S2", {"--token", token_b_});
  }

  std::string token(const std::string& station) {
    json added = server_json("d.db", {"device", "add", "--station", station});
    return added.value("token", "");
  }
  static std::string device_of(const std::string& token) { return token.substr(4, 36); }

  std::string read_bytes(const std::string& name) {
    std::ifstream in(path(name), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  bool exists(const std::string& name) { return std::filesystem::exists(path(name)); }

  // A count from a bookkeeping table of the replica at db; -1 when it cannot be read.
  int64_t count(const std::string& db, const std::string& sql) {
    auto r = sync::Replica::open(path(db));
    if (!r) return -1;
    auto q = r.value()->db().prepare(sql);
    if (!q || !q->step().is_ok()) return -1;
    return q->column_int(0);
  }

  // What a refused import must leave as it was: records, log, vector, refusals, acknowledged
  // watermarks and device contacts (district), or what the device believes the server has.
  std::vector<std::string> state(const std::string& db) {
    std::vector<std::string> s = {digest(db)};
    for (const char* sql :
         {"SELECT COUNT(*) FROM _log", "SELECT COALESCE(SUM(seq), 0) FROM _vv",
          "SELECT COUNT(*) FROM _refused", "SELECT COUNT(*) FROM _peer_vv",
          "SELECT COALESCE(SUM(syncs), 0) FROM _device", "SELECT COUNT(*) FROM _server_known",
          "SELECT COALESCE(SUM(seq), 0) FROM _server_known", "SELECT COUNT(*) FROM _server_refused",
          "SELECT COUNT(*) FROM _sync_run"})
      s.push_back(std::to_string(count(db, sql)));
    return s;
  }

  // export, import at the district, import the answer; the names of the two files.
  void round(const std::string& db, const std::string& up, const std::string& down) {
    RunResult e = liaison({"--db", db, "bundle", "export", "--out", up});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    RunResult i = server({"--db", "d.db", "bundle", "import", up, "--answer", down});
    ASSERT_EQ(i.exit_code, 0) << i.err;
    RunResult a = liaison({"--db", db, "bundle", "import", down});
    ASSERT_EQ(a.exit_code, 0) << a.err;
  }

  std::string token_a_, token_b_;
};

TEST_F(BundleCliTest, ARoundTripCarriesRecordsBothWays) {
  std::string first = add_opinion("a.db", {"--voter", "李素梅", "--matter", "希望建老年餐桌"});
  add_opinion("a.db", {"--voter", "王建国", "--matter", "村口路灯不亮"});
  json exported = liaison_json("a.db", {"bundle", "export", "--out", "up.lsb"});
  EXPECT_EQ(exported.at("records"), 2);
  EXPECT_EQ(exported.at("file"), "up.lsb");
  EXPECT_EQ(exported.at("bytes"), read_bytes("up.lsb").size());
  EXPECT_EQ(exported.at("complete"), true);
  // Exporting changes nothing: the records are still unacknowledged.
  EXPECT_EQ(liaison_json("a.db", {"status"}).at("unacknowledged"), 2);

  json imported = server_json("d.db", {"bundle", "import", "up.lsb", "--answer", "down.lsb"});
  EXPECT_EQ(imported.at("device"), device_of(token_a_));
  EXPECT_EQ(imported.at("pushed"), 2);
  EXPECT_EQ(imported.at("refused"), 0);
  EXPECT_EQ(imported.at("pulled"), 2);  // the two stations
  EXPECT_EQ(imported.at("bytes"), read_bytes("down.lsb").size());
  EXPECT_EQ(server_json("d.db", {"opinion", "list", "--station", "S1"}).size(), 2u);
  json devices = server_json("d.db", {"device", "list"});
  EXPECT_EQ(devices[0].at("last_address"), "bundle:up.lsb") << devices;

  json answered = liaison_json("a.db", {"bundle", "import", "down.lsb"});
  EXPECT_EQ(answered.at("pushed"), 2);
  EXPECT_EQ(answered.at("pulled"), 2);
  EXPECT_EQ(answered.at("conflicts"), 0);
  EXPECT_EQ(answered.at("refused"), 0);
  json status = liaison_json("a.db", {"status"});
  EXPECT_EQ(status.at("unacknowledged"), 0);
  EXPECT_EQ(status.at("last_sync_result"), "ok");
  EXPECT_TRUE(status.at("clock_skew_ms").is_null()) << "a file says nothing of the clocks";
  EXPECT_EQ(count("a.db", "SELECT COUNT(*) FROM station"), 2);

  // The district's edit of a record comes back with the next round, in Chinese and English.
  server_json("d.db", {"station", "add", "--id", "S3", "--name", "新村联络站"});
  RunResult zh = liaison({"--db", "a.db", "bundle", "export", "--out", "up2.lsb"});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  EXPECT_EQ(zh.out.rfind("已导出同步包 up2.lsb：0 条变更", 0), 0u) << zh.out;
  RunResult en = server({"--db", "d.db", "--lang", "en", "bundle", "import", "up2.lsb",
                         "--answer", "down2.lsb"});
  ASSERT_EQ(en.exit_code, 0) << en.err;
  EXPECT_NE(en.out.find("imported the bundle of device"), std::string::npos) << en.out;
  RunResult back = liaison({"--db", "a.db", "bundle", "import", "down2.lsb"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(back.out,
            "已导入回执包：上传 0 条，下载 1 条，冲突 0 条，被拒收 0 条，收到附件内容 0 份\n");
  EXPECT_EQ(count("a.db", "SELECT COUNT(*) FROM station"), 3);
  EXPECT_EQ(liaison_json("a.db", {"opinion", "show", first}).at("matter"), "希望建老年餐桌");
  // Station b's own round does not see station a's records.
  add_opinion("b.db", {"--voter", "赵六", "--matter", "小区停车难"});
  round("b.db", "b-up.lsb", "b-down.lsb");
  EXPECT_EQ(count("b.db", "SELECT COUNT(*) FROM opinion"), 1);
  EXPECT_EQ(server_json("d.db", {"opinion", "list"}).size(), 3u);
}

TEST_F(BundleCliTest, TamperedBundlesAreRefusedAndChangeNothing) {
  add_opinion("a.db", {"--voter", "甲", "--matter", "路面坑洼"});
  add_opinion("b.db", {"--voter", "乙", "--matter", "噪音扰民"});
  ASSERT_EQ(liaison({"--db", "a.db", "bundle", "export", "--out", "up.lsb"}).exit_code, 0);
  ASSERT_EQ(liaison({"--db", "b.db", "bundle", "export", "--out", "b.lsb"}).exit_code, 0);
  std::string good = read_bytes("up.lsb");
  std::string edited = good;
  edited[good.size() / 2] = static_cast<char>(edited[good.size() / 2] ^ 0x20);
  write_file("edited.lsb", edited);
  write_file("truncated.lsb", good.substr(0, good.size() - 40));
  write_file("appended.lsb", good + "\n");
  write_file("empty.lsb", "");
  write_file("other.lsb", "PK\x03\x04 not a bundle at all");
  // Station b's bundle claiming to be station a's device: made with another device's key.
  std::string forged = read_bytes("b.lsb");
  forged.replace(6, 36, device_of(token_a_));
  write_file("forged.lsb", forged);

  std::vector<std::string> before = state("d.db");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"edited.lsb", "校验不符"},   {"truncated.lsb", "不完整"}, {"appended.lsb", "已损坏"},
      {"empty.lsb", "不是同步包"}, {"other.lsb", "不是同步包"}, {"forged.lsb", "校验不符"}};
  for (const auto& [file, words] : cases) {
    SCOPED_TRACE(file);
    RunResult r = server({"--db", "d.db", "bundle", "import", file, "--answer", "answer.lsb"});
    expect_one_error_line(r);
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
    EXPECT_EQ(state("d.db"), before);
    EXPECT_FALSE(exists("answer.lsb"));
  }
  RunResult en = server({"--db", "d.db", "--lang", "en", "bundle", "import", "edited.lsb",
                         "--answer", "answer.lsb"});
  expect_one_error_line(en, "error: ");
  EXPECT_NE(en.err.find("checksum does not match"), std::string::npos) << en.err;

  // The good bundle still goes through; its answer, edited or for another replica, does not.
  ASSERT_EQ(server({"--db", "d.db", "bundle", "import", "up.lsb", "--answer", "down.lsb"})
                .exit_code, 0);
  std::string answer = read_bytes("down.lsb");
  std::string bad = answer;
  bad[answer.size() - 1] = static_cast<char>(bad[answer.size() - 1] ^ 1);
  write_file("bad-down.lsb", bad);
  write_file("short-down.lsb", answer.substr(0, 20));
  // The same token installed on a second replica: the answer names a's replica.
  init_station("a2.db", "S1", {"--token", token_a_});
  std::vector<std::string> a_before = state("a.db"), a2_before = state("a2.db"),
                           b_before = state("b.db");
  for (const auto& [db, file, words] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"a.db", "bad-down.lsb", "校验不符"},
           {"a.db", "short-down.lsb", "不完整"},
           {"a2.db", "down.lsb", "另一台设备或另一个数据库"},
           {"b.db", "down.lsb", "另一台设备或另一个数据库"}}) {
    SCOPED_TRACE(db + " " + file);
    RunResult r = liaison({"--db", db, "bundle", "import", file});
    expect_one_error_line(r);
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
  }
  EXPECT_EQ(state("a.db"), a_before);
  EXPECT_EQ(state("a2.db"), a2_before);
  EXPECT_EQ(state("b.db"), b_before);
  ASSERT_EQ(liaison({"--db", "a.db", "bundle", "import", "down.lsb"}).exit_code, 0);
}

TEST_F(BundleCliTest, ARevokedDevicesBundleIsRefused) {
  add_opinion("a.db", {"--voter", "甲", "--matter", "路面坑洼"});
  ASSERT_EQ(liaison({"--db", "a.db", "bundle", "export", "--out", "up.lsb"}).exit_code, 0);
  server_json("d.db", {"device", "revoke", device_of(token_a_)});
  std::vector<std::string> before = state("d.db");
  RunResult r = server({"--db", "d.db", "bundle", "import", "up.lsb", "--answer", "down.lsb"});
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("已被吊销"), std::string::npos) << r.err;
  EXPECT_EQ(state("d.db"), before);
  EXPECT_FALSE(exists("down.lsb"));
  EXPECT_TRUE(server_json("d.db", {"opinion", "list"}).empty());
}

TEST_F(BundleCliTest, TheSameBundleTwiceAppliesNothingTheSecondTime) {
  add_opinion("a.db", {"--voter", "甲", "--matter", "路面坑洼"});
  add_opinion("a.db", {"--voter", "乙", "--matter", "噪音扰民"});
  ASSERT_EQ(liaison({"--db", "a.db", "bundle", "export", "--out", "up.lsb"}).exit_code, 0);
  json first = server_json("d.db", {"bundle", "import", "up.lsb", "--answer", "down1.lsb"});
  EXPECT_EQ(first.at("pushed"), 2);
  std::vector<std::string> once = state("d.db");
  json second = server_json("d.db", {"bundle", "import", "up.lsb", "--answer", "down2.lsb"});
  EXPECT_EQ(second.at("pushed"), 0);
  EXPECT_EQ(second.at("refused"), 0);
  std::vector<std::string> twice = state("d.db");
  // Records, log, vector, refusals and watermarks are as they were; only the contact is counted.
  twice[5] = once[5];
  EXPECT_EQ(twice, once);
  EXPECT_EQ(server_json("d.db", {"opinion", "list"}).size(), 2u);

  json a1 = liaison_json("a.db", {"bundle", "import", "down1.lsb"});
  EXPECT_EQ(a1.at("pulled"), 2);
  std::vector<std::string> imported = state("a.db");
  for (const char* file : {"down1.lsb", "down2.lsb"}) {
    json again = liaison_json("a.db", {"bundle", "import", file});
    EXPECT_EQ(again.at("pulled"), 0) << file;
    std::vector<std::string> now = state("a.db");
    now.back() = imported.back();  // each import is logged as an exchange
    EXPECT_EQ(now, imported) << file;
  }
  EXPECT_EQ(count("a.db", "SELECT COUNT(*) FROM opinion"), 2);
}

TEST_F(BundleCliTest, TheWrongKindOfBundleAndExistingFilesAreRefused) {
  add_opinion("a.db", {"--voter", "甲", "--matter", "路面坑洼"});
  ASSERT_EQ(liaison({"--db", "a.db", "bundle", "export", "--out", "up.lsb"}).exit_code, 0);
  std::vector<std::string> a_before = state("a.db");
  RunResult twice = liaison({"--db", "a.db", "bundle", "export", "--out", "up.lsb"});
  expect_one_error_line(twice);
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("不会覆盖"), std::string::npos) << twice.err;
  // A request where an answer is expected, on the device that made it.
  RunResult request = liaison({"--db", "a.db", "bundle", "import", "up.lsb"});
  expect_one_error_line(request);
  EXPECT_NE(request.err.find("--answer"), std::string::npos) << request.err;
  EXPECT_EQ(state("a.db"), a_before);

  write_file("taken.lsb", "something people keep");
  std::vector<std::string> d_before = state("d.db");
  RunResult taken = server({"--db", "d.db", "bundle", "import", "up.lsb", "--answer", "taken.lsb"});
  expect_one_error_line(taken);
  EXPECT_EQ(read_bytes("taken.lsb"), "something people keep");
  RunResult nodir = server({"--db", "d.db", "bundle", "import", "up.lsb", "--answer",
                            "no/such/dir/down.lsb"});
  expect_one_error_line(nodir);
  RunResult missing = server({"--db", "d.db", "bundle", "import", "nowhere.lsb", "--answer", "x"});
  expect_one_error_line(missing);
  RunResult no_answer = server({"--db", "d.db", "bundle", "import", "up.lsb"});
  EXPECT_EQ(no_answer.exit_code, 2);
  EXPECT_EQ(state("d.db"), d_before);

  // An answer where a request is expected.
  ASSERT_EQ(server({"--db", "d.db", "bundle", "import", "up.lsb", "--answer", "down.lsb"})
                .exit_code, 0);
  std::vector<std::string> d_after = state("d.db");
  RunResult answer = server({"--db", "d.db", "--lang", "en", "bundle", "import", "down.lsb",
                             "--answer", "x.lsb"});
  expect_one_error_line(answer, "error: ");
  EXPECT_NE(answer.err.find("this is an answer bundle"), std::string::npos) << answer.err;
  EXPECT_EQ(state("d.db"), d_after);

  // A device another district provisioned is unknown here.
  server_json("other.db", {"init"});
  server_json("other.db", {"station", "add", "--id", "S1", "--name", "别区联络站"});
  json elsewhere = server_json("other.db", {"device", "add", "--station", "S1"});
  init_station("e.db", "S1", {"--token", elsewhere.value("token", "")});
  ASSERT_EQ(liaison({"--db", "e.db", "bundle", "export", "--out", "e.lsb"}).exit_code, 0);
  RunResult unknown = server({"--db", "d.db", "bundle", "import", "e.lsb", "--answer", "e2.lsb"});
  expect_one_error_line(unknown);
  EXPECT_NE(unknown.err.find("不是在这里登记的"), std::string::npos) << unknown.err;
  EXPECT_EQ(state("d.db"), d_after);

  // A device with no token cannot sign a bundle.
  init_station("c.db", "S1");
  RunResult unsigned_export = liaison({"--db", "c.db", "bundle", "export", "--out", "c.lsb"});
  expect_one_error_line(unsigned_export);
  EXPECT_FALSE(exists("c.lsb"));
}

}  // namespace
}  // namespace liaison::test
