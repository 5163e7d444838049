// apply() under injected faults: every write it makes (rows, log, pending, conflicts, refusals,
// origins, version vector, replica state) is failed in turn, first, second, ... (a fail-Nth
// fake made of TEMP triggers), and each failure must leave the replica exactly as it was: in
// the database and in memory.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "shared/sync/replica.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

using test::exchange;
using test::TestReplica;

struct Snapshot {
  std::string digest;
  std::vector<int64_t> counts;
  VersionVector vv;
  int64_t seq = 0;
  bool operator==(const Snapshot&) const = default;
};

class ApplyFaultsTest : public test::SyncFixture {
 protected:
  // a made two opinions that every receiver has; the changeset then carries a's and c's later
  // edits (one of them conflicting with the receiver's own), a new opinion, a handling step,
  // an edit that must wait for its row, and a refused edit of an append-only row.
  void SetUp() override {
    a_ = &make("a", 1);
    c_ = &make("c", 3);
    auto& hub = make("hub", 4);
    ASSERT_OK_AND_ASSIGN(o1_, test::add_opinion(**a_));
    ASSERT_OK(test::add_opinion(**a_));
    ASSERT_OK(exchange(**a_, **c_));
    VersionVector receiver = (*a_)->version_vector();
    ASSERT_OK_AND_ASSIGN(base_, (*a_)->changes_since({}));
    a_->clock.advance(5'000);
    c_->clock.advance(9'000);
    ASSERT_OK(test::edit(**a_, "opinion", o1_, {{"category", std::string("roads")}}));
    ASSERT_OK(test::edit(**c_, "opinion", o1_, {{"phone", std::string("13800000000")}}));
    ASSERT_OK_AND_ASSIGN(std::string step, test::add_step(**a_, o1_));
    ASSERT_OK(test::add_opinion(**c_));
    ASSERT_OK(exchange(**a_, *hub));
    ASSERT_OK(exchange(**c_, *hub));
    ASSERT_OK_AND_ASSIGN(cs_, hub->changes_since(receiver));
    // Two changes of a third origin: an edit of a row nobody has yet, and one of the step.
    uint32_t x = static_cast<uint32_t>(cs_.origins.size());
    cs_.origins.push_back(test::fixed_uuid(0x77));
    cs_.ranges.push_back({x, 0, 2});
    uint32_t t = static_cast<uint32_t>(cs_.tables.size());
    cs_.tables.push_back({"opinion_step", {"id", "note"}});
    cs_.tables.push_back({"opinion", {"id", "place"}});
    uint64_t hlc = hub->hlc_now() + 1000;
    cs_.changes.push_back({t + 1,
                           "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
                           x,
                           1,
                           hlc,
                           false,
                           {{1, std::string("梨园"), 0, 0}}});
    cs_.changes.push_back({t, step, x, 2, hlc + 1, false, {{1, std::string("rewritten"), 0, 0}}});
  }

  // A receiver in the same state each time: a's two opinions, and its own edit of one of them
  // made before it heard of a's and c's edits.
  TestReplica& receiver(const std::string& name) {
    auto& r = make(name, 2);
    EXPECT_OK(r->apply(base_));
    r.clock.advance(7'000);
    EXPECT_OK(test::edit(*r, "opinion", o1_, {{"category", std::string("safety")}}));
    return r;
  }

  Snapshot snapshot(TestReplica& r) {
    Snapshot s{digest(r), {}, r->version_vector(), scalar(r, "SELECT seq FROM _replica")};
    for (const char* t : {"_log", "_pending", "_conflict", "_refused", "_origin", "_vv"})
      s.counts.push_back(scalar(r, std::string("SELECT COUNT(*) FROM ") + t));
    return s;
  }

  TestReplica* a_ = nullptr;
  TestReplica* c_ = nullptr;
  std::string o1_;
  wire::Changeset base_;  // a's two opinions
  wire::Changeset cs_;
};

TEST_F(ApplyFaultsTest, EveryWriteFailingLeavesTheReplicaAsItWas) {
  auto& reference = receiver("reference");
  ASSERT_OK_AND_ASSIGN(ApplyStats full, reference->apply(cs_));
  ASSERT_GT(full.applied, 0u);
  ASSERT_EQ(full.pending, 1u);
  ASSERT_EQ(full.refused, 1u);
  ASSERT_GE(full.conflicts, 1u);
  Snapshot want = snapshot(reference);

  struct Target {
    const char* table;
    const char* op;
  };
  const Target targets[] = {{"opinion", "INSERT"},      {"opinion", "UPDATE"},
                            {"opinion_step", "INSERT"}, {"_log", "INSERT"},
                            {"_pending", "INSERT"},     {"_conflict", "INSERT"},
                            {"_refused", "INSERT"},     {"_origin", "INSERT"},
                            {"_vv", "INSERT"},          {"_replica", "UPDATE"}};
  int n_receiver = 0;
  for (const Target& target : targets) {
    SCOPED_TRACE(std::string(target.op) + " " + target.table);
    auto& r = receiver("r" + std::to_string(n_receiver++));
    ASSERT_OK(
        r->db().exec("CREATE TEMP TABLE countdown(n INTEGER); INSERT INTO countdown VALUES(0)"));
    ASSERT_OK(r->db().exec(
        std::string("CREATE TEMP TRIGGER fault BEFORE ") + target.op + " ON main." + target.table +
        " BEGIN UPDATE countdown SET n = n - 1; "
        "SELECT RAISE(ABORT, 'injected fault') WHERE (SELECT n FROM countdown) = 0; "
        "END"));
    Snapshot before = snapshot(r);
    int failures = 0;
    for (int nth = 1; nth < 100; ++nth) {
      ASSERT_OK(r->db().exec("UPDATE countdown SET n = " + std::to_string(nth)));
      auto result = r->apply(cs_);
      if (result.is_ok()) break;
      ++failures;
      EXPECT_NE(result.status().message().find("injected fault"), std::string::npos)
          << test::describe(result.status());
      EXPECT_TRUE(snapshot(r) == before) << "write " << nth << " failing left traces";
    }
    EXPECT_GT(failures, 0) << "apply never wrote there: the fault was not exercised";
    EXPECT_TRUE(snapshot(r) == want) << "after the faults, the same changeset applies whole";
    // And the replica goes on: its next own write takes the next sequence number.
    ASSERT_OK(r->db().exec("DROP TRIGGER fault"));
    ASSERT_OK(test::add_opinion(*r));
    EXPECT_EQ(scalar(r, "SELECT seq FROM _replica"), want.seq + 1);
  }
}

}  // namespace
}  // namespace liaison::sync
