// Replica::apply: idempotence, all-or-nothing, gaps, changes waiting for their row, the rules for
// append-only rows and immutable fields, relays, and robustness against odd changesets.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "shared/storage/migrations.h"
#include "shared/sync/replica.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

using test::exchange;
using test::field;
using test::query_int;
using test::through_wire;

class ApplyTest : public test::SyncFixture {};

using test::forged_changeset;

TEST_F(ApplyTest, ChangesArriveWithTheirOriginAndSequence) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
  ASSERT_OK(test::edit(*a, "opinion", id, {{"category", std::string("roads")}}));
  ASSERT_OK_AND_ASSIGN(ApplyStats stats, exchange(*a, *b));
  EXPECT_EQ(stats.applied, 2u);
  EXPECT_EQ(digest(b), digest(a));
  EXPECT_EQ(scalar(b,
                   "SELECT COUNT(*) FROM _log l JOIN _origin o ON o.idx = l.origin WHERE "
                   "o.uuid = '" +
                       a->info().id.str() + "' AND l.seq IN (1, 2)"),
            2);
  EXPECT_EQ(seen(b, a->info().id), 2u);
  ASSERT_OK_AND_ASSIGN(Value category, field(*b, "opinion", id, "category"));
  EXPECT_EQ(category, Value{std::string("roads")});
}

TEST_F(ApplyTest, ApplyingTheSameChangesetTwiceChangesNothing) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
  ASSERT_OK(test::edit(*a, "opinion", id, {{"phone", std::string("13800000000")}}));
  ASSERT_OK(test::add_step(*a, id));
  ASSERT_OK_AND_ASSIGN(wire::Changeset cs, a->changes_since({}));
  ASSERT_OK_AND_ASSIGN(wire::Changeset received, through_wire(cs));
  ASSERT_OK_AND_ASSIGN(ApplyStats first, b->apply(received));
  EXPECT_EQ(first.applied, 3u);
  std::string after_first = digest(b);
  int64_t logged = scalar(b, "SELECT COUNT(*) FROM _log");
  ASSERT_OK_AND_ASSIGN(ApplyStats second, b->apply(received));
  EXPECT_EQ(second.applied, 0u);
  EXPECT_EQ(second.duplicates, received.changes.size());
  EXPECT_EQ(second.conflicts, 0u);
  EXPECT_EQ(digest(b), after_first);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _log"), logged);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _conflict"), 0);
}

TEST_F(ApplyTest, AChangesetRefusedByValidationChangesNothing) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  for (int i = 0; i < 3; ++i) ASSERT_OK(test::add_opinion(*a));
  ASSERT_OK_AND_ASSIGN(wire::Changeset cs, a->changes_since({}));
  ASSERT_EQ(cs.changes.size(), 3u);
  std::string before = digest(b);
  wire::Changeset bad = cs;
  bad.changes.back().seq = bad.ranges[0].to + 5;  // outside its origin's range
  EXPECT_CODE(b->apply(bad), Code::kCorruption);
  bad = cs;
  std::swap(bad.changes[1], bad.changes[2]);  // out of sequence order
  EXPECT_CODE(b->apply(bad), Code::kCorruption);
  bad = cs;
  bad.tables[0].columns[1] = "no_such_column";
  EXPECT_CODE(b->apply(bad), Code::kCorruption);
  bad = cs;
  bad.tables[0].name = "no_such_table";
  EXPECT_CODE(b->apply(bad), Code::kCorruption);
  bad = cs;
  bad.schema_version =
      static_cast<uint32_t>(storage::latest_version(storage::embedded_migrations()) + 1);
  EXPECT_CODE(b->apply(bad), Code::kSchemaTooNew);
  // Indices out of range in a changeset built in memory (decode() never yields these).
  bad = cs;
  bad.changes[0].table = 7;
  EXPECT_CODE(b->apply(bad), Code::kCorruption);
  bad = cs;
  bad.changes[0].origin = 9;
  EXPECT_CODE(b->apply(bad), Code::kCorruption);
  bad = cs;
  bad.changes[0].fields[0].column = 99;
  EXPECT_CODE(b->apply(bad), Code::kCorruption);
  bad = cs;
  bad.ranges[0].origin = 4;
  EXPECT_CODE(b->apply(bad), Code::kCorruption);
  bad = cs;
  bad.changes[0].row_id.clear();
  EXPECT_CODE(b->apply(bad), Code::kCorruption);
  EXPECT_EQ(digest(b), before);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _log"), 0);
  EXPECT_EQ(seen(b, a->info().id), 0u);
}

TEST_F(ApplyTest, AFailureInsideTheTransactionRollsBackEverything) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  ASSERT_OK(test::add_opinion(*b));  // b has state of its own that must survive
  std::string last;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(last, test::add_opinion(*a));
  }
  ASSERT_OK(test::edit(*a, "opinion", last, {{"category", std::string("roads")}}));
  ASSERT_OK_AND_ASSIGN(wire::Changeset cs, a->changes_since({}));
  ASSERT_OK_AND_ASSIGN(wire::Changeset received, through_wire(cs));
  // A fault injected into the last change's log entry: only the database can detect it, after
  // the earlier changes were merged.
  ASSERT_OK(
      b->db().exec("CREATE TEMP TRIGGER inject_fault BEFORE INSERT ON main._log WHEN "
                   "NEW.row_id = '" +
                   last +
                   "' AND NEW.seq = 4 "
                   "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"));
  std::string before = digest(b);
  VersionVector vv_before = b->version_vector();
  int64_t origins = scalar(b, "SELECT COUNT(*) FROM _origin");
  auto failed = b->apply(received);
  ASSERT_FALSE(failed.is_ok());
  EXPECT_NE(failed.status().message().find("injected fault"), std::string::npos);
  EXPECT_EQ(digest(b), before);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _log"), 1);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _origin"), origins);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _vv WHERE seq > 0"),
            static_cast<int64_t>(vv_before.size()));
  EXPECT_EQ(b->version_vector(), vv_before) << "the in-memory version vector was not restored";

  // Without the fault the same changeset applies whole, and b's own writes continue normally.
  ASSERT_OK(b->db().exec("DROP TRIGGER inject_fault"));
  ASSERT_OK_AND_ASSIGN(ApplyStats stats, b->apply(received));
  EXPECT_EQ(stats.applied, 4u);
  EXPECT_EQ(seen(b, a->info().id), 4u);
  ASSERT_OK(test::add_opinion(*b));
  EXPECT_EQ(seen(b, b->info().id), 2u);
  ASSERT_OK(exchange(*b, *a));
  EXPECT_EQ(digest(a), digest(b));
}

TEST_F(ApplyTest, AGapIsSkippedAndFilledWhenTheMissingBatchArrives) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  for (int i = 0; i < 3; ++i) ASSERT_OK(test::add_opinion(*a));
  ASSERT_OK_AND_ASSIGN(wire::Changeset first, a->changes_since({}, 1));
  ASSERT_EQ(first.ranges.size(), 1u);
  EXPECT_EQ(first.ranges[0].to, 1u);
  ASSERT_OK_AND_ASSIGN(wire::Changeset second, a->changes_since({{a->info().id, 1}}));
  ASSERT_EQ(second.ranges.size(), 1u);
  EXPECT_EQ(second.ranges[0].from, 1u);

  ASSERT_OK_AND_ASSIGN(ApplyStats early, b->apply(second));
  EXPECT_EQ(early.gaps, 1u);
  EXPECT_EQ(early.applied, 0u);
  EXPECT_EQ(seen(b, a->info().id), 0u) << "a gap must not be covered by the version vector";
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM opinion"), 0);

  ASSERT_OK_AND_ASSIGN(ApplyStats missing, b->apply(first));
  EXPECT_EQ(missing.applied, 1u);
  ASSERT_OK_AND_ASSIGN(ApplyStats again, b->apply(second));
  EXPECT_EQ(again.gaps, 0u);
  EXPECT_EQ(again.applied, 2u);
  EXPECT_EQ(digest(b), digest(a));
  EXPECT_EQ(seen(b, a->info().id), 3u);
}

TEST_F(ApplyTest, ARequiredFieldEditedAfterCreationArrivesWithTheRow) {
  // The creation travels without the voter it was made with (a later edit replaced it), so the
  // receiver must not refuse it for a missing required field.
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  auto& c = make("c", 3);
  test::OpinionSpec spec;
  spec.voter = "张";
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a, spec));
  ASSERT_OK(test::edit(*a, "opinion", id,
                       {{"voter", std::string("张三")}, {"source", std::string("mailbox")}}));
  ASSERT_OK(exchange(*a, *b));
  ASSERT_OK_AND_ASSIGN(Value voter, field(*b, "opinion", id, "voter"));
  EXPECT_EQ(voter, Value{std::string("张三")});
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _refused"), 0);
  // The same in batches of one change: the creation and the edit arrive separately.
  ASSERT_OK(test::exchange_all(*a, *c, 1));
  EXPECT_EQ(digest(c), digest(a));
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM _refused"), 0);
}

TEST_F(ApplyTest, AnUpdateArrivingBeforeItsRowWaitsInPending) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
  ASSERT_OK(exchange(*a, *b));
  ASSERT_OK(test::edit(*b, "opinion", id, {{"category", std::string("roads")}}));
  ASSERT_OK(test::void_record(*b, "opinion", id, "duplicate of another record"));
  ASSERT_OK_AND_ASSIGN(wire::Changeset cs, b->changes_since({}));
  ASSERT_OK_AND_ASSIGN(wire::Changeset all, through_wire(cs));
  wire::Changeset creation = test::only_origin(all, a->info().id);
  wire::Changeset edits = test::only_origin(all, b->info().id);
  ASSERT_EQ(creation.changes.size(), 1u);
  ASSERT_EQ(edits.changes.size(), 2u);

  // Edits first: they wait, are counted as seen, and are merged when the row arrives.
  auto& c = make("c", 3);
  ASSERT_OK_AND_ASSIGN(ApplyStats waiting, c->apply(edits));
  EXPECT_EQ(waiting.pending, 2u);
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM _pending"), 2);
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM opinion"), 0);
  EXPECT_EQ(seen(c, b->info().id), 2u);
  ASSERT_OK(c->apply(creation));
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM _pending"), 0);
  EXPECT_EQ(digest(c), digest(b));

  // The other order gives the same row.
  auto& d = make("d", 4);
  ASSERT_OK(d->apply(creation));
  ASSERT_OK_AND_ASSIGN(ApplyStats direct, d->apply(edits));
  EXPECT_EQ(direct.pending, 0u);
  EXPECT_EQ(digest(d), digest(b));
}

TEST_F(ApplyTest, AnUpdateToAnAppendOnlyRowIsRefusedAndNotRelayed) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
  ASSERT_OK_AND_ASSIGN(std::string step, test::add_step(*a, id, "referred"));
  ASSERT_OK(exchange(*a, *b));
  std::string before = digest(b);
  Uuid rogue = test::fixed_uuid(0x77);
  wire::Changeset cs =
      forged_changeset("opinion_step", {"id", "note"}, rogue, 1, b->hlc_now() + 1000, false, step,
                       {{1, std::string("rewritten history"), 0, 0}});
  ASSERT_OK_AND_ASSIGN(ApplyStats stats, b->apply(cs));
  EXPECT_EQ(stats.refused, 1u);
  EXPECT_EQ(stats.applied, 0u);
  EXPECT_EQ(digest(b), before);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _refused WHERE reason = 'append_only' AND origin = '" +
                          rogue.str() + "' AND seq = 1 AND tbl = 'opinion_step' AND row_id = '" +
                          step + "'"),
            1);
  EXPECT_EQ(seen(b, rogue), 1u) << "seen, so that it is not asked for again";
  ASSERT_OK_AND_ASSIGN(wire::Changeset out, b->changes_since({}));
  for (const wire::Change& c : out.changes) EXPECT_NE(out.origins[c.origin], rogue);
}

TEST_F(ApplyTest, AnUpdateToAnAppendOnlyRowIsRefusedEvenBeforeTheRowArrives) {
  auto& a = make("a", 1);
  auto& c = make("c", 3);
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
  ASSERT_OK_AND_ASSIGN(std::string step, test::add_step(*a, id, "referred"));
  Uuid rogue = test::fixed_uuid(0x77);
  wire::Changeset cs =
      forged_changeset("opinion_step", {"id", "note"}, rogue, 1, a->hlc_now() + 1000, false, step,
                       {{1, std::string("rewritten history"), 0, 0}});
  ASSERT_OK_AND_ASSIGN(ApplyStats stats, c->apply(cs));
  EXPECT_EQ(stats.refused, 1u);
  EXPECT_EQ(stats.pending, 0u) << "it would be relayed from _pending";
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM _pending"), 0);
  ASSERT_OK(exchange(*a, *c));
  EXPECT_EQ(digest(c), digest(a));
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM _conflict"), 0);
}

TEST_F(ApplyTest, AChangeToAnImmutableFieldIsAConflictAndChangesNothing) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
  ASSERT_OK(exchange(*a, *b));
  std::string before = digest(b);
  Uuid rogue = test::fixed_uuid(0x77);
  uint64_t hlc = b->hlc_now() + 1000;
  wire::Changeset cs = forged_changeset("opinion", {"id", "matter"}, rogue, 1, hlc, false, id,
                                        {{1, std::string("改写后的原话"), 0, 0}});
  ASSERT_OK_AND_ASSIGN(ApplyStats stats, b->apply(cs));
  EXPECT_EQ(stats.conflicts, 1u);
  EXPECT_EQ(digest(b), before);
  ASSERT_OK_AND_ASSIGN(std::vector<Conflict> conflicts, b->conflicts(true, id));
  ASSERT_EQ(conflicts.size(), 1u);
  const Conflict& c = conflicts[0];
  EXPECT_EQ(c.kind, "immutable");
  EXPECT_EQ(c.table, "opinion");
  EXPECT_EQ(c.field, "matter");
  EXPECT_EQ(c.kept, Value{test::OpinionSpec{}.matter});
  EXPECT_EQ(c.kept_origin, a->info().id.str());
  EXPECT_EQ(c.lost, Value{std::string("改写后的原话")});
  EXPECT_EQ(c.lost_hlc, hlc);
  EXPECT_EQ(c.lost_origin, rogue.str());
  EXPECT_CODE(b->resolve(c.id, true), Code::kInvalidArgument) << "a verbatim text stays verbatim";
}

TEST_F(ApplyTest, ChangesThatBreakTheRulesAreRefusedWithAReason) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
  ASSERT_OK(exchange(*a, *b));
  std::string before = digest(b);
  uint64_t hlc = b->hlc_now() + 1000;
  ASSERT_OK_AND_ASSIGN(ApplyStats typed,
                       b->apply(forged_changeset("opinion", {"id", "voter"}, test::fixed_uuid(0x71),
                                                 1, hlc, false, id, {{1, int64_t{42}, 0, 0}})));
  EXPECT_EQ(typed.refused, 1u);
  // An edit that empties a required field: capture refuses it, so must apply.
  uint8_t rogue = 0x73;
  for (const Value& empty : {Value{}, Value{std::string()}}) {
    ASSERT_OK_AND_ASSIGN(
        ApplyStats emptied,
        b->apply(forged_changeset("opinion", {"id", "voter"}, test::fixed_uuid(rogue++), 1, hlc,
                                  false, id, {{1, empty, 0, 0}})));
    EXPECT_EQ(emptied.refused, 1u);
  }
  // A creation without its verbatim matter.
  ASSERT_OK_AND_ASSIGN(
      ApplyStats missing,
      b->apply(forged_changeset(
          "opinion", {"id", "station_id", "recorded_by", "at", "created_at", "voter"},
          test::fixed_uuid(0x72), 1, hlc, true, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
          {{1, std::string("S01")},
           {2, std::string("sp")},
           {3, std::string("t")},
           {4, std::string("t")},
           {5, std::string("v")}})));
  EXPECT_EQ(missing.refused, 1u);
  EXPECT_EQ(digest(b), before);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _refused WHERE reason = 'type:voter'"), 1);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _refused WHERE reason = 'required'"), 1);
  EXPECT_EQ(scalar(b, "SELECT COUNT(*) FROM _refused WHERE reason = 'required:voter'"), 2);
}

TEST_F(ApplyTest, ARelayDeliversTheOriginalChangesAndNothingTwice) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  auto& c = make("c", 3);
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
  ASSERT_OK(test::edit(*a, "opinion", id, {{"category", std::string("roads")}}));
  ASSERT_OK(test::add_step(*a, id, "replied"));
  ASSERT_OK(exchange(*a, *b));
  ASSERT_OK_AND_ASSIGN(ApplyStats relayed, exchange(*b, *c));
  EXPECT_EQ(relayed.applied, 3u);
  EXPECT_EQ(digest(c), digest(a));
  EXPECT_EQ(scalar(c,
                   "SELECT COUNT(*) FROM _log l JOIN _origin o ON o.idx = l.origin WHERE "
                   "o.uuid = '" +
                       a->info().id.str() + "' AND l.seq BETWEEN 1 AND 3"),
            3);
  EXPECT_EQ(seen(c, a->info().id), 3u);
  EXPECT_EQ(seen(c, b->info().id), 0u) << "b wrote nothing";

  ASSERT_OK_AND_ASSIGN(ApplyStats direct, exchange(*a, *c));
  EXPECT_EQ(direct.applied, 0u);
  int64_t logged = scalar(c, "SELECT COUNT(*) FROM _log");
  ASSERT_OK_AND_ASSIGN(wire::Changeset everything, a->changes_since({}));
  ASSERT_OK_AND_ASSIGN(ApplyStats again, c->apply(everything));
  EXPECT_EQ(again.applied, 0u);
  EXPECT_EQ(again.duplicates, everything.changes.size());
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM _log"), logged);
  EXPECT_EQ(digest(c), digest(a));
}

TEST_F(ApplyTest, OwnChangesComingBackAreDuplicates) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  ASSERT_OK(test::add_opinion(*a));
  ASSERT_OK(test::add_opinion(*a));
  ASSERT_OK(exchange(*a, *b));
  ASSERT_OK_AND_ASSIGN(wire::Changeset back, b->changes_since({}));
  ASSERT_OK_AND_ASSIGN(ApplyStats stats, a->apply(back));
  EXPECT_EQ(stats.duplicates, 2u);
  EXPECT_EQ(stats.applied, 0u);
  ASSERT_OK(test::add_opinion(*a));
  EXPECT_EQ(seen(a, a->info().id), 3u);
}

TEST_F(ApplyTest, TheVersionVectorSurvivesAReopen) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  ASSERT_OK(test::add_opinion(*a));
  ASSERT_OK(test::add_opinion(*b));
  ASSERT_OK(exchange(*a, *b));
  VersionVector vv = b->version_vector();
  ASSERT_OK(b.reopen());
  EXPECT_EQ(b->version_vector(), vv);
  ASSERT_OK_AND_ASSIGN(ApplyStats stats, exchange(*a, *b));
  EXPECT_EQ(stats.applied, 0u);
}

// Changesets that decode but were never made by a replica: random tables, columns, values,
// bases, kinds and row ids, in a valid framing. apply() must refuse or merge them, never crash,
// and the replica must stay usable.
TEST_F(ApplyTest, RandomizedChangesetsNeverBreakTheReplica) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a));
    ASSERT_OK_AND_ASSIGN(std::string step, test::add_step(*a, id));
    ids.push_back(id);
    ids.push_back(step);
  }
  ASSERT_OK(exchange(*a, *b));
  std::mt19937_64 rng(99);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const Value values[] = {Value{},         int64_t{7},       int64_t{-1},          2.5,
                          std::string(""), std::string("x"), std::string(300, 'y')};
  for (int round = 0; round < 300; ++round) {
    wire::Changeset cs;
    cs.schema_version = 1;
    cs.sender = test::fixed_uuid(static_cast<uint8_t>(0x80 + round % 8));
    cs.origins = {cs.sender, test::fixed_uuid(0x90), a->info().id};
    for (int t = 0; t < 2; ++t) {
      const TablePolicy& p = tables()[pick(tables().size())];
      wire::TableHeader h{p.name, {}};
      for (const ColumnPolicy& c : p.columns)
        if (pick(3) != 0 || h.columns.empty()) h.columns.push_back(c.name);
      cs.tables.push_back(h);
    }
    uint64_t seq = 1 + rng() % 3;
    cs.ranges = {{0, seq - 1, seq + 3}};
    for (int i = 0; i < 4; ++i) {
      wire::Change c;
      c.table = static_cast<uint32_t>(pick(cs.tables.size()));
      c.row_id = pick(4) == 0 ? a->new_id() : ids[pick(ids.size())];
      c.origin = 0;
      c.seq = seq + static_cast<uint64_t>(i);
      c.hlc = pick(5) == 0 ? 1 : b->hlc_now() + rng() % 5000;
      c.create = pick(3) == 0;
      size_t ncols = cs.tables[c.table].columns.size();
      for (int f = 0; f < 3 && ncols > 1; ++f) {
        wire::FieldChange fc;
        fc.column = static_cast<uint32_t>(1 + pick(ncols - 1));
        fc.value = values[pick(std::size(values))];
        if (!c.create && pick(2) == 0) {
          fc.base_hlc = b->hlc_now() - rng() % 1000;
          fc.base_origin = static_cast<uint32_t>(pick(cs.origins.size()));
        }
        c.fields.push_back(fc);
      }
      cs.changes.push_back(c);
    }
    ASSERT_OK_AND_ASSIGN(wire::Changeset received, through_wire(cs));
    auto r = b->apply(received);
    if (!r.is_ok()) {
      Code code = r.status().code();
      EXPECT_TRUE(code == Code::kCorruption || code == Code::kInvalidArgument)
          << "round " << round << ": " << test::describe(r.status());
    }
  }
  // Still a working replica: it writes, builds changesets, and they apply elsewhere.
  ASSERT_OK(test::add_opinion(*b));
  auto& c = make("c", 3);
  ASSERT_OK(test::exchange_all(*b, *c, 50));
  EXPECT_EQ(digest(c), digest(b));
}

}  // namespace
}  // namespace liaison::sync
