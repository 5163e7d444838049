// ChangeFeed and compaction: a peer that lacks most of the history is sent a snapshot of the
// rows, batches continue where the previous one stopped, a compacted log still serves every
// peer (below the compacted point by a snapshot), and acknowledged watermarks keep what a live
// peer has not confirmed, however long it has been away.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "shared/storage/db.h"
#include "shared/sync/change_feed.h"
#include "shared/sync/protocol.h"
#include "shared/sync/watermarks.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

using test::exchange;
using test::TestReplica;
using test::through_wire;

class ChangeFeedTest : public test::SyncFixture {
 protected:
  // n opinions on r, each edited twice (so the log holds three changes per record).
  std::vector<std::string> fill(TestReplica& r, int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      auto id = test::add_opinion(*r);
      EXPECT_TRUE(id.is_ok());
      if (!id.is_ok()) break;
      EXPECT_OK(test::edit(*r, "opinion", *id, {{"category", std::string("roads")}}));
      EXPECT_OK(test::edit(*r, "opinion", *id, {{"category", std::string("water")}}));
      ids.push_back(*id);
    }
    return ids;
  }

  // Applies every batch of the feed to `to`, checking that the ranges continue each other.
  // Returns the number of changes sent.
  size_t drain(ChangeFeed& feed, TestReplica& to, size_t max_changes) {
    size_t sent = 0;
    VersionVector expect = to->version_vector();
    for (int i = 0; i < 100000 && !feed.done(); ++i) {
      auto cs = feed.next(max_changes);
      EXPECT_TRUE(cs.is_ok());
      if (!cs.is_ok()) return sent;
      EXPECT_LE(cs->changes.size(), max_changes);
      for (const wire::Range& r : cs->ranges) {
        uint64_t& have = expect[cs->origins[r.origin]];
        EXPECT_EQ(r.from, have) << "batch " << i << " leaves a hole or overlaps";
        have = r.to;
      }
      sent += cs->changes.size();
      auto wired = through_wire(*cs);
      EXPECT_TRUE(wired.is_ok());
      if (!wired.is_ok()) return sent;
      auto st = to->apply(std::move(wired).value());
      EXPECT_TRUE(st.is_ok()) << st.status().message();
      if (st.is_ok()) {
        EXPECT_EQ(st->gaps, 0u);
      }
    }
    EXPECT_TRUE(feed.done());
    return sent;
  }

  int64_t log_entries(TestReplica& r) { return scalar(r, "SELECT COUNT(*) FROM _log"); }

  // A history whose send order does not follow the order its rows are stored in: on b, records
  // of two stations from two origins, handling steps in between, and late edits of early
  // records by both origins. Returns the S01 opinions' ids.
  std::vector<std::string> mixed_history(TestReplica& a, TestReplica& b) {
    std::vector<std::string> ids;
    test::OpinionSpec other;
    other.station_id = "S02";
    for (int i = 0; i < 12; ++i) {
      auto id = test::add_opinion(*a);
      EXPECT_TRUE(id.is_ok());
      if (!id.is_ok()) return ids;
      ids.push_back(*id);
      EXPECT_OK(test::add_opinion(*(i % 2 ? a : b), other));
      if (i % 3 == 0) {
        EXPECT_OK(test::add_step(*a, *id));
      }
      a.clock.advance(5);
      b.clock.advance(5);
    }
    EXPECT_OK(test::exchange(*a, *b));
    for (size_t i = 0; i < ids.size(); i += 4) {
      EXPECT_OK(test::edit(*b, "opinion", ids[i], {{"category", std::string("roads")}}));
      b.clock.advance(5);
    }
    for (size_t i = 1; i < ids.size(); i += 5) {
      EXPECT_OK(test::edit(*a, "opinion", ids[i], {{"place", std::string("东门")}}));
      a.clock.advance(5);
    }
    EXPECT_OK(test::exchange(*a, *b));
    return ids;
  }

  // Renumbers the rows of table in r's file in reverse order, as VACUUM may renumber them: each
  // rowid then holds another row. From another connection, with the capture flag up so that the
  // guard triggers let it through.
  Status renumber(TestReplica& r, const std::string& table) {
    int64_t last = scalar(r, "SELECT MAX(rowid) FROM " + table);
    bool capturing = true;
    LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<storage::Db> db, storage::Db::open(r.path, false));
    LIAISON_RETURN_IF_ERROR(db->register_flag_function("liaison_capturing", &capturing));
    LIAISON_RETURN_IF_ERROR(db->exec("UPDATE " + table + " SET rowid = -rowid"));
    return db->exec("UPDATE " + table + " SET rowid = rowid + " + std::to_string(last + 1));
  }

  // Every batch of the feed, encoded.
  std::vector<std::string> batches(ChangeFeed& feed, size_t max_changes) {
    std::vector<std::string> out;
    while (!feed.done() && out.size() < 10000) {
      auto cs = feed.next(max_changes);
      EXPECT_TRUE(cs.is_ok()) << cs.status().message();
      if (!cs.is_ok()) break;
      out.push_back(wire::encode(*cs));
    }
    return out;
  }
};

// The S01 rows and the reference data, as a station device's scope filter sees them.
RowFilter only_station(const std::string& station) {
  return [station](const TablePolicy& t, const Row& row) {
    int col = t.column_index("station_id");
    if (t.scope == Scope::kReference || col < 0) return true;
    return row.values[static_cast<size_t>(col)] == Value{station};
  };
}

TEST_F(ChangeFeedTest, ANewPeerGetsASnapshotOfTheSurvivingChangesOnly) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  fill(a, 30);
  ASSERT_EQ(log_entries(a), 90);
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::plan(*a, b->version_vector()));
  EXPECT_TRUE(feed->snapshot());
  EXPECT_EQ(feed->planned(), 60u) << "each record's creation and its last edit, not the first edit";
  EXPECT_EQ(drain(*feed, b, 7), 60u);
  EXPECT_EQ(digest(b), digest(a));
  EXPECT_EQ(b->version_vector(), a->version_vector());
}

TEST_F(ChangeFeedTest, APeerThatHasMostOfTheHistoryIsServedFromTheLog) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  std::vector<std::string> ids = fill(a, 20);
  ASSERT_OK(exchange(*a, *b));
  ASSERT_OK(test::edit(*a, "opinion", ids[3], {{"place", std::string("东门")}}));
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::plan(*a, b->version_vector()));
  EXPECT_FALSE(feed->snapshot());
  EXPECT_EQ(feed->planned(), 1u);
  EXPECT_EQ(drain(*feed, b, 100), 1u);
  EXPECT_EQ(digest(b), digest(a));
}

TEST_F(ChangeFeedTest, BatchesInterleaveOriginsAndContinueEachOther) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  auto& d = make("d", 4);
  auto& e = make("e", 5);
  std::vector<std::string> ids = fill(a, 10);
  fill(b, 10);
  ASSERT_OK(exchange(*a, *b));
  ASSERT_OK(exchange(*b, *d));  // d knows most of b's history, e none of it
  // b edits a's records: e must meet each creation before b's edit of it, whatever the batches.
  for (const std::string& id : ids)
    ASSERT_OK(test::edit(*b, "opinion", id, {{"phone", std::string("139")}}));
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::plan(*b, e->version_vector()));
  EXPECT_TRUE(feed->snapshot());
  drain(*feed, e, 3);
  EXPECT_EQ(digest(e), digest(b));
  EXPECT_EQ(scalar(e, "SELECT COUNT(*) FROM _pending"), 0);
  ASSERT_OK_AND_ASSIGN(feed, ChangeFeed::plan(*b, d->version_vector()));
  EXPECT_FALSE(feed->snapshot());
  EXPECT_EQ(feed->planned(), 10u);
  EXPECT_EQ(drain(*feed, d, 3), 10u);
  EXPECT_EQ(digest(d), digest(b));
}

TEST_F(ChangeFeedTest, AFilteredPeerGetsOnlyItsRowsButRangesCoverEverything) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  test::OpinionSpec other;
  other.station_id = "S02";
  for (int i = 0; i < 5; ++i) ASSERT_OK(test::add_opinion(*a));
  for (int i = 0; i < 4; ++i) ASSERT_OK(test::add_opinion(*a, other));
  int station = test::col(test::policy("opinion"), "station_id");
  RowFilter only_s01 = [station](const TablePolicy& t, const Row& row) {
    return t.name != "opinion" || row.values[static_cast<size_t>(station)] == Value{std::string("S01")};
  };
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::plan(*a, {}, only_s01));
  EXPECT_EQ(drain(*feed, b, 2), 5u);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM opinion WHERE station_id = 'S02'"), 0);
  EXPECT_EQ(seen(b, a->info().id), 9u) << "the left-out rows are covered, never asked for again";
}

TEST_F(ChangeFeedTest, AStationHintReadsLessButSendsTheSame) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  test::OpinionSpec other;
  other.station_id = "S02";
  for (int i = 0; i < 6; ++i) ASSERT_OK(test::add_opinion(*a));
  for (int i = 0; i < 9; ++i) ASSERT_OK(test::add_opinion(*a, other));
  RowFilter only_s01 = [](const TablePolicy& t, const Row& row) {
    int col = t.column_index("station_id");
    if (t.scope == Scope::kReference || col < 0) return true;
    return row.values[static_cast<size_t>(col)] == Value{std::string("S01")};
  };
  ASSERT_OK_AND_ASSIGN(auto plain, ChangeFeed::plan(*a, {}, only_s01));
  ASSERT_OK_AND_ASSIGN(auto hinted, ChangeFeed::plan(*a, {}, only_s01, "S01"));
  EXPECT_TRUE(hinted->snapshot());
  // The snapshot filters rows as it reads them; with the hint it does not read S02's at all.
  EXPECT_EQ(plain->planned(), 6u);
  EXPECT_EQ(hinted->planned(), 6u);
  ASSERT_OK_AND_ASSIGN(wire::Changeset x, plain->next(100));
  ASSERT_OK_AND_ASSIGN(wire::Changeset y, hinted->next(100));
  EXPECT_EQ(wire::encode(x), wire::encode(y));
  ASSERT_OK(b->apply(y));
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM opinion"), 6);
}

TEST_F(ChangeFeedTest, ChangesMadeAfterPlanningComeWithTheNextFeed) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  fill(a, 5);
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::plan(*a, {}));
  ASSERT_OK(test::add_opinion(*a));
  drain(*feed, b, 4);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM opinion"), 5);
  ASSERT_OK(exchange(*a, *b));
  EXPECT_EQ(digest(b), digest(a));
}

TEST_F(ChangeFeedTest, ACompactedLogStillServesEveryPeer) {
  auto& a = make("a", 1);
  auto& behind = make("behind", 2);
  auto& current = make("current", 3);
  std::vector<std::string> ids = fill(a, 10);
  ASSERT_OK(exchange(*a, *behind, 5));  // a few changes only
  ASSERT_OK(exchange(*a, *current));
  ASSERT_OK_AND_ASSIGN(uint64_t removed, a->compact(a->version_vector()));
  EXPECT_EQ(removed, 30u);
  EXPECT_EQ(log_entries(a), 0);
  EXPECT_EQ(a->compacted().at(a->info().id), 30u);
  ASSERT_OK(test::edit(*a, "opinion", ids[0], {{"place", std::string("北街")}}));

  // Up to date: the one new change, from the log.
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::plan(*a, current->version_vector()));
  EXPECT_FALSE(feed->snapshot());
  EXPECT_EQ(drain(*feed, current, 100), 1u);
  EXPECT_EQ(digest(current), digest(a));
  // Below the compacted point: a snapshot, applied over what it has.
  ASSERT_OK_AND_ASSIGN(feed, ChangeFeed::plan(*a, behind->version_vector()));
  EXPECT_TRUE(feed->snapshot());
  drain(*feed, behind, 4);
  EXPECT_EQ(digest(behind), digest(a));
  EXPECT_EQ(behind->version_vector(), a->version_vector());
  // Compacting again removes nothing more than the floor allows, and never past what it knows.
  ASSERT_OK_AND_ASSIGN(removed, a->compact({{a->info().id, 1000}}));
  EXPECT_EQ(removed, 1u);
  EXPECT_EQ(a->compacted().at(a->info().id), 31u);
}

TEST_F(ChangeFeedTest, AStationAwayForAYearNeitherLosesAVoidNorBringsTheRecordBack) {
  auto& district = make("district", 1);
  auto& away = make("away", 2);
  auto& other = make("other", 3);
  std::vector<std::string> ids = fill(other, 3);
  ASSERT_OK(exchange(*other, *district));
  ASSERT_OK(exchange(*district, *away));
  // The record is voided while the station is away; the district compacts its whole log.
  ASSERT_OK(test::void_record(*district, "opinion", ids[1], "重复登记"));
  ASSERT_OK(district->compact(district->version_vector()));
  // Offline, the station edits the voided record and another one.
  ASSERT_OK(test::edit(*away, "opinion", ids[1], {{"phone", std::string("13800000000")}}));
  ASSERT_OK(test::edit(*away, "opinion", ids[2], {{"place", std::string("西村")}}));
  ASSERT_OK(exchange(*away, *district));
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::plan(*district, away->version_vector()));
  EXPECT_TRUE(feed->snapshot());
  drain(*feed, away, 5);
  EXPECT_EQ(digest(away), digest(district));
  for (auto* r : {&district, &away}) {
    ASSERT_OK_AND_ASSIGN(Value reason, test::field(**r, "opinion", ids[1], "void_reason"));
    EXPECT_EQ(reason, Value{std::string("重复登记")});
    ASSERT_OK_AND_ASSIGN(Value phone, test::field(**r, "opinion", ids[1], "phone"));
    EXPECT_EQ(phone, Value{std::string("13800000000")});
  }
}

TEST_F(ChangeFeedTest, ASnapshotSendsRowsOutOfStorageOrderWholeAndInOrder) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  auto& c = make("c", 3);
  auto& d = make("d", 4);
  mixed_history(a, b);
  // Every batch size, the whole state and only it, each creation before its edits.
  for (size_t max : {size_t{1}, size_t{3}, size_t{1000}}) {
    auto& to = max == 1 ? c : max == 3 ? d : make("e", 5);
    ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::plan(*b, to->version_vector()));
    EXPECT_TRUE(feed->snapshot());
    drain(*feed, to, max);
    EXPECT_EQ(digest(to), digest(b)) << max;
    EXPECT_EQ(to->version_vector(), b->version_vector());
    EXPECT_EQ(scalar(to, "SELECT COUNT(*) FROM _pending"), 0);
  }
  // A station's snapshot skips the other station's rows between its own.
  auto& f = make("f", 6);
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::plan(*b, {}, only_station("S01"), "S01"));
  drain(*feed, f, 2);
  EXPECT_EQ(scalar(f, "SELECT COUNT(*) FROM opinion"), 12);
  EXPECT_EQ(scalar(f, "SELECT COUNT(*) FROM opinion_step"), 4);
  EXPECT_EQ(scalar(f, "SELECT COUNT(*) FROM opinion WHERE station_id <> 'S01'"), 0);
}

TEST_F(ChangeFeedTest, ASnapshotFindsRowsRenumberedSinceItWasPlannedByTheirIds) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  mixed_history(a, b);
  for (const std::string& station : {std::string(), std::string("S01")}) {
    RowFilter filter = station.empty() ? RowFilter{} : only_station(station);
    ASSERT_OK_AND_ASSIGN(auto before, ChangeFeed::plan(*b, {}, filter, station));
    ASSERT_OK_AND_ASSIGN(auto after, ChangeFeed::plan(*b, {}, filter, station));
    std::vector<std::string> read_in_place = batches(*before, 4);
    // Where the plan saw each row holds another row now: each is looked up by its id instead.
    ASSERT_OK(renumber(b, "opinion"));
    ASSERT_OK(renumber(b, "opinion_step"));
    EXPECT_EQ(batches(*after, 4), read_in_place) << station;
    EXPECT_GT(read_in_place.size(), 3u);
  }
}

TEST_F(ChangeFeedTest, AWholeStationIsPlannedWithoutItsFilterAndSentTheSame) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  mixed_history(a, b);
  size_t asked = 0;
  RowFilter counted = [&asked, keep = only_station("S01")](const TablePolicy& t, const Row& row) {
    ++asked;
    return keep(t, row);
  };
  ASSERT_OK_AND_ASSIGN(auto filtered, ChangeFeed::plan(*b, {}, counted, "S01"));
  EXPECT_GT(asked, 0u);
  asked = 0;
  ASSERT_OK_AND_ASSIGN(auto whole, ChangeFeed::plan(*b, {}, counted, "S01", {}, true));
  EXPECT_EQ(asked, 0u) << "the station's rows are all the filter would keep";
  EXPECT_EQ(whole->planned(), filtered->planned());
  std::vector<std::string> sent = batches(*whole, 3);
  EXPECT_GT(asked, 0u) << "every row sent is still shown to the filter";
  EXPECT_EQ(sent, batches(*filtered, 3));
  // Whatever the caller says, a row the filter refuses is never sent.
  int voter = test::col(test::policy("opinion"), "voter");
  RowFilter fewer = [voter, keep = only_station("S01")](const TablePolicy& t, const Row& row) {
    if (t.name == "opinion" && row.values[static_cast<size_t>(voter)] == Value{std::string("张三")})
      return false;
    return keep(t, row);
  };
  auto& c = make("c", 3);
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::plan(*b, {}, fewer, "S01", {}, true));
  drain(*feed, c, 4);
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM opinion"), 0);
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM opinion_step"), 4);
  EXPECT_EQ(c->version_vector(), b->version_vector());
}

TEST_F(ChangeFeedTest, ASnapshotReadsRowsChangedBetweenBatchesAsTheyAreThen) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  std::vector<std::string> ids = fill(a, 6);
  // Another connection to a's file writes between the batches (a program next to a server):
  // no batch may keep reading the file as it was before.
  FakeClock later(a.clock.now_ms() + 1000);
  SeededRandom random(9);
  ASSERT_OK_AND_ASSIGN(auto writer, Replica::open(a.path, {&later, &random}));
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::plan(*a, {}));
  size_t sent = 0;
  for (int i = 0; !feed->done() && i < 100; ++i) {
    ASSERT_OK_AND_ASSIGN(wire::Changeset cs, feed->next(2));
    sent += cs.changes.size();
    ASSERT_OK_AND_ASSIGN(wire::Changeset wired, through_wire(cs));
    ASSERT_OK(b->apply(std::move(wired)));
    // The last record's category changes again: its planned edit no longer holds a value here.
    ASSERT_OK(test::edit(*writer, "opinion", ids.back(), {{"category", "c" + std::to_string(i)}}));
  }
  EXPECT_EQ(sent, 11u) << "the last record's superseded edit is left out";
  ASSERT_OK(a->refresh());
  ASSERT_OK(exchange(*a, *b));
  EXPECT_EQ(digest(b), digest(a));
}

TEST_F(ChangeFeedTest, WatermarksRiseAndTheFloorIsTheLowestLivePeer) {
  auto& a = make("a", 1);
  fill(a, 4);
  Uuid me = a->info().id;
  ASSERT_OK(record_peer_vector(*a, "dev-1", {{me, 5}}));
  ASSERT_OK(record_peer_vector(*a, "dev-1", {{me, 3}}));  // never goes down
  ASSERT_OK(record_peer_vector(*a, "dev-2", {{me, 9}}));
  ASSERT_OK_AND_ASSIGN(auto one, peer_vector(*a, "dev-1"));
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->at(me), 5u);
  ASSERT_OK_AND_ASSIGN(auto never, peer_vector(*a, "dev-3"));
  EXPECT_FALSE(never.has_value());
  ASSERT_OK_AND_ASSIGN(VersionVector floor, acknowledged_floor(*a, {"dev-1", "dev-2", "dev-3"}));
  EXPECT_EQ(floor.at(me), 5u) << "dev-3 never synced: its first sync is a snapshot";
  ASSERT_OK_AND_ASSIGN(floor, acknowledged_floor(*a, {"dev-2"}));
  EXPECT_EQ(floor.at(me), 9u);
  ASSERT_OK_AND_ASSIGN(floor, acknowledged_floor(*a, {"dev-2", "dev-4-knows-nothing"}));
  EXPECT_EQ(floor.at(me), 9u);
  ASSERT_OK(record_peer_vector(*a, "dev-5", {}));
  ASSERT_OK_AND_ASSIGN(floor, acknowledged_floor(*a, {"dev-2", "dev-5"}));
  EXPECT_EQ(floor.at(me), 0u) << "a peer that synced and has nothing of the origin holds it all";
}

}  // namespace
}  // namespace liaison::sync
