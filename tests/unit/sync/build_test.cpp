// Replica::changes_since: what a changeset holds (superseded values left out, changes waiting for
// their row passed on), in which order (creations before the edits of them, each origin in
// sequence order) and in how many batches.
#include <gtest/gtest.h>

#include <string>

#include "shared/sync/replica.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

using test::exchange;
using test::through_wire;

class BuildTest : public test::SyncFixture {};

TEST_F(BuildTest, SupersededChangesAreLeftOutButTheirRangeIsCovered) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
  for (const char* c : {"roads", "water", "safety"})
    ASSERT_OK(test::edit(*a, "opinion", id, {{"category", std::string(c)}}));
  ASSERT_OK_AND_ASSIGN(wire::Changeset cs, a->changes_since({}));
  ASSERT_EQ(cs.ranges.size(), 1u);
  EXPECT_EQ(cs.ranges[0].from, 0u);
  EXPECT_EQ(cs.ranges[0].to, 4u);
  ASSERT_EQ(cs.changes.size(), 2u) << "the creation and the last edit";
  EXPECT_TRUE(cs.changes[0].create);
  EXPECT_EQ(cs.changes[1].seq, 4u);
  ASSERT_OK(b->apply(cs));
  EXPECT_EQ(digest(b), digest(a));
  EXPECT_EQ(seen(b, a->info().id), 4u);
}

TEST_F(BuildTest, NothingNewGivesNoRanges) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  ASSERT_OK(test::add_opinion(*a));
  ASSERT_OK(exchange(*a, *b));
  ASSERT_OK_AND_ASSIGN(wire::Changeset cs, a->changes_since(b->version_vector()));
  EXPECT_TRUE(cs.ranges.empty());
  EXPECT_TRUE(cs.changes.empty());
  EXPECT_EQ(cs.sender, a->info().id);
}

TEST_F(BuildTest, CreationsComeBeforeTheEditsOfThemFromOtherOrigins) {
  // b edits a record created on a; c hears of both from b in one changeset and must not have
  // to park the edit in _pending.
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  auto& c = make("c", 3);
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
  ASSERT_OK(exchange(*a, *b));
  ASSERT_OK(test::edit(*b, "opinion", id, {{"category", std::string("roads")}}));
  ASSERT_OK_AND_ASSIGN(ApplyStats stats, exchange(*b, *c));
  EXPECT_EQ(stats.pending, 0u);
  EXPECT_EQ(stats.applied, 2u);
  EXPECT_EQ(digest(c), digest(b));
}

TEST_F(BuildTest, EachOriginStaysInSequenceOrderWhateverItsTimestamps) {
  // An origin whose timestamps went back (a replica restored from an old copy, or a faulty
  // peer): what b relays must still list that origin's changes in sequence order, or every
  // receiver refuses the whole changeset.
  auto& b = make("b", 2);
  auto& c = make("c", 3);
  Uuid odd = test::fixed_uuid(0x66);
  const TablePolicy& cat = test::policy("category");
  wire::Changeset cs;
  cs.schema_version = 1;
  cs.sender = odd;
  cs.origins = {odd};
  cs.ranges = {{0, 0, 2}};
  std::vector<std::string> cols;
  for (const ColumnPolicy& col : cat.columns) cols.push_back(col.name);
  cs.tables = {{"category", cols}};
  uint32_t name = static_cast<uint32_t>(test::col(cat, "name"));
  uint32_t created = static_cast<uint32_t>(test::col(cat, "created_at"));
  uint64_t hlc = b->hlc_now() + 1'000'000;
  cs.changes = {{0,
                 "late",
                 0,
                 1,
                 hlc,
                 true,
                 {{name, std::string("later"), 0, 0}, {created, std::string("t"), 0, 0}}},
                {0,
                 "early",
                 0,
                 2,
                 hlc - 500'000,
                 true,
                 {{name, std::string("earlier"), 0, 0}, {created, std::string("t"), 0, 0}}}};
  ASSERT_OK_AND_ASSIGN(ApplyStats in, b->apply(cs));
  ASSERT_EQ(in.applied, 2u);
  ASSERT_OK_AND_ASSIGN(wire::Changeset relayed, b->changes_since({}));
  ASSERT_OK_AND_ASSIGN(wire::Changeset received, through_wire(relayed));
  ASSERT_OK_AND_ASSIGN(ApplyStats out, c->apply(received));
  EXPECT_EQ(out.applied, 2u);
  EXPECT_EQ(digest(c), digest(b));
  // The same in batches of one.
  auto& d = make("d", 4);
  ASSERT_OK(test::exchange_all(*b, *d, 1));
  EXPECT_EQ(digest(d), digest(b));
}

TEST_F(BuildTest, APendingUpdateIsPassedOnUnchanged) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  auto& c = make("c", 3);
  auto& e = make("e", 4);
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
  ASSERT_OK(exchange(*a, *b));
  ASSERT_OK(test::edit(*b, "opinion", id, {{"place", std::string("梨园镇")}}));
  ASSERT_OK_AND_ASSIGN(wire::Changeset cs, b->changes_since({}));
  ASSERT_OK(c->apply(test::only_origin(cs, b->info().id)));
  // c holds the edit without its row, and passes it on as it came.
  ASSERT_OK_AND_ASSIGN(ApplyStats relayed, exchange(*c, *e));
  EXPECT_EQ(relayed.pending, 1u);
  EXPECT_EQ(seen(e, b->info().id), 1u);
  ASSERT_OK(exchange(*a, *e));
  EXPECT_EQ(scalar(e, "SELECT COUNT(*) FROM _pending"), 0);
  EXPECT_EQ(digest(e), digest(b));
}

TEST_F(BuildTest, BatchesOfMaxChangesCoverEverything) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  for (int i = 0; i < 4; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
    ASSERT_OK(test::add_step(*a, id));
  }
  ASSERT_OK(exchange(*a, *b));
  for (int i = 0; i < 3; ++i) ASSERT_OK(test::add_opinion(*b));
  auto& c = make("c", 3);
  // c learns from b in batches of 3: a's and b's changes, in several changesets.
  size_t batches = 0;
  for (;;) {
    ASSERT_OK_AND_ASSIGN(wire::Changeset cs, b->changes_since(c->version_vector(), 3));
    if (cs.ranges.empty()) break;
    EXPECT_LE(cs.changes.size(), 3u);
    ASSERT_OK_AND_ASSIGN(ApplyStats stats, c->apply(cs));
    EXPECT_EQ(stats.gaps, 0u);
    ASSERT_LT(++batches, 20u);
  }
  EXPECT_GE(batches, 4u);
  EXPECT_EQ(digest(c), digest(b));
  EXPECT_EQ(c->version_vector(), b->version_vector());
}

TEST_F(BuildTest, BatchesBuiltAheadArriveInAnyOrder) {
  // A streaming sender builds each batch on the ranges of the ones before it; the receiver
  // skips a batch that arrives before its predecessor and takes it when it comes again.
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  for (int i = 0; i < 5; ++i) ASSERT_OK(test::add_opinion(*a));
  VersionVector vv;
  std::vector<wire::Changeset> batches;
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK_AND_ASSIGN(wire::Changeset cs, a->changes_since(vv, 2));
    if (cs.ranges.empty()) break;
    for (const wire::Range& r : cs.ranges) vv[cs.origins[r.origin]] = r.to;
    batches.push_back(cs);
  }
  ASSERT_EQ(batches.size(), 3u);
  ASSERT_OK_AND_ASSIGN(ApplyStats last_first, b->apply(batches[2]));
  EXPECT_EQ(last_first.gaps, 1u);
  ASSERT_OK(b->apply(batches[0]));
  ASSERT_OK_AND_ASSIGN(ApplyStats middle, b->apply(batches[1]));
  EXPECT_EQ(middle.applied, 2u);
  ASSERT_OK_AND_ASSIGN(ApplyStats again, b->apply(batches[2]));
  EXPECT_EQ(again.applied, 1u);
  EXPECT_EQ(digest(b), digest(a));
}

}  // namespace
}  // namespace liaison::sync
