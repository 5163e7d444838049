// liaison reception plan | add | held | list | show | void, run as the real binary: a reception
// day announced in advance and then recorded as held with the deputies and spokespersons present,
// the voters received and the opinions taken; photos attached; bad input changes nothing.
#include "tests/integration/duties_fixture.h"

namespace liaison::test {
namespace {

using nlohmann::json;

class ReceptionTest : public DutiesTest {
 protected:
  void SetUp() override {
    DutiesTest::SetUp();
    p1_ = spokesperson({"--name", "张桂芳", "--gender", "f"});
    opinion_ = add_opinion("a.db", {"--voter", "李素梅", "--matter", "希望建一个老年餐桌"});
  }

  // The reception with this id in `reception list --json` (null when absent).
  json listed(const std::string& id) {
    for (const json& r : liaison_json("a.db", {"reception", "list"}))
      if (r.at("id") == id) return r;
    return nullptr;
  }

  std::string p1_, opinion_;
};

TEST_F(ReceptionTest, AnnouncedThenHeldWithPeopleVotersAndOpinions) {
  std::string id = new_id("a.db", {"reception", "plan", "--date", "2026-03-15", "--place",
                                   "村委会", "--topic", "老旧小区改造"});
  ASSERT_FALSE(id.empty());
  json planned = listed(id);
  EXPECT_EQ(planned.at("state"), "planned");
  EXPECT_EQ(planned.at("kind"), "reception");
  EXPECT_EQ(planned.at("station"), "S1");
  EXPECT_EQ(planned.at("planned_on"), "2026-03-15");
  EXPECT_TRUE(planned.at("held_on").is_null());

  json held = liaison_json("a.db", {"reception", "held", id, "--date", "2026-03-16", "--voters",
                                    "23", "--deputy", "D1", "--deputy", "D2", "--spokesperson",
                                    p1_, "--opinion", opinion_});
  EXPECT_EQ(held.at("state"), "held");
  EXPECT_EQ(held.at("planned_on"), "2026-03-15");
  EXPECT_EQ(held.at("held_on"), "2026-03-16");
  EXPECT_EQ(held.at("voters_received"), 23);
  EXPECT_EQ(held.at("deputies_present"), 2);
  EXPECT_EQ(held.at("spokespersons_present"), 1);
  EXPECT_EQ(held.at("opinions_taken"), 1);

  json shown = liaison_json("a.db", {"reception", "show", id});
  ASSERT_EQ(shown.at("attendees").size(), 3u);
  EXPECT_EQ(shown.at("attendees")[0], json({{"kind", "deputy"}, {"id", "D1"}, {"name", "王建国"}}));
  EXPECT_EQ(shown.at("attendees")[1].at("id"), "D2");
  EXPECT_EQ(shown.at("attendees")[2],
            json({{"kind", "spokesperson"}, {"id", p1_}, {"name", "张桂芳"}}));
  ASSERT_EQ(shown.at("opinions").size(), 1u);
  EXPECT_EQ(shown.at("opinions")[0].at("id"), opinion_);
  EXPECT_EQ(shown.at("opinions")[0].at("matter"), "希望建一个老年餐桌");
  EXPECT_TRUE(shown.at("attachments").empty());

  RunResult zh = liaison({"--db", "a.db", "reception", "show", id});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  for (const char* text : {"接待选民日", "已举行", "王建国", "张桂芳", "老年餐桌", "23"})
    EXPECT_NE(zh.out.find(text), std::string::npos) << text << "\n" << zh.out;
  RunResult en = liaison({"--db", "a.db", "--lang", "en", "reception", "list"});
  ASSERT_EQ(en.exit_code, 0) << en.err;
  EXPECT_NE(en.out.find("held"), std::string::npos) << en.out;
  EXPECT_NE(en.out.find("2026-03-16"), std::string::npos) << en.out;
}

TEST_F(ReceptionTest, AddLogsAReceptionAlreadyHeld) {
  RunResult r = liaison({"--db", "a.db", "reception", "add", "--date", "2026-04-15", "--place",
                         "村委会", "--topic", "垃圾分类", "--deputy", "D1", "--spokesperson", p1_,
                         "--voters", "12", "--opinion", opinion_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("已登记活动"), std::string::npos) << r.out;
  json list = liaison_json("a.db", {"reception", "list"});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("state"), "held");
  EXPECT_EQ(list[0].at("held_on"), "2026-04-15");
  EXPECT_TRUE(list[0].at("planned_on").is_null());
  EXPECT_EQ(list[0].at("voters_received"), 12);
  EXPECT_EQ(list[0].at("deputies_present"), 1);
  EXPECT_EQ(list[0].at("opinions_taken"), 1);
  EXPECT_EQ(list[0].at("topic"), "垃圾分类");

  std::string planned = new_id("a.db", {"reception", "add", "--planned", "--date", "2026-05-15",
                                        "--place", "村委会", "--topic", "夏季防汛"});
  EXPECT_EQ(listed(planned).at("state"), "planned");
  EXPECT_EQ(liaison_json("a.db", {"reception", "list", "--state", "planned"}).size(), 1u);
  EXPECT_EQ(liaison_json("a.db", {"reception", "list", "--state", "held"}).size(), 1u);
  // Newest first.
  EXPECT_EQ(liaison_json("a.db", {"reception", "list"})[0].at("id"), planned);
}

TEST_F(ReceptionTest, HeldAgainAddsOnlyWhatIsNew) {
  std::string id = new_id("a.db", {"reception", "add", "--date", "2026-03-15", "--place", "村委会",
                                   "--topic", "议题", "--deputy", "D1", "--voters", "9"});
  json again = liaison_json("a.db", {"reception", "held", id, "--date", "2026-03-15", "--deputy",
                                     "D1", "--deputy", "D2"});
  EXPECT_EQ(again.at("deputies_present"), 2);
  EXPECT_EQ(again.at("attendees").size(), 2u);
  EXPECT_EQ(again.at("voters_received"), 9);  // not given again: unchanged
  std::string before = digest("a.db");
  json same = liaison_json("a.db", {"reception", "held", id, "--date", "2026-03-15", "--deputy",
                                    "D2"});
  EXPECT_EQ(same.at("attendees").size(), 2u);
  EXPECT_EQ(digest("a.db"), before);
}

TEST_F(ReceptionTest, BadInputIsOneLineAndChangesNothing) {
  std::vector<std::string> base = {"reception", "add", "--date", "2026-03-15", "--place", "村委会",
                                   "--topic", "议题"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  expect_refused("a.db", {"reception", "add", "--date", "2026-03-15", "--place", "村委会",
                          "--topic", "  "});
  expect_refused("a.db", {"reception", "plan", "--date", "2026-03-15", "--place", "",
                          "--topic", "议题"});
  expect_refused("a.db", {"reception", "add", "--date", "2026-3-15", "--place", "村委会",
                          "--topic", "议题"});
  expect_refused("a.db", {"reception", "add", "--date", "2026-02-30", "--place", "村委会",
                          "--topic", "议题"});
  expect_refused("a.db", with({"--voters=-3"}));
  expect_refused("a.db", with({"--voters", "十二"}));
  expect_refused("a.db", with({"--deputy", "D9"}));
  expect_refused("a.db", with({"--spokesperson", "P9"}));
  expect_refused("a.db", with({"--opinion", "O9"}));
  expect_refused("a.db", with({"--deputy", "D1", "--opinion", "O9"}));  // all or nothing
  expect_refused("a.db", with({"--planned", "--deputy", "D1"}));
  expect_refused("a.db", {"reception", "held", "R9", "--date", "2026-03-15"});
  expect_refused("a.db", {"reception", "show", "R9"});
  expect_refused("a.db", {"reception", "list", "--state", "someday"});

  std::string id = new_id("a.db", {"reception", "plan", "--date", "2026-03-15", "--place",
                                   "村委会", "--topic", "议题"});
  expect_refused("a.db", {"reception", "held", id, "--date", "15/03/2026"});
  expect_refused("a.db", {"reception", "held", id, "--date", "2026-03-15", "--voters=-1"});
  expect_refused("a.db", {"reception", "held", id, "--date", "2026-03-15", "--deputy", "D9"});
  EXPECT_EQ(liaison_json("a.db", {"reception", "show", id}).at("state"), "planned");
}

TEST_F(ReceptionTest, ACancelledReceptionStaysAndCannotBeHeld) {
  std::string id = new_id("a.db", {"reception", "plan", "--date", "2026-03-15", "--place",
                                   "村委会", "--topic", "议题"});
  expect_refused("a.db", {"reception", "void", id, "--reason", " "});
  json voided = liaison_json("a.db", {"reception", "void", id, "--reason", "暴雨改期"});
  EXPECT_EQ(voided.at("state"), "void");
  EXPECT_EQ(voided.at("void_reason"), "暴雨改期");
  EXPECT_EQ(liaison_json("a.db", {"reception", "list", "--state", "void"}).size(), 1u);
  EXPECT_TRUE(liaison_json("a.db", {"reception", "list", "--state", "planned"}).empty());
  expect_refused("a.db", {"reception", "held", id, "--date", "2026-03-15"});
}

TEST_F(ReceptionTest, PhotosAreAttachedToTheReception) {
  std::string id = new_id("a.db", {"reception", "add", "--date", "2026-03-15", "--place",
                                   "村委会", "--topic", "议题"});
  write_file("photo.jpg", std::string("\xFF\xD8\xFF\xE0", 4) + std::string(2000, 'j'));
  json attached = liaison_json("a.db", {"attach", id, "photo.jpg"});
  json shown = liaison_json("a.db", {"reception", "show", id});
  ASSERT_EQ(shown.at("attachments").size(), 1u);
  EXPECT_EQ(shown.at("attachments")[0].at("id"), attached.at("id"));
  EXPECT_EQ(shown.at("attachments")[0].at("mime"), "image/jpeg");
  RunResult text = liaison({"--db", "a.db", "reception", "show", id});
  EXPECT_NE(text.out.find("photo.jpg"), std::string::npos) << text.out;
}

TEST_F(ReceptionTest, OnlyAStationDeviceLogsReceptions) {
  init_station("p.db", "S1", {"--spokesperson", p1_});
  expect_refused("p.db", {"reception", "add", "--date", "2026-03-15", "--place", "村委会",
                          "--topic", "议题"});
  expect_server_refused({"meeting", "add", "--home", "H9", "--date", "2026-03-15", "--place",
                         "代表之家", "--topic", "议题"});
}

}  // namespace
}  // namespace liaison::test
