// A full round trip by changeset files: the district registers a station, two devices of that
// station exchange files with the district, a concurrent edit converges everywhere with an entry
// in the conflict log, and re-deciding the conflict syncs too.
#include "tests/integration/cli_fixture.h"

namespace liaison::test {
namespace {

using nlohmann::json;

class RoundTripTest : public CliTest {
 protected:
  // Carries changes both ways between a station device and the district, as people would with
  // files: each side exports what the other's version vector has not seen.
  void exchange(const std::string& station_db) {
    RunResult vv = server({"--db", "d.db", "changes", "vector"});
    ASSERT_EQ(vv.exit_code, 0) << vv.err;
    write_file("district-vv.json", vv.out);
    run_ok(liaison({"--db", station_db, "changes", "export", "--out", "up.chg", "--since",
                    "district-vv.json"}));
    run_ok(server({"--db", "d.db", "changes", "import", "up.chg"}));

    vv = liaison({"--db", station_db, "changes", "vector"});
    ASSERT_EQ(vv.exit_code, 0) << vv.err;
    write_file("station-vv.json", vv.out);
    run_ok(server({"--db", "d.db", "changes", "export", "--out", "down.chg", "--since",
                   "station-vv.json"}));
    run_ok(liaison({"--db", station_db, "changes", "import", "down.chg"}));
  }

  static void run_ok(const RunResult& r) { ASSERT_EQ(r.exit_code, 0) << r.err; }

  std::string category(const std::string& db, bool district, const std::string& id) {
    if (!district) return liaison_json(db, {"opinion", "show", id}).at("category");
    for (const json& o : server_json(db, {"opinion", "list"}))
      if (o.at("id") == id) return o.at("category");
    return "(missing)";
  }

  void SetUp() override {
    CliTest::SetUp();
    server_json("d.db", {"init"});
    server_json("d.db", {"home", "add", "--id", "H1", "--name", "梨园镇代表之家"});
    server_json("d.db", {"station", "add", "--id", "S1", "--name", "大稿村联络站", "--home", "H1"});
    init_station("a.db", "S1");
    init_station("b.db", "S1", {"--spokesperson", "P1"});
  }
};

TEST_F(RoundTripTest, ConcurrentEditsConvergeAndTheConflictCanBeRedecided) {
  exchange("a.db");
  exchange("b.db");
  std::string id = add_opinion("a.db", {"--voter", "李素梅", "--matter", "希望建老年餐桌"});
  exchange("a.db");
  exchange("b.db");
  ASSERT_EQ(liaison_json("b.db", {"opinion", "show", id}).at("matter"), "希望建老年餐桌");
  json on_district = server_json("d.db", {"opinion", "list", "--station", "S1"});
  ASSERT_EQ(on_district.size(), 1u);
  EXPECT_TRUE(server_json("d.db", {"opinion", "list", "--station", "S2"}).empty());

  // The same field changed on both devices before either hears of the other.
  liaison_json("a.db", {"opinion", "set", id, "--category", "养老服务"});
  liaison_json("b.db", {"opinion", "set", id, "--category", "社会保障"});
  exchange("a.db");
  exchange("b.db");
  exchange("a.db");

  std::string winner = category("a.db", false, id);
  EXPECT_TRUE(winner == "养老服务" || winner == "社会保障") << winner;
  EXPECT_EQ(category("b.db", false, id), winner);
  EXPECT_EQ(category("d.db", true, id), winner);
  std::string loser = winner == "养老服务" ? "社会保障" : "养老服务";
  EXPECT_EQ(digest("a.db"), digest("d.db"));
  EXPECT_EQ(digest("b.db"), digest("d.db"));

  // The district merged both values, so it logged the conflict; of the two devices, the one
  // whose value lost logged it when the winner arrived (the winner never receives the loser's
  // superseded change).
  json on_d = server_json("d.db", {"conflicts"});
  ASSERT_EQ(on_d.size(), 1u);
  json on_a = liaison_json("a.db", {"conflicts"});
  json on_b = liaison_json("b.db", {"conflicts"});
  ASSERT_EQ(on_a.size() + on_b.size(), 1u);
  const std::string loser_db = on_a.empty() ? "b.db" : "a.db";
  const std::string other_db = on_a.empty() ? "a.db" : "b.db";
  for (const json& c : {on_d[0], (on_a.empty() ? on_b : on_a)[0]}) {
    EXPECT_EQ(c.at("table"), "opinion");
    EXPECT_EQ(c.at("row"), id);
    EXPECT_EQ(c.at("field"), "category");
    EXPECT_EQ(c.at("kind"), "concurrent");
    EXPECT_EQ(c.at("kept").at("value"), winner);
    EXPECT_EQ(c.at("lost").at("value"), loser);
    EXPECT_TRUE(c.at("decision").is_null());
  }
  json conflict = liaison_json(loser_db, {"conflicts"})[0];
  EXPECT_EQ(liaison_json(loser_db, {"opinion", "show", id}).at("conflicts").size(), 1u);
  EXPECT_EQ(liaison_json(loser_db, {"status"}).at("conflicts_open"), 1);

  // The person whose value lost re-decides: the losing value comes back and travels on.
  json resolved = liaison_json(
      loser_db, {"conflicts", "resolve", std::to_string(conflict.at("id").get<int64_t>()), "--keep", "lost"});
  EXPECT_EQ(resolved.at("decision"), "lost");
  EXPECT_EQ(category(loser_db, false, id), loser);
  EXPECT_EQ(liaison_json(loser_db, {"status"}).at("conflicts_open"), 0);
  exchange(loser_db);
  exchange(other_db);
  EXPECT_EQ(category(other_db, false, id), loser);
  EXPECT_EQ(category("d.db", true, id), loser);
  EXPECT_EQ(digest("a.db"), digest("d.db"));
  EXPECT_EQ(digest("b.db"), digest("d.db"));
  // Re-deciding is an ordinary edit made knowing the current value: no new conflict anywhere.
  EXPECT_EQ(server_json("d.db", {"conflicts"}).size(), 1u);
  EXPECT_TRUE(liaison_json(other_db, {"conflicts"}).empty());
}

TEST_F(RoundTripTest, TheDistrictCanRedecideAConflict) {
  exchange("a.db");
  exchange("b.db");
  std::string id = add_opinion("a.db", {"--voter", "甲", "--matter", "m"});
  exchange("a.db");
  exchange("b.db");
  liaison_json("a.db", {"opinion", "set", id, "--place", "梨园镇"});
  liaison_json("b.db", {"opinion", "set", id, "--place", "宋庄镇"});
  exchange("a.db");
  exchange("b.db");
  json on_d = server_json("d.db", {"conflicts"});
  ASSERT_EQ(on_d.size(), 1u);
  std::string lost = on_d[0].at("lost").at("value");
  json resolved = server_json("d.db", {"conflicts", "resolve",
                                       std::to_string(on_d[0].at("id").get<int64_t>()), "--keep", "lost"});
  EXPECT_EQ(resolved.at("decision"), "lost");
  exchange("a.db");
  exchange("b.db");
  EXPECT_EQ(liaison_json("a.db", {"opinion", "show", id}).at("place"), lost);
  EXPECT_EQ(liaison_json("b.db", {"opinion", "show", id}).at("place"), lost);
  EXPECT_EQ(digest("a.db"), digest("d.db"));
  EXPECT_EQ(digest("b.db"), digest("d.db"));
}

TEST_F(RoundTripTest, StepsAndAmendmentsFromBothDevicesMeet) {
  exchange("a.db");
  std::string id = add_opinion("a.db", {"--voter", "甲", "--matter", "路灯坏了"});
  exchange("a.db");
  exchange("b.db");
  liaison_json("a.db", {"opinion", "step", id, "reported"});
  liaison_json("b.db", {"opinion", "amend", id, "--text", "选民补充：北侧"});
  exchange("b.db");
  exchange("a.db");
  exchange("b.db");
  json a = liaison_json("a.db", {"opinion", "show", id});
  json b = liaison_json("b.db", {"opinion", "show", id});
  EXPECT_EQ(a.at("steps").size(), 1u);
  EXPECT_EQ(a.at("amendments").size(), 1u);
  EXPECT_EQ(a.at("status"), "reported");
  EXPECT_EQ(a, b);
  EXPECT_EQ(digest("a.db"), digest("b.db"));
}

TEST_F(RoundTripTest, ImportingAFileTwiceChangesNothing) {
  add_opinion("a.db", {"--voter", "甲", "--matter", "m"});
  json exported = liaison_json("a.db", {"changes", "export", "--out", path("all.chg")});
  EXPECT_EQ(exported.at("exported"), 1);
  json first = server_json("d.db", {"changes", "import", path("all.chg")});
  EXPECT_EQ(first.at("applied"), 1);
  std::string before = digest("d.db");
  json second = server_json("d.db", {"changes", "import", path("all.chg")});
  EXPECT_EQ(second.at("applied"), 0);
  EXPECT_EQ(second.at("duplicates"), 1);
  EXPECT_EQ(digest("d.db"), before);
}

}  // namespace
}  // namespace liaison::test
