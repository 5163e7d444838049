// The hooks the sync server uses for authorization: a guard that refuses incoming changes and a
// filter that keeps rows from a peer. A refused change is recorded and skipped, never blocks the
// rest of its changeset, and is not offered again; a filtered row is never sent.
#include <gtest/gtest.h>

#include "shared/sync/replica.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

using test::query_int;
using test::through_wire;

class GuardTest : public test::SyncFixture {};

// Refuses opinions of station S02.
std::optional<std::string> only_s01(const ChangeView& v) {
  int col = v.table.column_index("station_id");
  if (col < 0) return std::nullopt;
  const Value* station = v.created ? &(*v.created)[static_cast<size_t>(col)]
                         : v.existing ? &v.existing->values[static_cast<size_t>(col)]
                                      : nullptr;
  if (!station) return std::string("unknown_row");
  if (*station != Value{std::string("S01")}) return std::string("other_station");
  return std::nullopt;
}

TEST_F(GuardTest, RefusedChangesAreListedAndTheRestApplied) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  test::OpinionSpec other;
  other.station_id = "S02";
  ASSERT_OK_AND_ASSIGN(std::string ok1, test::add_opinion(*a));
  ASSERT_OK_AND_ASSIGN(std::string bad, test::add_opinion(*a, other));
  ASSERT_OK_AND_ASSIGN(std::string ok2, test::add_opinion(*a));
  ASSERT_OK_AND_ASSIGN(wire::Changeset cs, a->changes_since(b->version_vector()));
  ASSERT_OK_AND_ASSIGN(wire::Changeset sent, through_wire(cs));
  ASSERT_OK_AND_ASSIGN(ApplyStats st, b->apply(sent, only_s01));
  EXPECT_EQ(st.applied, 2u);
  ASSERT_EQ(st.refusals.size(), 1u);
  EXPECT_EQ(st.refusals[0].row_id, bad);
  EXPECT_EQ(st.refusals[0].reason, "other_station");
  EXPECT_EQ(st.refusals[0].origin, a->info().id);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM opinion"), 2);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _refused WHERE reason = 'other_station'"), 1);
  // The vector moved past the refused change: it is not offered again, nor relayed.
  EXPECT_EQ(seen(b, a->info().id), 3u);
  ASSERT_OK_AND_ASSIGN(wire::Changeset again, a->changes_since(b->version_vector()));
  EXPECT_TRUE(again.changes.empty());
  ASSERT_OK_AND_ASSIGN(wire::Changeset relay, b->changes_since({}));
  for (const wire::Change& c : relay.changes) EXPECT_NE(c.row_id, bad);
}

TEST_F(GuardTest, AForgedCreationOverAnExistingRowIsCheckedAgainstThatRow) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  test::OpinionSpec other;
  other.station_id = "S02";
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*b, other));
  // A creation with the same id claiming station S01: the guard sees S01 in the creation, then
  // the existing row of S02 and refuses.
  wire::Changeset forged = test::forged_changeset(
      "opinion", {"id", "station_id", "recorded_by", "at", "matter", "created_at", "voter"},
      a->info().id, 1, b->hlc_now() + 10, true, id,
      {{1, std::string("S01"), 0, 0}, {2, std::string("x"), 0, 0},
       {3, std::string("2025-01-01"), 0, 0}, {4, std::string("m"), 0, 0},
       {5, std::string("2025-01-01"), 0, 0}, {6, std::string("冒名"), 0, 0}});
  ASSERT_OK_AND_ASSIGN(ApplyStats st, b->apply(forged, only_s01));
  ASSERT_EQ(st.refusals.size(), 1u);
  EXPECT_EQ(st.refusals[0].reason, "other_station");
  ASSERT_OK_AND_ASSIGN(Value voter, test::field(*b, "opinion", id, "voter"));
  EXPECT_EQ(voter, Value{std::string("张三")});
}

TEST_F(GuardTest, AnUpdateOfAnUnknownRowIsShownToTheGuardInsteadOfWaiting) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  wire::Changeset update = test::forged_changeset(
      "opinion", {"id", "voter"}, a->info().id, 1, 5, false, "01a20000-0000-7000-8000-000000000001",
      {{1, std::string("李四"), 0, 0}});
  ASSERT_OK_AND_ASSIGN(ApplyStats st, b->apply(update, only_s01));
  ASSERT_EQ(st.refusals.size(), 1u);
  EXPECT_EQ(st.refusals[0].reason, "unknown_row");
  EXPECT_EQ(st.pending, 0u);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _pending"), 0);
}

TEST_F(GuardTest, AFilteredPeerNeverReceivesHiddenRows) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  test::OpinionSpec other;
  other.station_id = "S02";
  ASSERT_OK(test::add_opinion(*a));
  ASSERT_OK_AND_ASSIGN(std::string hidden, test::add_opinion(*a, other));
  ASSERT_OK(test::add_opinion(*a));
  RowFilter filter = [](const TablePolicy& t, const Row& row) {
    int col = t.column_index("station_id");
    return col < 0 || row.values[static_cast<size_t>(col)] == Value{std::string("S01")};
  };
  ASSERT_OK_AND_ASSIGN(wire::Changeset cs, a->changes_since(b->version_vector(), SIZE_MAX, filter));
  EXPECT_EQ(cs.changes.size(), 2u);
  for (const wire::Change& c : cs.changes) EXPECT_NE(c.row_id, hidden);
  ASSERT_OK_AND_ASSIGN(wire::Changeset sent, through_wire(cs));
  ASSERT_OK(b->apply(sent));
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM opinion"), 2);
  EXPECT_EQ(seen(b, a->info().id), 3u);
  ASSERT_OK_AND_ASSIGN(wire::Changeset next, a->changes_since(b->version_vector(), SIZE_MAX, filter));
  EXPECT_TRUE(next.changes.empty());
}

}  // namespace
}  // namespace liaison::sync
