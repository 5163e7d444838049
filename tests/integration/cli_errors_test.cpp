// Bad input never damages the database: each failing command prints exactly one line on stderr,
// nothing on stdout, exits non-zero (2 for bad input), and leaves every row as it was.
#include "tests/integration/cli_fixture.h"

namespace liaison::test {
namespace {

struct BadInput {
  const char* name;
  std::vector<std::string> args;  // after --db a.db; "ID" stands for an existing opinion
  int exit_code;
};

void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }

class CliErrorsTest : public CliTest, public ::testing::WithParamInterface<BadInput> {};

std::vector<std::string> with_id(std::vector<std::string> args, const std::string& id) {
  for (std::string& a : args)
    if (a == "ID") a = id;
  return args;
}

TEST_P(CliErrorsTest, FailsWithOneLineAndChangesNothing) {
  init_station("a.db");
  std::string id = add_opinion("a.db", {"--voter", "甲", "--matter", "已有的一条"});
  std::string before = digest("a.db");
  std::string vector_before = liaison({"--db", "a.db", "changes", "vector"}).out;

  for (const char* lang : {"zh", "en"}) {
    std::vector<std::string> args = {"--db", "a.db", "--lang", lang};
    for (const std::string& a : with_id(GetParam().args, id)) args.push_back(a);
    RunResult r = liaison(args);
    expect_one_error_line(r, std::string(lang) == "zh" ? "错误：" : "error: ");
    EXPECT_EQ(r.exit_code, GetParam().exit_code) << r.err;
  }
  EXPECT_EQ(digest("a.db"), before);
  EXPECT_EQ(liaison({"--db", "a.db", "changes", "vector"}).out, vector_before);
}

const BadInput kBadInputs[] = {
    {"EmptyMatter", {"opinion", "add", "--voter", "甲", "--matter", ""}, 2},
    {"BlankMatter", {"opinion", "add", "--voter", "甲", "--matter", " \t　 "}, 2},
    {"BlankVoter", {"opinion", "add", "--voter", "  ", "--matter", "m"}, 2},
    {"MissingMatter", {"opinion", "add", "--voter", "甲"}, 2},
    {"BadDate", {"opinion", "add", "--voter", "甲", "--matter", "m", "--at", "2026-02-30"}, 2},
    {"BadTime", {"opinion", "add", "--voter", "甲", "--matter", "m", "--at", "2026-01-01T25:00"}, 2},
    {"NotATime", {"opinion", "add", "--voter", "甲", "--matter", "m", "--at", "yesterday"}, 2},
    {"BadZone", {"opinion", "add", "--voter", "甲", "--matter", "m", "--at", "2026-01-01T10:00+8"}, 2},
    {"BadSource", {"opinion", "add", "--voter", "甲", "--matter", "m", "--source", "wechat"}, 2},
    {"BadPhone", {"opinion", "add", "--voter", "甲", "--matter", "m", "--phone", "138abc"}, 2},
    {"ShortPhone", {"opinion", "add", "--voter", "甲", "--matter", "m", "--phone", "1234"}, 2},
    {"UnknownIdShow", {"opinion", "show", "no-such-id"}, 2},
    {"UnknownIdSet", {"opinion", "set", "no-such-id", "--category", "教育"}, 2},
    {"UnknownIdStep", {"opinion", "step", "no-such-id", "reported"}, 2},
    {"UnknownIdAmend", {"opinion", "amend", "no-such-id", "--text", "补充"}, 2},
    {"UnknownIdVoid", {"opinion", "void", "no-such-id", "--reason", "重复"}, 2},
    {"SetMatter", {"opinion", "set", "ID", "--matter", "改写"}, 2},
    {"SetBadPhone", {"opinion", "set", "ID", "--phone", "x"}, 2},
    {"SetEmptyVoter", {"opinion", "set", "ID", "--voter", ""}, 2},
    {"EmptyAmendment", {"opinion", "amend", "ID", "--text", " "}, 2},
    {"EmptyVoidReason", {"opinion", "void", "ID", "--reason", ""}, 2},
    {"BadStep", {"opinion", "step", "ID", "solved"}, 2},
    {"UnknownCommand", {"opinion", "delete", "ID"}, 2},
    {"UnknownOption", {"opinion", "list", "--colour"}, 2},
    {"BadOverdueDays", {"opinion", "list", "--overdue-days", "-3"}, 2},
    {"MissingCsv", {"opinion", "import", "--csv", "no-such.csv"}, 2},
    {"UnknownConflict", {"conflicts", "resolve", "42", "--keep", "lost"}, 2},
    {"BadKeep", {"conflicts", "resolve", "1", "--keep", "both"}, 2},
    {"MissingChangesFile", {"changes", "import", "no-such.chg"}, 2},
};

INSTANTIATE_TEST_SUITE_P(Liaison, CliErrorsTest, ::testing::ValuesIn(kBadInputs),
                         [](const auto& p) { return std::string(p.param.name); });

TEST_F(CliTest, UnknownLanguageIsAUsageError) {
  init_station("a.db");
  RunResult r = liaison({"--db", "a.db", "opinion", "list", "--lang", "fr"});
  expect_one_error_line(r);
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(CliTest, NoReplicaIsOneLine) {
  RunResult r = liaison({"--db", "missing.db", "opinion", "list"});
  expect_one_error_line(r);
  EXPECT_FALSE(std::filesystem::exists(path("missing.db")));
}

TEST_F(CliTest, DamagedChangesFileChangesNothing) {
  init_station("a.db");
  add_opinion("a.db", {"--voter", "甲", "--matter", "m"});
  std::string before = digest("a.db");
  write_file("bad.chg", "not a changeset at all");
  expect_one_error_line(liaison({"--db", "a.db", "changes", "import", "bad.chg"}));
  write_file("bad-vv.json", "{\"not-a-uuid\": 3}");
  expect_one_error_line(liaison({"--db", "a.db", "changes", "export", "--out", "x.chg",
                                 "--since", "bad-vv.json"}));
  EXPECT_FALSE(std::filesystem::exists(path("x.chg")));
  EXPECT_EQ(digest("a.db"), before);
}

}  // namespace
}  // namespace liaison::test
