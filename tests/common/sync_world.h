// A small world of replicas for randomized sync tests: they edit records offline through change
// capture and exchange changesets in every way a transport can misbehave (relayed, repeated,
// dropped, delayed, stale, split). Every value written is recorded with its stamp and the stamp
// it knowingly replaced, so that a test can check that no value was lost silently. All
// randomness comes from one seed. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "shared/sync/replica.h"
#include "tests/common/replica_fixture.h"

namespace liaison::test {

// A stamp named by origin UUID, comparable across replicas (local origin numbers are not).
struct GlobalStamp {
  uint64_t hlc = 0;
  std::string origin;
  bool operator==(const GlobalStamp&) const = default;
  auto operator<=>(const GlobalStamp&) const = default;
};

// One value written to an editable field by change capture.
struct WriteRecord {
  std::string table, row_id, column;
  Value value;
  GlobalStamp stamp;
  GlobalStamp base;  // the write it knowingly replaced; hlc 0 for a creation
  size_t writer = 0;
};

// Counts of what happened, for a test to print or to check that a run did exercise each path.
struct WorldCounts {
  size_t writes = 0, exchanges = 0, relays = 0, duplicates = 0, drops = 0, stale = 0, delayed = 0,
         split = 0, gaps = 0, pending = 0, conflicts = 0, compactions = 0;
};

class SyncWorld {
 public:
  // REQUIRES: 2 <= replicas. Replica 0 is the district office, the others are stations.
  SyncWorld(uint64_t seed, size_t replicas);

  size_t size() const { return replicas_.size(); }
  TestReplica& at(size_t i) { return *replicas_[i]; }
  std::mt19937_64& rng() { return rng_; }
  const WorldCounts& counts() const { return counts_; }
  const std::vector<WriteRecord>& writes() const { return writes_; }
  const std::set<std::string>& opinions() const { return opinions_; }
  size_t steps() const { return steps_; }
  size_t amendments() const { return amendments_; }

  // One random offline operation on replica r: a new opinion, an edit of an editable field of
  // an opinion it holds, a handling step, an amendment, or a void (or un-void).
  Status offline_edit(size_t r);
  // One random exchange between random replicas, well-behaved or not.
  Status random_exchange();
  // Delivers what is still in transit, then exchanges all pairs until nothing changes.
  Status settle();

  // The stamp of one field on replica r, by origin UUID.
  Result<GlobalStamp> stamp_of(size_t r, const std::string& table, const std::string& id,
                               const std::string& column, bool base = false);

 private:
  struct Letter {
    size_t to;
    std::string bytes;  // an encoded changeset
  };

  // Compacts replica r's change log: up to what every replica has seen (what acknowledged
  // watermarks allow), or all of it (peers below it then get snapshots).
  Status compact(size_t r, bool everything);
  Status insert_opinion(size_t r);
  Status edit_field(size_t r, const std::string& column, Value value);
  Result<std::vector<std::string>> ids(size_t r, const std::string& table);
  Result<std::string> origin_uuid(size_t r, uint32_t local);
  Status record(size_t r, const std::string& table, const std::string& id,
                const std::string& column, const Value& value);
  void tick(size_t r);
  size_t other(size_t than);

  Result<wire::Changeset> build(size_t from, const sync::VersionVector& vv, size_t max_changes);
  Status deliver(size_t to, const std::string& bytes);
  Status direct(size_t from, size_t to, size_t max_changes = SIZE_MAX);

  std::mt19937_64 rng_;
  ReplicaSet set_;
  std::vector<TestReplica*> replicas_;
  std::vector<std::vector<sync::VersionVector>> snapshots_;  // older version vectors per replica
  std::vector<Letter> mailbox_;
  std::vector<WriteRecord> writes_;
  std::set<std::string> opinions_;
  size_t steps_ = 0, amendments_ = 0;
  WorldCounts counts_;
};

}  // namespace liaison::test
