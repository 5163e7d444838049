// liaison spokesperson add | list | show | set | void | coverage and visit add | list, run as the
// real binary: the roster with its responsibility areas, visit rounds and scans of original
// records, the coverage check against the station's registered voters, and bad input.
#include "tests/integration/duties_fixture.h"

namespace liaison::test {
namespace {

using nlohmann::json;

class SpokespersonTest : public DutiesTest {
 protected:
  json coverage(const std::string& db = "a.db") {
    return liaison_json(db, {"spokesperson", "coverage"});
  }
};

TEST_F(SpokespersonTest, RegisteredListedAndShown) {
  std::string id = spokesperson({"--name", " 张桂芳 ", "--phone", "13800000031", "--gender", "f",
                                 "--party-member", "--area", "大稿村一组", "--voters", "1200",
                                 "--households", "400"});
  ASSERT_FALSE(id.empty());
  json list = liaison_json("a.db", {"spokesperson", "list"});
  ASSERT_EQ(list.size(), 1u);
  json s = list[0];
  EXPECT_EQ(s.at("id"), id);
  EXPECT_EQ(s.at("station"), "S1");
  EXPECT_EQ(s.at("name"), "张桂芳");
  EXPECT_EQ(s.at("phone"), "13800000031");
  EXPECT_EQ(s.at("gender"), "f");
  EXPECT_EQ(s.at("party_member"), true);
  EXPECT_EQ(s.at("area"), "大稿村一组");
  EXPECT_EQ(s.at("voters"), 1200);
  EXPECT_EQ(s.at("households"), 400);
  EXPECT_EQ(s.at("visit_count"), 0);
  EXPECT_TRUE(s.at("void_reason").is_null());

  std::string minimal = spokesperson({"--name", "刘建军"});
  json m = liaison_json("a.db", {"spokesperson", "show", minimal});
  EXPECT_EQ(m.at("party_member"), false);
  EXPECT_TRUE(m.at("gender").is_null());
  EXPECT_TRUE(m.at("voters").is_null());
  EXPECT_TRUE(m.at("visits").empty());

  RunResult zh = liaison({"--db", "a.db", "spokesperson", "list"});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  for (const char* text : {"张桂芳", "刘建军", "女", "大稿村一组", "1200"})
    EXPECT_NE(zh.out.find(text), std::string::npos) << text << "\n" << zh.out;
  RunResult en = liaison({"--db", "a.db", "--lang", "en", "spokesperson", "show", id});
  ASSERT_EQ(en.exit_code, 0) << en.err;
  EXPECT_NE(en.out.find("female"), std::string::npos) << en.out;
  EXPECT_NE(en.out.find("party member"), std::string::npos) << en.out;
}

TEST_F(SpokespersonTest, VisitsAndScansMakeTheArchive) {
  std::string id = spokesperson({"--name", "张桂芳", "--gender", "f"});
  std::string other = spokesperson({"--name", "刘建军", "--gender", "m"});
  std::string v1 = new_id("a.db", {"visit", "add", "--spokesperson", id, "--date", "2026-03-02",
                                   "--households", "30", "--note", "走访一组"});
  std::string v2 = new_id("a.db", {"visit", "add", "--spokesperson", id, "--date", "2026-04-02"});
  new_id("a.db", {"visit", "add", "--spokesperson", other, "--date", "2026-04-05"});
  write_file("record.pdf", "%PDF-1.4 民情记录原件");
  json scan = liaison_json("a.db", {"attach", id, "record.pdf"});

  json visits = liaison_json("a.db", {"visit", "list", "--spokesperson", id});
  ASSERT_EQ(visits.size(), 2u);
  EXPECT_EQ(visits[0].at("id"), v2);  // newest first
  EXPECT_EQ(visits[1], json({{"id", v1},
                             {"spokesperson", id},
                             {"station", "S1"},
                             {"visited_on", "2026-03-02"},
                             {"households", 30},
                             {"note", "走访一组"},
                             {"recorded_by", liaison_json("a.db", {"status"}).at("replica")}}));
  EXPECT_EQ(liaison_json("a.db", {"visit", "list"}).size(), 3u);

  json shown = liaison_json("a.db", {"spokesperson", "show", id});
  EXPECT_EQ(shown.at("visit_count"), 2);
  EXPECT_EQ(shown.at("visits").size(), 2u);
  ASSERT_EQ(shown.at("attachments").size(), 1u);
  EXPECT_EQ(shown.at("attachments")[0].at("id"), scan.at("id"));
  EXPECT_EQ(shown.at("attachments")[0].at("mime"), "application/pdf");
  RunResult text = liaison({"--db", "a.db", "spokesperson", "show", id});
  for (const char* t : {"2026-03-02", "30 户", "走访一组", "record.pdf"})
    EXPECT_NE(text.out.find(t), std::string::npos) << t << "\n" << text.out;
  RunResult listed = liaison({"--db", "a.db", "visit", "list"});
  EXPECT_NE(listed.out.find("2026-04-05"), std::string::npos) << listed.out;
}

TEST_F(SpokespersonTest, SetAndVoidChangeTheRoster) {
  std::string id = spokesperson({"--name", "张桂芳", "--party-member", "--voters", "1200"});
  json set = liaison_json("a.db", {"spokesperson", "set", id, "--voters", "1500", "--area", "",
                                   "--not-party-member", "--gender", "f"});
  EXPECT_EQ(set.at("voters"), 1500);
  EXPECT_TRUE(set.at("area").is_null());
  EXPECT_EQ(set.at("party_member"), false);
  EXPECT_EQ(set.at("gender"), "f");
  EXPECT_EQ(coverage().at("covered_voters"), 1500);

  json voided = liaison_json("a.db", {"spokesperson", "void", id, "--reason", "迁出本村"});
  EXPECT_EQ(voided.at("void_reason"), "迁出本村");
  EXPECT_EQ(liaison_json("a.db", {"spokesperson", "list"}).size(), 1u);  // the record stays
  json c = coverage();
  EXPECT_EQ(c.at("spokespersons"), 0);
  EXPECT_EQ(c.at("covered_voters"), 0);
}

TEST_F(SpokespersonTest, CoverageComparesTheAreasWithTheRegisteredVoters) {
  spokesperson({"--name", "刘建军", "--gender", "m", "--voters", "1000", "--households", "300"});
  json men_only = coverage();
  EXPECT_EQ(men_only.at("registered_voters"), 3000);
  EXPECT_EQ(men_only.at("covered_voters"), 1000);
  EXPECT_EQ(men_only.at("uncovered_voters"), 2000);
  EXPECT_EQ(men_only.at("women"), 0);
  EXPECT_EQ(men_only.at("party_members"), 0);
  EXPECT_EQ(men_only.at("flags"), json({"voters_uncovered", "no_women", "no_party_members"}));

  spokesperson({"--name", "张桂芳", "--gender", "f", "--party-member", "--voters", "1200",
                "--households", "400"});
  spokesperson({"--name", "王玉兰", "--gender", "f"});
  json c = coverage();
  EXPECT_EQ(c.at("station"), "S1");
  EXPECT_EQ(c.at("covered_voters"), 2200);
  EXPECT_EQ(c.at("uncovered_voters"), 800);
  EXPECT_EQ(c.at("households"), 700);
  EXPECT_EQ(c.at("spokespersons"), 3);
  EXPECT_EQ(c.at("without_area"), 1);
  EXPECT_EQ(c.at("women"), 2);
  EXPECT_EQ(c.at("men"), 1);
  EXPECT_EQ(c.at("party_members"), 1);
  EXPECT_EQ(c.at("flags"), json({"voters_uncovered", "areas_missing"}));
  RunResult zh = liaison({"--db", "a.db", "spokesperson", "coverage"});
  EXPECT_NE(zh.out.find("800 名选民没有代言员联系"), std::string::npos) << zh.out;

  spokesperson({"--name", "赵宝林", "--gender", "m", "--voters", "900"});
  json full = coverage();
  EXPECT_EQ(full.at("uncovered_voters"), 0);
  EXPECT_EQ(full.at("flags"), json({"areas_missing"}));

  // A device that has not received its station's record cannot know the registered voters.
  init_station("b.db", "S2");
  json unknown = coverage("b.db");
  EXPECT_TRUE(unknown.at("registered_voters").is_null());
  EXPECT_TRUE(unknown.at("uncovered_voters").is_null());
  EXPECT_EQ(unknown.at("flags")[0], "registered_voters_unknown");
}

TEST_F(SpokespersonTest, BadInputIsOneLineAndChangesNothing) {
  std::string id = spokesperson({"--name", "张桂芳"});
  expect_refused("a.db", {"spokesperson", "add", "--name", "  "});
  expect_refused("a.db", {"spokesperson", "add", "--name", "甲", "--gender", "女"});
  expect_refused("a.db", {"spokesperson", "add", "--name", "甲", "--voters=-5"});
  expect_refused("a.db", {"spokesperson", "add", "--name", "甲", "--households", "many"});
  expect_refused("a.db", {"spokesperson", "add", "--name", "甲", "--phone", "call me"});
  expect_refused("a.db", {"spokesperson", "set", "P9", "--voters", "10"});
  expect_refused("a.db", {"spokesperson", "set", id});
  expect_refused("a.db", {"spokesperson", "set", id, "--name", ""});
  expect_refused("a.db", {"spokesperson", "show", "P9"});
  expect_refused("a.db", {"spokesperson", "void", "P9", "--reason", "x"});
  expect_refused("a.db", {"visit", "add", "--spokesperson", "P9", "--date", "2026-03-02"});
  expect_refused("a.db", {"visit", "add", "--spokesperson", id, "--date", "2026-13-02"});
  expect_refused("a.db", {"visit", "add", "--spokesperson", id, "--date", "2026-03-02",
                          "--households=-1"});
  expect_refused("a.db", {"visit", "add", "--date", "2026-03-02"});
  expect_refused("a.db", {"visit", "list", "--spokesperson", "P9"});
}

TEST_F(SpokespersonTest, ASpokespersonsDeviceLogsItsOwnVisitsOnly) {
  std::string id = spokesperson({"--name", "张桂芳"});
  std::string other = spokesperson({"--name", "刘建军"});
  init_station("p.db", "S1", {"--spokesperson", id});
  json visit = liaison_json("p.db", {"visit", "add", "--date", "2026-03-02", "--households", "8"});
  ASSERT_TRUE(visit.contains("id")) << visit;
  json visits = liaison_json("p.db", {"visit", "list"});
  ASSERT_EQ(visits.size(), 1u);
  EXPECT_EQ(visits[0].at("spokesperson"), id);
  expect_refused("p.db", {"visit", "add", "--spokesperson", other, "--date", "2026-03-02"});
  expect_refused("p.db", {"spokesperson", "add", "--name", "甲"});

  // The visit reaches the station through the district, with the station's roster.
  up("a.db");
  up("p.db");
  down("a.db");
  EXPECT_EQ(liaison_json("a.db", {"spokesperson", "show", id}).at("visit_count"), 1);
}

}  // namespace
}  // namespace liaison::test
