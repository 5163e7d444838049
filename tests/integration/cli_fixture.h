// The fixture of the integration tests: a fresh temporary directory per test and helpers that
// run the real programs in it (paths from CMake) and look at their results and databases.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shared/sync/replica.h"
#include "tests/common/run.h"

namespace liaison::test {

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()) << "no temporary directory"; }

  // Runs liaison / liaison-server with args in the test's directory.
  RunResult liaison(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), LIAISON_CLIENT_BIN);
    return run(std::move(args), dir_.path(), env);
  }
  RunResult server(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), LIAISON_SERVER_BIN);
    return run(std::move(args), dir_.path(), env);
  }

  std::string path(const std::string& name) const { return dir_.file(name); }

  void write_file(const std::string& name, const std::string& bytes) {
    std::ofstream f(path(name), std::ios::binary);
    f << bytes;
  }

  // Creates a station replica at db (relative to the test directory).
  void init_station(const std::string& db, const std::string& station = "S1",
                    std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--db", db, "init", "--station", station};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = liaison(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Records an opinion on db and returns its id.
  std::string add_opinion(const std::string& db, std::vector<std::string> options) {
    std::vector<std::string> args = {"--db", db, "opinion", "add", "--json"};
    args.insert(args.end(), options.begin(), options.end());
    RunResult r = liaison(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out).at("id").get<std::string>() : "";
  }

  // Runs a command with --json on db and parses what it printed.
  nlohmann::json liaison_json(const std::string& db, std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db});
    args.push_back("--json");
    RunResult r = liaison(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  nlohmann::json server_json(const std::string& db, std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db});
    args.push_back("--json");
    RunResult r = server(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  // The digest of every domain row of the replica at db (relative to the test directory).
  std::string digest(const std::string& db) {
    auto replica = sync::Replica::open(path(db));
    if (!replica) return "cannot open: " + replica.status().message();
    auto d = replica.value()->digest();
    return d ? d.value() : "no digest: " + d.status().message();
  }

  static size_t line_count(const std::string& text) {
    size_t n = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }

  // A failure: non-zero exit, exactly one line on stderr beginning with prefix, nothing on stdout.
  static void expect_one_error_line(const RunResult& r, const std::string& prefix = "错误：") {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(line_count(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }

  TempDir dir_;
};

}  // namespace liaison::test
