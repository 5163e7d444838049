// liaison: init, opinion add/list/show/set/step/amend/void and the global options, run as the
// real binary.
#include "tests/integration/cli_fixture.h"

#include "shared/util/uuid.h"

namespace liaison::test {
namespace {

using nlohmann::json;

TEST_F(CliTest, InitPrintsReplicaAndRefusesToOverwrite) {
  json created = liaison_json("a.db", {"init", "--station", "S1"});
  EXPECT_TRUE(is_uuid_text(created.at("replica").get<std::string>()));
  EXPECT_EQ(created.at("station"), "S1");
  EXPECT_EQ(created.at("role"), "station");
  std::string before = digest("a.db");

  RunResult again = liaison({"--db", "a.db", "init", "--station", "S2"});
  expect_one_error_line(again);
  RunResult again_en = liaison({"--db", "a.db", "init", "--station", "S2", "--lang", "en"});
  expect_one_error_line(again_en, "error: ");
  EXPECT_EQ(digest("a.db"), before);
  json status = liaison_json("a.db", {"status"});
  EXPECT_EQ(status.at("replica"), created.at("replica"));
  EXPECT_EQ(status.at("station"), "S1");
}

TEST_F(CliTest, InitWithSpokespersonMakesASpokespersonDevice) {
  json created = liaison_json("p.db", {"init", "--station", "S1", "--spokesperson", "P7"});
  EXPECT_EQ(created.at("role"), "spokesperson");
  std::string id = add_opinion("p.db", {"--voter", "甲", "--matter", "路灯不亮"});
  json shown = liaison_json("p.db", {"opinion", "show", id});
  EXPECT_EQ(shown.at("source"), "visit");
  EXPECT_EQ(shown.at("spokesperson"), "P7");
}

TEST_F(CliTest, AddPrintsIdForPeopleInChineseAndEnglish) {
  init_station("a.db");
  RunResult zh = liaison({"--db", "a.db", "opinion", "add", "--voter", "张三", "--matter", "路灯坏了"});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  EXPECT_NE(zh.out.find("已记录意见建议"), std::string::npos) << zh.out;
  RunResult en = liaison({"--db", "a.db", "--lang", "en", "opinion", "add", "--voter", "李四",
                          "--matter", "垃圾清运不及时"});
  ASSERT_EQ(en.exit_code, 0) << en.err;
  EXPECT_NE(en.out.find("opinion recorded"), std::string::npos) << en.out;
  EXPECT_TRUE(zh.err.empty() && en.err.empty());
  EXPECT_EQ(liaison_json("a.db", {"opinion", "list"}).size(), 2u);
}

TEST_F(CliTest, AddWithJsonStoresTheMatterVerbatim) {
  init_station("a.db");
  std::string matter = "  村口的路，\n坑洼不平  （下雨积水）  ";
  RunResult r = liaison({"--db", "a.db", "opinion", "add", "--json", "--voter", " 王五 ", "--matter",
                         matter, "--phone", "+86 138-0000-0001", "--place", "梨园镇",
                         "--category", "交通出行", "--at", "2026-03-07T16:59+08:00"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json added = json::parse(r.out);
  ASSERT_EQ(added.size(), 1u);
  std::string id = added.at("id");
  json o = liaison_json("a.db", {"opinion", "show", id});
  EXPECT_EQ(o.at("matter"), matter);
  EXPECT_EQ(o.at("voter"), "王五");
  EXPECT_EQ(o.at("phone"), "+86 138-0000-0001");
  EXPECT_EQ(o.at("at"), "2026-03-07T16:59:00+08:00");
  EXPECT_EQ(o.at("source"), "reception");
  EXPECT_EQ(o.at("status"), "recorded");
  EXPECT_EQ(o.at("station"), "S1");
  EXPECT_EQ(o.at("recorded_by"), liaison_json("a.db", {"status"}).at("replica"));
  for (const char* key : {"id", "station", "voter", "phone", "place", "matter", "category", "source",
                          "at", "status", "spokesperson", "void_reason", "created_at",
                          "recorded_by", "steps", "amendments", "conflicts"})
    EXPECT_TRUE(o.contains(key)) << key;
}

TEST_F(CliTest, ShowIncludesStepsAmendmentsAndDerivedStatus) {
  init_station("a.db");
  std::string id = add_opinion("a.db", {"--voter", "甲", "--matter", "希望增设公交站"});
  auto step = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", "a.db", "opinion", "step", id});
    RunResult r = liaison(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  };
  step({"reported"});
  EXPECT_EQ(liaison_json("a.db", {"opinion", "show", id}).at("status"), "reported");
  step({"referred", "--to", "区交通局", "--note", "分级转办", "--by", "D1"});
  step({"replied"});
  EXPECT_EQ(liaison_json("a.db", {"opinion", "show", id}).at("status"), "replied");
  step({"reopened"});
  json amended = liaison_json("a.db", {"opinion", "amend", id, "--text", "选民补充：早高峰最需要"});
  EXPECT_TRUE(amended.contains("id"));

  json o = liaison_json("a.db", {"opinion", "show", id});
  EXPECT_EQ(o.at("status"), "reported");
  ASSERT_EQ(o.at("steps").size(), 4u);
  EXPECT_EQ(o.at("steps")[1].at("step"), "referred");
  EXPECT_EQ(o.at("steps")[1].at("to"), "区交通局");
  EXPECT_EQ(o.at("steps")[1].at("by"), "D1");
  ASSERT_EQ(o.at("amendments").size(), 1u);
  EXPECT_EQ(o.at("amendments")[0].at("text"), "选民补充：早高峰最需要");
  EXPECT_EQ(o.at("matter"), "希望增设公交站");
  EXPECT_TRUE(o.at("conflicts").empty());

  RunResult human = liaison({"--db", "a.db", "opinion", "show", id});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("办理过程"), std::string::npos);
  EXPECT_NE(human.out.find("区交通局"), std::string::npos);
  EXPECT_NE(human.out.find("选民补充：早高峰最需要"), std::string::npos);
}

TEST_F(CliTest, RedirectedStepNeedsALegalChannel) {
  init_station("a.db");
  std::string id = add_opinion("a.db", {"--voter", "甲", "--matter", "劳动纠纷"});
  std::string before = digest("a.db");
  expect_one_error_line(liaison({"--db", "a.db", "opinion", "step", id, "redirected"}));
  expect_one_error_line(liaison({"--db", "a.db", "opinion", "step", id, "redirected", "--channel", "court"}));
  expect_one_error_line(liaison({"--db", "a.db", "opinion", "step", id, "finished"}));
  EXPECT_EQ(digest("a.db"), before);
  json step = liaison_json("a.db", {"opinion", "step", id, "redirected", "--channel", "arbitration"});
  json o = liaison_json("a.db", {"opinion", "show", id});
  EXPECT_EQ(o.at("status"), "redirected");
  EXPECT_EQ(o.at("steps")[0].at("channel"), "arbitration");
  EXPECT_EQ(o.at("steps")[0].at("id"), step.at("id"));
}

TEST_F(CliTest, AStepThatMakesNoSenseForTheStatusIsRefused) {
  init_station("a.db");
  std::string id = add_opinion("a.db", {"--voter", "甲", "--matter", "小区门口积水"});
  auto step = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", "a.db", "opinion", "step", id});
    return liaison(args);
  };
  std::string before = digest("a.db");
  expect_one_error_line(step({"reopened"}));  // nothing to reopen
  expect_one_error_line(step({"closed"}));    // nothing was done yet
  RunResult en = step({"closed", "--lang", "en"});
  EXPECT_NE(en.err.find("cannot be closed"), std::string::npos) << en.err;
  EXPECT_EQ(digest("a.db"), before);

  ASSERT_EQ(step({"explained"}).exit_code, 0);
  ASSERT_EQ(step({"closed"}).exit_code, 0);
  before = digest("a.db");
  expect_one_error_line(step({"replied"}));  // closed: reopen first
  EXPECT_EQ(digest("a.db"), before);
  ASSERT_EQ(step({"reopened"}).exit_code, 0);
  EXPECT_EQ(liaison_json("a.db", {"opinion", "show", id}).at("status"), "reported");

  ASSERT_EQ(liaison({"--db", "a.db", "opinion", "void", id, "--reason", "重复登记"}).exit_code, 0);
  before = digest("a.db");
  RunResult on_void = step({"replied"});
  expect_one_error_line(on_void);
  EXPECT_NE(on_void.err.find("作废"), std::string::npos) << on_void.err;
  EXPECT_EQ(digest("a.db"), before);
}

TEST_F(CliTest, SetChangesEditableFieldsButNeverTheMatter) {
  init_station("a.db");
  std::string id = add_opinion("a.db", {"--voter", "甲", "--matter", "原话不可改", "--phone", "13800000001"});
  std::string before = digest("a.db");
  expect_one_error_line(liaison({"--db", "a.db", "opinion", "set", id, "--matter", "改过的话"}));
  expect_one_error_line(liaison({"--db", "a.db", "opinion", "set", id}));
  EXPECT_EQ(digest("a.db"), before);

  json o = liaison_json("a.db", {"opinion", "set", id, "--category", "城市管理", "--phone", "",
                                 "--place", "宋庄镇", "--voter", "甲某"});
  EXPECT_EQ(o.at("id"), id);
  EXPECT_EQ(o.at("category"), "城市管理");
  EXPECT_TRUE(o.at("phone").is_null());
  EXPECT_EQ(o.at("place"), "宋庄镇");
  EXPECT_EQ(o.at("voter"), "甲某");
  EXPECT_EQ(o.at("matter"), "原话不可改");
}

TEST_F(CliTest, VoidKeepsTheRecordWithStatusVoid) {
  init_station("a.db");
  std::string id = add_opinion("a.db", {"--voter", "甲", "--matter", "重复录入的一条"});
  add_opinion("a.db", {"--voter", "乙", "--matter", "另一条"});
  json o = liaison_json("a.db", {"opinion", "void", id, "--reason", "重复"});
  EXPECT_EQ(o.at("status"), "void");
  EXPECT_EQ(o.at("void_reason"), "重复");
  EXPECT_EQ(o.at("matter"), "重复录入的一条");
  EXPECT_EQ(liaison_json("a.db", {"opinion", "list"}).size(), 2u);
  json voided = liaison_json("a.db", {"opinion", "list", "--status", "void"});
  ASSERT_EQ(voided.size(), 1u);
  EXPECT_EQ(voided[0].at("id"), id);
}

TEST_F(CliTest, ListFiltersByStatusCategorySearchAndOverdue) {
  init_station("a.db");
  std::string old_open = add_opinion("a.db", {"--voter", "甲", "--matter", "老人吃饭难，希望建老年餐桌",
                                              "--category", "养老服务", "--at", "2020-01-05"});
  std::string old_replied = add_opinion("a.db", {"--voter", "乙", "--matter", "路灯坏了",
                                                 "--place", "运河湾社区", "--category", "城市管理",
                                                 "--at", "2020-02-01T09:00:00Z"});
  std::string recent = add_opinion("a.db", {"--voter", "丙老人", "--matter", "垃圾清运不及时",
                                            "--category", "城市管理"});
  ASSERT_EQ(liaison({"--db", "a.db", "opinion", "step", old_replied, "replied"}).exit_code, 0);

  auto ids = [](const json& list) {
    std::vector<std::string> out;
    for (const json& o : list) out.push_back(o.at("id"));
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(liaison_json("a.db", {"opinion", "list"})), (V{recent, old_replied, old_open}));
  EXPECT_EQ(ids(liaison_json("a.db", {"opinion", "list", "--status", "replied"})), V{old_replied});
  EXPECT_EQ(ids(liaison_json("a.db", {"opinion", "list", "--category", "城市管理"})),
            (V{recent, old_replied}));
  EXPECT_EQ(ids(liaison_json("a.db", {"opinion", "list", "--search", "老人"})), (V{recent, old_open}));
  EXPECT_EQ(ids(liaison_json("a.db", {"opinion", "list", "--search", "运河湾"})), V{old_replied});
  EXPECT_EQ(ids(liaison_json("a.db", {"opinion", "list", "--search", "%"})), V{});
  EXPECT_EQ(ids(liaison_json("a.db", {"opinion", "list", "--overdue"})), V{old_open});
  EXPECT_EQ(ids(liaison_json("a.db", {"opinion", "list", "--overdue", "--overdue-days", "1000000"})), V{});
  EXPECT_EQ(ids(liaison_json("a.db", {"opinion", "list", "--status", "recorded", "--category", "城市管理"})),
            V{recent});
  expect_one_error_line(liaison({"--db", "a.db", "opinion", "list", "--status", "done"}));
}

TEST_F(CliTest, GlobalOptionsMayFollowTheCommandWords) {
  RunResult init = liaison({"init", "--station", "S1", "--db", "late.db", "--json", "--lang", "en"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_TRUE(json::parse(init.out).contains("replica"));
  RunResult add = liaison({"opinion", "add", "--voter", "甲", "--matter", "m", "--json", "--db", "late.db"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  std::string id = json::parse(add.out).at("id");
  RunResult list = liaison({"opinion", "list", "--lang", "en", "--db", "late.db"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("matter (verbatim)"), std::string::npos) << list.out;
  RunResult show = liaison({"--lang=en", "opinion", "show", id, "--db=late.db", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(json::parse(show.out).at("id"), id);
  RunResult missing = liaison({"opinion", "show", "nope", "--db", "late.db", "--lang", "en"});
  expect_one_error_line(missing, "error: ");
}

TEST_F(CliTest, DatabaseComesFromTheEnvironmentOrTheWorkingDirectory) {
  ASSERT_EQ(liaison({"init", "--station", "S1"}).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(path("liaison.db")));
  std::map<std::string, std::string> env = {{"LIAISON_DB", path("env.db")}};
  ASSERT_EQ(liaison({"init", "--station", "S2"}, env).exit_code, 0);
  EXPECT_EQ(liaison_json(path("env.db"), {"status"}).at("station"), "S2");
  RunResult status = liaison({"status", "--json"}, env);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(json::parse(status.out).at("station"), "S2");
}

TEST_F(CliTest, HelpExitsZero) {
  RunResult help = liaison({"opinion", "add", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--matter"), std::string::npos);
}

// A record says once why it was voided: voiding it again is refused and the first reason stays
// (for opinions, spokespersons and reception days alike).
TEST_F(CliTest, VoidingTwiceIsRefusedAndKeepsTheFirstReason) {
  init_station("s.db");
  std::string op = add_opinion("s.db", {"--voter", "甲", "--matter", "路灯"});
  ASSERT_EQ(liaison({"--db", "s.db", "opinion", "void", op, "--reason", "重复登记"}).exit_code, 0);
  expect_one_error_line(liaison({"--db", "s.db", "opinion", "void", op, "--reason", "别的"}));
  EXPECT_EQ(liaison_json("s.db", {"opinion", "show", op})["void_reason"], "重复登记");

  std::string sp =
      liaison_json("s.db", {"spokesperson", "add", "--name", "王桂芳"})["id"].get<std::string>();
  ASSERT_EQ(liaison({"--db", "s.db", "spokesperson", "void", sp, "--reason", "迁出"}).exit_code, 0);
  expect_one_error_line(liaison({"--db", "s.db", "spokesperson", "void", sp, "--reason", "x"}));
  EXPECT_EQ(liaison_json("s.db", {"spokesperson", "show", sp})["void_reason"], "迁出");

  std::string rc = liaison_json("s.db", {"reception", "plan", "--date", "2026-12-01", "--place",
                                         "站里", "--topic", "供暖"})["id"]
                       .get<std::string>();
  ASSERT_EQ(liaison({"--db", "s.db", "reception", "void", rc, "--reason", "改期"}).exit_code, 0);
  expect_one_error_line(liaison({"--db", "s.db", "reception", "void", rc, "--reason", "x"}));
  EXPECT_EQ(liaison_json("s.db", {"reception", "show", rc})["void_reason"], "改期");
}

}  // namespace
}  // namespace liaison::test
