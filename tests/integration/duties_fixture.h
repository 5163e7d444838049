// The fixture of the tests of reception days, the spokesperson archive and deputies' archives:
// a district (d.db) with a home H1, a station S1 of 3000 registered voters, a district deputy D1
// fixed to S1 and a city deputy D2 fixed to H1; a station device a.db of S1 that has received
// that reference data; and helpers that carry changes between them by file, as people do.
#pragma once

#include <string>
#include <vector>

#include "tests/integration/cli_fixture.h"

namespace liaison::test {

class DutiesTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    server_json("d.db", {"init"});
    server_json("d.db", {"home", "add", "--id", "H1", "--name", "梨园镇代表之家"});
    server_json("d.db", {"station", "add", "--id", "S1", "--name", "大稿村联络站", "--home", "H1",
                         "--voters", "3000"});
    server_json("d.db", {"deputy", "add", "--id", "D1", "--name", "王建国", "--level", "district",
                         "--station", "S1", "--phone", "13800000001", "--gender", "m",
                         "--term-start", "2022-01-01", "--term-end", "2026-12-31"});
    server_json("d.db", {"deputy", "add", "--id", "D2", "--name", "李秀英", "--level", "city",
                         "--home", "H1"});
    init_station("a.db", "S1");
    down("a.db");
  }

  // Everything the district has, imported on the station device at db.
  void down(const std::string& db) {
    run_ok(server({"--db", "d.db", "changes", "export", "--out", "down.chg"}));
    run_ok(liaison({"--db", db, "changes", "import", "down.chg"}));
  }
  // Everything the station device at db has, imported at the district.
  void up(const std::string& db) {
    run_ok(liaison({"--db", db, "changes", "export", "--out", "up.chg"}));
    run_ok(server({"--db", "d.db", "changes", "import", "up.chg"}));
  }

  static void run_ok(const RunResult& r) { ASSERT_EQ(r.exit_code, 0) << r.err; }

  // Runs `liaison --db db args... --json` and returns the "id" it printed ("" on failure).
  std::string new_id(const std::string& db, std::vector<std::string> args) {
    nlohmann::json j = liaison_json(db, std::move(args));
    return j.is_object() && j.contains("id") ? j.at("id").get<std::string>() : "";
  }

  // Registers a spokesperson of S1 on a.db and returns its id.
  std::string spokesperson(std::vector<std::string> options) {
    options.insert(options.begin(), {"spokesperson", "add"});
    return new_id("a.db", std::move(options));
  }

  // A failure that must change nothing: one error line, and the same digest afterwards.
  void expect_refused(const std::string& db, std::vector<std::string> args) {
    std::string before = digest(db);
    args.insert(args.begin(), {"--db", db});
    RunResult r = liaison(args);
    expect_one_error_line(r);
    EXPECT_EQ(digest(db), before);
  }
  void expect_server_refused(std::vector<std::string> args) {
    std::string before = digest("d.db");
    args.insert(args.begin(), {"--db", "d.db"});
    RunResult r = server(args);
    expect_one_error_line(r);
    EXPECT_EQ(digest("d.db"), before);
  }
};

}  // namespace liaison::test
