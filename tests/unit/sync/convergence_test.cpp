// Randomized convergence: 3 to 5 replicas edit offline and exchange changesets every way a
// transport can misbehave; once everything is delivered they must agree exactly, hold every
// record exactly once, and have lost no value silently. Seeds 1..N, N = 40 unless the
// environment says LIAISON_CONVERGENCE_SEEDS=N (LIAISON_CONVERGENCE_SEED=S runs seed S alone).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "tests/common/status_testing.h"
#include "tests/common/sync_world.h"

namespace liaison::sync {
namespace {

using test::GlobalStamp;
using test::SyncWorld;

uint64_t env_number(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoull(v, nullptr, 10);
}

// A value of one field. Two writes of the same value to the same field carry the same
// information: if a person saw and replaced one of them, the value was not dropped silently.
struct FieldValue {
  std::string table, row_id, field, value;
  auto operator<=>(const FieldValue&) const = default;
};

FieldValue field_value(const test::WriteRecord& w, const Value& v) {
  return {w.table, w.row_id, w.column, std::to_string(v.index()) + ":" + value_to_display(v)};
}

// Every value that some replica's conflict log keeps as lost.
Result<std::set<FieldValue>> logged_losses(SyncWorld& w) {
  std::set<FieldValue> out;
  for (size_t r = 0; r < w.size(); ++r) {
    LIAISON_ASSIGN_OR_RETURN(std::vector<Conflict> conflicts, w.at(r)->conflicts(false));
    for (const Conflict& c : conflicts)
      out.insert({c.table, c.row_id, c.field,
                  std::to_string(c.lost.index()) + ":" + value_to_display(c.lost)});
  }
  return out;
}

// Every value that a later write replaced knowingly (it was the writer's current value).
std::set<FieldValue> knowingly_replaced(const SyncWorld& w) {
  std::map<std::tuple<std::string, std::string, GlobalStamp>, const test::WriteRecord*> by_stamp;
  for (const test::WriteRecord& wr : w.writes()) by_stamp[{wr.row_id, wr.column, wr.stamp}] = &wr;
  std::set<FieldValue> out;
  for (const test::WriteRecord& wr : w.writes()) {
    if (wr.base.hlc == 0) continue;
    auto it = by_stamp.find({wr.row_id, wr.column, wr.base});
    if (it != by_stamp.end()) out.insert(field_value(*it->second, it->second->value));
  }
  return out;
}

void run_seed(uint64_t seed, test::WorldCounts& total) {
  std::mt19937_64 shape(seed);
  size_t n = 3 + shape() % 3;
  SyncWorld w(seed, n);
  int rounds = 4 + static_cast<int>(shape() % 3);
  for (int round = 0; round < rounds; ++round) {
    for (size_t r = 0; r < n; ++r) {
      int edits = static_cast<int>(w.rng()() % 7);
      for (int e = 0; e < edits; ++e) ASSERT_OK(w.offline_edit(r)) << "seed " << seed;
    }
    int exchanges = 2 + static_cast<int>(w.rng()() % (2 * n));
    for (int x = 0; x < exchanges; ++x) ASSERT_OK(w.random_exchange()) << "seed " << seed;
  }
  ASSERT_OK(w.settle()) << "seed " << seed;

  // Everyone agrees, on the records and on what they have seen.
  ASSERT_OK_AND_ASSIGN(std::string digest, w.at(0)->digest());
  VersionVector vv = w.at(0)->version_vector();
  for (size_t r = 0; r < n; ++r) {
    ASSERT_OK_AND_ASSIGN(std::string d, w.at(r)->digest());
    EXPECT_EQ(d, digest) << "seed " << seed << ": replica " << r << " differs";
    EXPECT_EQ(w.at(r)->version_vector(), vv) << "seed " << seed << ": replica " << r;
    // Every record exactly once, nothing left waiting or refused.
    auto count = [&](const std::string& sql) {
      auto v = test::query_int(*w.at(r), sql);
      return v.is_ok() ? v.value() : -1;
    };
    EXPECT_EQ(count("SELECT COUNT(*) FROM opinion"), static_cast<int64_t>(w.opinions().size()))
        << "seed " << seed << ": replica " << r;
    EXPECT_EQ(count("SELECT COUNT(*) FROM opinion_step"), static_cast<int64_t>(w.steps()))
        << "seed " << seed << ": replica " << r;
    EXPECT_EQ(count("SELECT COUNT(*) FROM amendment"), static_cast<int64_t>(w.amendments()))
        << "seed " << seed << ": replica " << r;
    EXPECT_EQ(count("SELECT COUNT(*) FROM _pending"), 0) << "seed " << seed << ": replica " << r;
    EXPECT_EQ(count("SELECT COUNT(*) FROM _refused"), 0) << "seed " << seed << ": replica " << r;
    EXPECT_EQ(count("SELECT COUNT(*) FROM opinion WHERE voter IS NULL OR source IS NULL"), 0)
        << "seed " << seed << ": replica " << r << " has an opinion without a required field";
  }

  // No value lost silently: every value written that is not its field's final value was either
  // overwritten by a write that knew it (its base) or is in some replica's conflict log.
  std::set<FieldValue> knowingly = knowingly_replaced(w);
  ASSERT_OK_AND_ASSIGN(std::set<FieldValue> logged, logged_losses(w));
  size_t silently_lost = 0;
  for (const test::WriteRecord& wr : w.writes()) {
    ASSERT_OK_AND_ASSIGN(Value final_value, test::field(*w.at(0), wr.table, wr.row_id, wr.column));
    if (final_value == wr.value) continue;
    FieldValue key = field_value(wr, wr.value);
    if (knowingly.count(key) || logged.count(key)) continue;
    if (++silently_lost <= 5)
      ADD_FAILURE() << "seed " << seed << ": " << wr.table << "." << wr.column << " of "
                    << wr.row_id << " = '" << value_to_display(wr.value) << "' written by replica "
                    << wr.writer << " at " << wr.stamp.hlc << " was lost silently (final '"
                    << value_to_display(final_value) << "')";
  }
  EXPECT_EQ(silently_lost, 0u) << "seed " << seed;

  const test::WorldCounts& c = w.counts();
  total.writes += c.writes;
  total.exchanges += c.exchanges;
  total.relays += c.relays;
  total.duplicates += c.duplicates;
  total.drops += c.drops;
  total.stale += c.stale;
  total.delayed += c.delayed;
  total.split += c.split;
  total.compactions += c.compactions;
  total.gaps += c.gaps;
  total.pending += c.pending;
  total.conflicts += c.conflicts;
}

TEST(ConvergenceTest, RandomReplicasConverge) {
  uint64_t only = env_number("LIAISON_CONVERGENCE_SEED", 0);
  uint64_t first = only ? only : 1;
  uint64_t last = only ? only : env_number("LIAISON_CONVERGENCE_SEEDS", 40);
  test::WorldCounts total;
  for (uint64_t seed = first; seed <= last; ++seed) {
    SCOPED_TRACE("convergence seed " + std::to_string(seed) +
                 " (rerun with LIAISON_CONVERGENCE_SEED=" + std::to_string(seed) + ")");
    run_seed(seed, total);
    if (::testing::Test::HasFailure()) return;  // the first failing seed is enough to debug
  }
  std::printf(
      "%llu seeds: %zu writes, %zu changesets applied (%zu relayed, %zu twice, %zu "
      "dropped, %zu stale, %zu delayed, %zu split); %zu gaps, %zu pending, %zu "
      "conflicts, %zu compactions\n",
      static_cast<unsigned long long>(last - first + 1), total.writes, total.exchanges,
      total.relays, total.duplicates, total.drops, total.stale, total.delayed, total.split,
      total.gaps, total.pending, total.conflicts, total.compactions);
  // A run of many seeds must have gone down every path, or it proves less than it claims.
  if (last - first + 1 >= 20) {
    EXPECT_GT(total.relays, 0u);
    EXPECT_GT(total.duplicates, 0u);
    EXPECT_GT(total.drops, 0u);
    EXPECT_GT(total.stale, 0u);
    EXPECT_GT(total.delayed, 0u);
    EXPECT_GT(total.split, 0u);
    EXPECT_GT(total.gaps, 0u);
    EXPECT_GT(total.pending, 0u);
    EXPECT_GT(total.conflicts, 0u);
    EXPECT_GT(total.compactions, 0u);
  }
}

}  // namespace
}  // namespace liaison::sync
