// Replicas for tests: each in a file of a per-test temp dir, with its own fake clock and seeded
// random source, and helpers that make domain records through the public Replica API (so through
// change capture) and carry changes between replicas through the wire codec, as a transport does.
// Not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared/sync/replica.h"
#include "shared/util/env.h"
#include "tests/common/temp_dir.h"

namespace liaison::test {

// 2025-01-01T00:00:00Z: fake clocks start here unless a test says otherwise.
constexpr int64_t kEpochMs = 1'735'689'600'000;

// One replica with the clock and random source it references; they live as long as it does.
struct TestReplica {
  TestReplica(int64_t start_ms, uint64_t seed) : clock(start_ms), random(seed) {}
  FakeClock clock;
  SeededRandom random;
  std::string path;
  std::unique_ptr<sync::Replica> replica;

  sync::Replica* operator->() { return replica.get(); }
  sync::Replica& operator*() { return *replica; }
  // Closes and reopens the file, as a restart does.
  Status reopen();
};

struct ReplicaSpec {
  std::string name = "r";  // file name stem in the temp dir
  sync::Role role = sync::Role::kStation;
  std::string station_id = "S01";
  int64_t start_ms = kEpochMs;
  uint64_t seed = 1;
  std::optional<Uuid> id;  // a fixed replica id, for tests that depend on origin order
};

// Owns a temp dir and the replicas made in it.
class ReplicaSet {
 public:
  // Creates a replica; the test fails (and nullptr is returned) when that is impossible.
  TestReplica* make(const ReplicaSpec& spec);
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::vector<std::unique_ptr<TestReplica>> replicas_;
};

class ReplicaFixture : public ::testing::Test {
 protected:
  // REQUIRES: the spec's name is unused in this test. Aborts the test on failure.
  TestReplica& make(ReplicaSpec spec);
  TestReplica& make(const std::string& name, uint64_t seed = 1) {
    ReplicaSpec spec;
    spec.name = name;
    spec.seed = seed;
    return make(spec);
  }
  ReplicaSet set_;
};

// ReplicaFixture with the checks the sync suites share; a failed query fails the test and
// returns a value no check expects (-1, "", 0).
class SyncFixture : public ReplicaFixture {
 protected:
  // The first column of the first row of sql on r.
  int64_t scalar(TestReplica& r, const std::string& sql);
  std::string digest(TestReplica& r);
  // The sequence number up to which r has seen origin's changes.
  uint64_t seen(TestReplica& r, const Uuid& origin);
};

// A UUID whose 16 bytes are all `fill`: replica ids with a known order.
Uuid fixed_uuid(uint8_t fill);

// The index of column in table. REQUIRES: it exists.
int col(const sync::TablePolicy& table, std::string_view column);
// The policy of table. REQUIRES: it exists.
const sync::TablePolicy& policy(std::string_view table);

// The fields of an opinion record; required ones have defaults.
struct OpinionSpec {
  std::string station_id = "S01";
  std::string recorded_by = "sp-1";
  std::string at = "2025-01-01T09:00:00Z";
  std::string matter = "路灯坏了三个月，晚上出行不便";
  std::string voter = "张三";
  std::string source = "visit";
  Value phone, place, category;
};

// Each of these runs one write() through change capture.
Result<std::string> add_opinion(sync::Replica& r, const OpinionSpec& spec = {});
Result<std::string> add_step(sync::Replica& r, const std::string& opinion_id,
                             const std::string& step = "explained", const std::string& note = {});
Result<std::string> add_amendment(sync::Replica& r, const std::string& opinion_id,
                                  const std::string& body);
// Sets fields of a row by column name.
Status edit(sync::Replica& r, std::string_view table, const std::string& id,
            const std::vector<std::pair<std::string, Value>>& fields);
Status void_record(sync::Replica& r, std::string_view table, const std::string& id,
                   const std::string& reason);

// The value of one field, or NotFound when the row does not exist.
Result<Value> field(sync::Replica& r, std::string_view table, const std::string& id,
                    std::string_view column);
// The first column of the first row of sql as an integer (0 when there is no row).
Result<int64_t> query_int(sync::Replica& r, const std::string& sql);

// Encodes and decodes, as every transport does.
Result<wire::Changeset> through_wire(const wire::Changeset& cs);
// to.apply(from.changes_since(to.version_vector(), max_changes)) through the codec.
Result<sync::ApplyStats> exchange(sync::Replica& from, sync::Replica& to,
                                  size_t max_changes = SIZE_MAX);
// Exchanges in batches of max_changes until from has nothing to's version vector lacks.
Result<sync::ApplyStats> exchange_all(sync::Replica& from, sync::Replica& to, size_t max_changes);
// A changeset with one change of origin, as a peer (honest or not) could send it.
wire::Changeset forged_changeset(const std::string& table, const std::vector<std::string>& columns,
                                 const Uuid& origin, uint64_t seq, uint64_t hlc, bool create,
                                 const std::string& row_id, std::vector<wire::FieldChange> fields);
// Only the ranges and changes of one origin (tables and origins are kept whole).
wire::Changeset only_origin(const wire::Changeset& cs, const Uuid& origin);

}  // namespace liaison::test
