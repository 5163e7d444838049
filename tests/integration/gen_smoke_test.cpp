// liaison-gen (tools/gen) at a tiny size: the records it writes are what the programs read
// back (counts, statuses, receptions, the roster, archives), the same seed gives the same
// records, another seed others, and existing replicas are not overwritten.
#include "tests/integration/cli_fixture.h"

namespace liaison::test {
namespace {

using nlohmann::json;

class GenTest : public CliTest {
 protected:
  RunResult gen(const std::string& out, const std::string& seed) {
    return run({LIAISON_GEN_BIN, "--out", out, "--stations", "2", "--opinions", "40",
                "--spokespersons", "3", "--seed", seed},
               dir_.path());
  }
  json gen_json(const std::string& out, const std::string& seed) {
    RunResult r = gen(out, seed);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
};

TEST_F(GenTest, ATinyDistrictHasAYearOfRecordsTheProgramsRead) {
  json summary = gen_json("g1", "11");
  ASSERT_TRUE(summary.is_object()) << summary;
  ASSERT_EQ(summary.at("stations").size(), 2u);
  json s1 = summary.at("stations")[0].at("rows");
  EXPECT_EQ(s1.at("opinion"), 40);
  EXPECT_EQ(s1.at("spokesperson"), 3);
  EXPECT_GE(s1.at("activity").get<int>(), 9);  // a reception day nearly every month
  EXPECT_LE(s1.at("activity").get<int>(), 12);
  EXPECT_GT(s1.at("visit").get<int>(), 3 * 8);  // rounds every two to five weeks
  EXPECT_EQ(summary.at("district").at("rows").at("opinion"), 80);
  EXPECT_EQ(summary.at("district").at("rows").at("spokesperson"), 6);

  json opinions = liaison_json("g1/S01.db", {"opinion", "list"});
  ASSERT_EQ(opinions.size(), 40u);
  size_t settled = 0;
  for (const json& o : opinions) {
    EXPECT_EQ(o.at("station"), "S01");
    EXPECT_FALSE(o.at("matter").get<std::string>().empty());
    EXPECT_EQ(o.at("at").get<std::string>().substr(0, 4), "2025");
    std::string status = o.at("status");
    if (status == "replied" || status == "closed") ++settled;
  }
  EXPECT_GE(settled, 20u) << "most opinions are answered";
  EXPECT_LT(settled, 40u) << "some are not";

  json receptions = liaison_json("g1/S01.db", {"reception", "list", "--state", "held"});
  ASSERT_GE(receptions.size(), 9u);
  for (const json& r : receptions) {
    EXPECT_EQ(r.at("kind"), "reception");
    EXPECT_GE(r.at("deputies_present").get<int>(), 1);
    EXPECT_GT(r.at("voters_received").get<int>(), 0);
  }
  json coverage = liaison_json("g1/S01.db", {"spokesperson", "coverage"});
  EXPECT_EQ(coverage.at("spokespersons"), 3);
  ASSERT_TRUE(coverage.at("registered_voters").is_number());
  EXPECT_LE(coverage.at("covered_voters").get<int>(), coverage.at("registered_voters").get<int>());
  EXPECT_GE(coverage.at("covered_voters").get<int>() * 100,
            coverage.at("registered_voters").get<int>() * 80);

  json deputies = liaison_json("g1/S01.db", {"deputy", "list"});
  std::string deputy;
  for (const json& d : deputies)
    if (d.at("station") == "S01") deputy = d.at("id");
  ASSERT_FALSE(deputy.empty()) << deputies;
  EXPECT_GE(liaison_json("g1/S01.db", {"deputy", "archive", deputy}).at("activities").size(), 1u);

  EXPECT_EQ(server_json("g1/district.db", {"opinion", "list"}).size(), 80u);
  EXPECT_FALSE(server_json("g1/district.db", {"meeting", "list"}).empty());
}

TEST_F(GenTest, TheSeedDecidesTheRecords) {
  gen_json("g1", "11");
  gen_json("g2", "11");
  gen_json("g3", "12");
  EXPECT_EQ(digest("g1/S01.db"), digest("g2/S01.db"));
  EXPECT_EQ(digest("g1/district.db"), digest("g2/district.db"));
  EXPECT_NE(digest("g1/S01.db"), digest("g3/S01.db"));

  std::string before = digest("g1/S01.db");
  RunResult again = gen("g1", "11");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_EQ(line_count(again.err), 1u) << again.err;
  EXPECT_EQ(digest("g1/S01.db"), before);
}

}  // namespace
}  // namespace liaison::test
