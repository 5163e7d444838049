// Conflicts, table-driven: which write wins (later timestamp, or the greater origin id on equal
// timestamps), when the loser is logged (concurrent writes) and when not (a knowing overwrite,
// equal values), and how a person re-decides a logged conflict.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "shared/sync/replica.h"
#include "shared/util/hlc.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

using test::exchange;
using test::TestReplica;

constexpr int64_t kT0 = test::kEpochMs;

// Three replicas that all hold one opinion created on a; a and b edit it, c only listens.
class ConflictWorld {
 public:
  explicit ConflictWorld(test::ReplicaSet& set, bool a_id_greater) {
    test::ReplicaSpec spec;
    spec.name = "a";
    spec.seed = 1;
    spec.id = test::fixed_uuid(a_id_greater ? 0xa0 : 0x10);
    a = set.make(spec);
    spec.name = "b";
    spec.seed = 2;
    spec.id = test::fixed_uuid(a_id_greater ? 0x10 : 0xa0);
    b = set.make(spec);
    spec.name = "c";
    spec.seed = 3;
    spec.id = test::fixed_uuid(0x55);
    c = set.make(spec);
  }

  // Creates the opinion on a and gives it to b and c.
  Status setup() {
    LIAISON_ASSIGN_OR_RETURN(id, test::add_opinion(**a));
    LIAISON_RETURN_IF_ERROR(test::status_of(exchange(**a, **b)));
    return test::status_of(exchange(**a, **c));
  }

  Status write(TestReplica& r, const std::string& value) {
    return test::edit(*r, "opinion", id, {{"category", value}});
  }

  // The stamp of the category field on r.
  Result<FieldClock> clock_of(TestReplica& r) {
    const TablePolicy& t = test::policy("opinion");
    LIAISON_ASSIGN_OR_RETURN(std::optional<Row> row, r->load(t, id));
    if (!row) return Status::not_found("err.not_found", id);
    return row->clock.fields[static_cast<size_t>(test::col(t, "category"))];
  }

  // Each edit reaches the other two replicas while it is still the current value where it was
  // made: c hears from a and b, then b talks to a, then a to b. (A write already overwritten on
  // its own replica is not sent any more, so the replica that overwrote it is the one that logs
  // the conflict.)
  Status deliver_both_writes() {
    LIAISON_RETURN_IF_ERROR(test::status_of(exchange(**a, **c)));
    LIAISON_RETURN_IF_ERROR(test::status_of(exchange(**b, **c)));
    LIAISON_RETURN_IF_ERROR(test::status_of(exchange(**b, **a)));
    return test::status_of(exchange(**a, **b));
  }

  // Every pair both ways, twice: enough for three replicas to agree.
  Status exchange_all() {
    std::vector<TestReplica*> all = {a, b, c};
    for (int round = 0; round < 2; ++round)
      for (TestReplica* from : all)
        for (TestReplica* to : all)
          if (from != to) LIAISON_RETURN_IF_ERROR(test::status_of(exchange(**from, **to)));
    return {};
  }

  TestReplica* a = nullptr;
  TestReplica* b = nullptr;
  TestReplica* c = nullptr;
  std::string id;
};

enum class Timing {
  kALater,   // concurrent; a's wall clock is ahead
  kBLater,   // concurrent; b's wall clock is ahead
  kSameHlc,  // concurrent at the same hybrid timestamp
  kBSawA,    // b writes after receiving a's write, with its wall clock behind a's
};

struct ConflictCase {
  const char* name;
  Timing timing;
  bool a_id_greater;  // decides ties
  bool same_value;    // both write the same value
  char winner;        // 'a' or 'b'
  bool logged;        // a conflict is logged
};

// Names the case in test listings (instead of its bytes).
void PrintTo(const ConflictCase& c, std::ostream* os) { *os << c.name; }

class ConflictsTest : public ::testing::TestWithParam<ConflictCase> {
 protected:
  test::ReplicaSet set_;
};

TEST_P(ConflictsTest, WinnerAndConflictLog) {
  const ConflictCase& k = GetParam();
  ConflictWorld w(set_, k.a_id_greater);
  ASSERT_NE(w.c, nullptr);
  ASSERT_OK(w.setup());
  const std::string a_value = "roads";
  const std::string b_value = k.same_value ? a_value : "water";
  switch (k.timing) {
    case Timing::kALater:
      w.a->clock.set(kT0 + 20'000);
      w.b->clock.set(kT0 + 10'000);
      break;
    case Timing::kBLater:
      w.a->clock.set(kT0 + 10'000);
      w.b->clock.set(kT0 + 20'000);
      break;
    case Timing::kSameHlc:
    case Timing::kBSawA:
      w.a->clock.set(kT0 + 10'000);
      w.b->clock.set(kT0 + 10'000);
      break;
  }
  ASSERT_OK(w.write(*w.a, a_value));
  if (k.timing == Timing::kBSawA) {
    ASSERT_OK(exchange(**w.a, **w.b));
    w.b->clock.set(kT0 + 5'000);  // behind a's write: the hybrid clock still orders b after it
  }
  ASSERT_OK(w.write(*w.b, b_value));
  ASSERT_OK_AND_ASSIGN(FieldClock a_clock, w.clock_of(*w.a));
  ASSERT_OK_AND_ASSIGN(FieldClock b_clock, w.clock_of(*w.b));
  if (k.timing == Timing::kSameHlc) {
    ASSERT_EQ(a_clock.stamp.hlc, b_clock.stamp.hlc);
  }
  if (k.timing == Timing::kBSawA) {
    ASSERT_EQ(b_clock.base.hlc, a_clock.stamp.hlc) << "b knew a's write";
  }
  ASSERT_OK(w.deliver_both_writes());
  ASSERT_OK(w.exchange_all());

  const std::string& win = k.winner == 'a' ? a_value : b_value;
  const std::string& lose = k.winner == 'a' ? b_value : a_value;
  const FieldClock& win_clock = k.winner == 'a' ? a_clock : b_clock;
  const FieldClock& lose_clock = k.winner == 'a' ? b_clock : a_clock;
  TestReplica* winner = k.winner == 'a' ? w.a : w.b;
  TestReplica* loser = k.winner == 'a' ? w.b : w.a;
  ASSERT_OK_AND_ASSIGN(std::string digest, (*w.a)->digest());
  for (TestReplica* r : {w.a, w.b, w.c}) {
    SCOPED_TRACE(r == w.a ? "a" : r == w.b ? "b" : "c");
    ASSERT_OK_AND_ASSIGN(Value v, test::field(**r, "opinion", w.id, "category"));
    EXPECT_EQ(v, Value{win});
    ASSERT_OK_AND_ASSIGN(std::string d, (*r)->digest());
    EXPECT_EQ(d, digest);
    ASSERT_OK_AND_ASSIGN(std::vector<Conflict> conflicts, (*r)->conflicts(false));
    if (!k.logged) {
      EXPECT_TRUE(conflicts.empty())
          << conflicts.size() << " conflicts, first lost " << value_to_display(conflicts[0].lost);
      continue;
    }
    // c and a merged both writes as they were made, so they must log the conflict; b did too
    // unless a's write was overwritten on a before a sent it (when b wins).
    if (r == w.b && conflicts.empty() && k.winner == 'b') continue;
    ASSERT_EQ(conflicts.size(), 1u);
    const Conflict& c = conflicts[0];
    EXPECT_EQ(c.kind, "concurrent");
    EXPECT_EQ(c.table, "opinion");
    EXPECT_EQ(c.row_id, w.id);
    EXPECT_EQ(c.field, "category");
    EXPECT_EQ(c.kept, Value{win});
    EXPECT_EQ(c.kept_hlc, win_clock.stamp.hlc);
    EXPECT_EQ(c.kept_origin, (*winner)->info().id.str());
    EXPECT_EQ(c.lost, Value{lose});
    EXPECT_EQ(c.lost_hlc, lose_clock.stamp.hlc);
    EXPECT_EQ(c.lost_origin, (*loser)->info().id.str());
    EXPECT_TRUE(c.decision.empty());
    EXPECT_FALSE(c.detected_at.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConflictsTest,
    ::testing::Values(
        ConflictCase{"ALaterWins", Timing::kALater, false, false, 'a', true},
        ConflictCase{"BLaterWins", Timing::kBLater, true, false, 'b', true},
        ConflictCase{"SameHlcGreaterOriginAWins", Timing::kSameHlc, true, false, 'a', true},
        ConflictCase{"SameHlcGreaterOriginBWins", Timing::kSameHlc, false, false, 'b', true},
        ConflictCase{"SequentialEditIsNoConflict", Timing::kBSawA, true, false, 'b', false},
        ConflictCase{"SequentialEditOrigin2IsNoConflict", Timing::kBSawA, false, false, 'b', false},
        ConflictCase{"ConcurrentEqualValuesAreNoConflict", Timing::kALater, false, true, 'a',
                     false},
        ConflictCase{"SameHlcEqualValuesAreNoConflict", Timing::kSameHlc, true, true, 'a', false}),
    [](const ::testing::TestParamInfo<ConflictCase>& param_info) {
      return std::string(param_info.param.name);
    });

// Re-deciding: who resolves (the winner's replica, the loser's, a third) × keep the lost value
// or not.
struct ResolveCase {
  const char* name;
  char resolver;  // 'a' (holds the winning write), 'b' (wrote the lost value) or 'c'
  bool keep_lost;
};

// Names the case in test listings (instead of its bytes).
void PrintTo(const ResolveCase& c, std::ostream* os) { *os << c.name; }

class ResolveTest : public ::testing::TestWithParam<ResolveCase> {
 protected:
  test::ReplicaSet set_;
};

TEST_P(ResolveTest, Decision) {
  const ResolveCase& k = GetParam();
  ConflictWorld w(set_, true);
  ASSERT_NE(w.c, nullptr);
  ASSERT_OK(w.setup());
  w.a->clock.set(kT0 + 20'000);
  w.b->clock.set(kT0 + 10'000);
  w.c->clock.set(kT0 + 15'000);
  ASSERT_OK(w.write(*w.a, "roads"));
  ASSERT_OK(w.write(*w.b, "water"));
  ASSERT_OK(w.deliver_both_writes());
  ASSERT_OK(w.exchange_all());
  std::vector<TestReplica*> all = {w.a, w.b, w.c};
  for (TestReplica* r : all) {
    ASSERT_OK_AND_ASSIGN(auto open, (*r)->conflicts(true));
    ASSERT_EQ(open.size(), 1u);
  }
  TestReplica* resolver = k.resolver == 'a' ? w.a : k.resolver == 'b' ? w.b : w.c;
  ASSERT_OK_AND_ASSIGN(auto mine, (*resolver)->conflicts(true, w.id));
  ASSERT_EQ(mine.size(), 1u);
  ASSERT_OK_AND_ASSIGN(int64_t logged_before,
                       test::query_int(**resolver, "SELECT COUNT(*) FROM _log"));

  (*resolver).clock.advance(60'000);
  ASSERT_OK_AND_ASSIGN(Conflict decided, (*resolver)->resolve(mine[0].id, k.keep_lost));
  EXPECT_EQ(decided.decision, k.keep_lost ? "lost" : "kept");
  EXPECT_FALSE(decided.decided_at.empty());
  ASSERT_OK_AND_ASSIGN(auto still_open, (*resolver)->conflicts(true));
  EXPECT_TRUE(still_open.empty());
  ASSERT_OK_AND_ASSIGN(auto every, (*resolver)->conflicts(false));
  ASSERT_EQ(every.size(), 1u);
  EXPECT_EQ(every[0].decision, k.keep_lost ? "lost" : "kept");
  ASSERT_OK_AND_ASSIGN(int64_t logged_after,
                       test::query_int(**resolver, "SELECT COUNT(*) FROM _log"));
  EXPECT_EQ(logged_after, logged_before + (k.keep_lost ? 1 : 0));

  ASSERT_OK(w.exchange_all());
  const std::string want = k.keep_lost ? "water" : "roads";
  ASSERT_OK_AND_ASSIGN(std::string digest, (*w.a)->digest());
  for (TestReplica* r : all) {
    SCOPED_TRACE((*r)->info().id.str());
    ASSERT_OK_AND_ASSIGN(Value v, test::field(**r, "opinion", w.id, "category"));
    EXPECT_EQ(v, Value{want});
    ASSERT_OK_AND_ASSIGN(std::string d, (*r)->digest());
    EXPECT_EQ(d, digest);
    ASSERT_OK_AND_ASSIGN(auto conflicts, (*r)->conflicts(false));
    EXPECT_EQ(conflicts.size(), 1u) << "re-deciding must not create a new conflict";
    ASSERT_OK_AND_ASSIGN(auto open, (*r)->conflicts(true));
    EXPECT_EQ(open.size(), r == resolver ? 0u : 1u) << "decisions are per replica";
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ResolveTest,
                         ::testing::Values(ResolveCase{"KeepLostOnWinnersReplica", 'a', true},
                                           ResolveCase{"KeepLostOnLosersReplica", 'b', true},
                                           ResolveCase{"KeepLostOnAThirdReplica", 'c', true},
                                           ResolveCase{"KeepCurrentOnWinnersReplica", 'a', false},
                                           ResolveCase{"KeepCurrentOnLosersReplica", 'b', false},
                                           ResolveCase{"KeepCurrentOnAThirdReplica", 'c', false}),
                         [](const ::testing::TestParamInfo<ResolveCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(ConflictsMiscTest, ThreeConcurrentWritersLeaveTwoLostValuesLogged) {
  test::ReplicaSet set;
  ConflictWorld w(set, true);
  ASSERT_NE(w.c, nullptr);
  ASSERT_OK(w.setup());
  w.a->clock.set(kT0 + 10'000);
  w.b->clock.set(kT0 + 30'000);
  w.c->clock.set(kT0 + 20'000);
  ASSERT_OK(w.write(*w.a, "roads"));
  ASSERT_OK(w.write(*w.b, "water"));
  ASSERT_OK(w.write(*w.c, "safety"));
  ASSERT_OK(w.exchange_all());
  // Each lost value is in the conflict log of some replica, with the winner as kept value.
  std::vector<std::string> lost;
  for (TestReplica* r : {w.a, w.b, w.c}) {
    ASSERT_OK_AND_ASSIGN(Value v, test::field(**r, "opinion", w.id, "category"));
    EXPECT_EQ(v, Value{std::string("water")});
    ASSERT_OK_AND_ASSIGN(auto conflicts, (*r)->conflicts(false));
    for (const Conflict& c : conflicts) {
      lost.push_back(value_to_display(c.lost));
      EXPECT_NE(value_to_display(c.lost), "water") << "the final value was logged as lost";
    }
  }
  EXPECT_NE(std::find(lost.begin(), lost.end(), "roads"), lost.end());
  EXPECT_NE(std::find(lost.begin(), lost.end(), "safety"), lost.end());
}

TEST(ConflictsMiscTest, ResolvingAnUnknownConflictIsNotFound) {
  test::ReplicaSet set;
  test::TestReplica* r = set.make({});
  ASSERT_NE(r, nullptr);
  EXPECT_CODE((*r)->resolve(42, true), Code::kNotFound);
  EXPECT_CODE((*r)->resolve(42, false), Code::kNotFound);
}

}  // namespace
}  // namespace liaison::sync
