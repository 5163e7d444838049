// A replica: one SQLite file holding the domain records and the sync engine's bookkeeping.
//
// Every write to a domain table goes through write() + insert()/update(), which stamp each
// changed column with a hybrid timestamp, this replica's origin id and its next sequence number,
// and log the change so that it can be sent later (change capture). The schema's guard triggers
// refuse any other write, so capture cannot be bypassed. Changesets from other replicas come in
// through apply(), which merges them by the rules of shared/sync/policy.h in one transaction and
// keeps every losing value in the conflict log. changes_since() answers "what do you have that
// this version vector has not seen", including changes relayed for third replicas.
//
// Not thread-safe: one Replica belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "shared/storage/db.h"
#include "shared/sync/policy.h"
#include "shared/sync/row_clock.h"
#include "shared/util/env.h"
#include "shared/util/hlc.h"
#include "shared/util/uuid.h"
#include "shared/wire/changeset.h"

namespace liaison::sync {

enum class Role { kStation, kSpokesperson, kDistrict };
const char* role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct ReplicaInfo {
  Uuid id;  // nil at create(): a new one is made
  Role role = Role::kStation;
  std::string station_id;
  std::string spokesperson_id;
  std::string server;
  std::string token;
  std::string created_at;
};

using VersionVector = std::map<Uuid, uint64_t>;
using Fields = std::vector<std::pair<int, Value>>;  // column index, value

struct Row {
  std::vector<Value> values;  // by column index; values[0] is the id
  RowClock clock;
};

// One change that apply() refused, with the reason (a policy rule or the guard's).
struct Refusal {
  Uuid origin;
  uint64_t seq = 0;
  std::string table, row_id, reason;
};

// What a guard sees of an incoming change: the values it would create (by column index, for a
// creation), or the row it would change (nullptr when the row does not exist here).
struct ChangeView {
  const TablePolicy& table;
  bool create;
  const Uuid& origin;
  const std::vector<Value>* created;
  const Row* existing;
};

// Decides whether an incoming change may be applied: nullopt, or a refusal reason.
using ChangeGuard = std::function<std::optional<std::string>(const ChangeView&)>;
// Decides whether a row may be sent to a peer.
using RowFilter = std::function<bool(const TablePolicy&, const Row&)>;

struct ApplyStats {
  std::vector<Refusal> refusals;
  size_t applied = 0;     // changes merged into rows
  size_t duplicates = 0;  // already seen
  size_t pending = 0;     // kept until their row's creation arrives
  size_t conflicts = 0;   // conflict-log entries written
  size_t refused = 0;     // changes that break the merge rules, kept in _refused
  size_t gaps = 0;        // origins skipped because earlier changes are missing
};

struct Conflict {
  int64_t id = 0;
  std::string table, row_id, field, kind;  // kind: "concurrent" or "immutable"
  Value kept, lost;
  uint64_t kept_hlc = 0, lost_hlc = 0;
  std::string kept_origin, lost_origin, detected_at, decision, decided_at;
};

struct ReplicaOptions {
  Clock* clock = nullptr;    // default: the system clock
  Random* random = nullptr;  // default: OpenSSL randomness
};

class Replica {
 public:
  using Options = ReplicaOptions;

  // Creates a new replica file; AlreadyExists if the file holds a replica already.
  static Result<std::unique_ptr<Replica>> create(const std::string& path, ReplicaInfo info,
                                                 Options options = {});
  // Opens an existing replica and migrates it forward; SchemaTooNew leaves it untouched.
  static Result<std::unique_ptr<Replica>> open(const std::string& path, Options options = {});
  ~Replica();
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  const ReplicaInfo& info() const { return info_; }
  // Reloads what this object keeps in memory (sequence, origins, version vector, compaction
  // marks) when another connection to the file has committed since it last looked: another
  // process on the same replica, such as `liaison sync` or `liaison opinion add` next to a
  // running `liaison serve`. Every write() and apply() does it inside its transaction, before
  // anything else, so two processes never hand out the same sequence number; call it before
  // planning from the version vector outside a transaction (a new sync session).
  Status refresh();
  Status set_server(const std::string& server, const std::string& token);
  // For queries. Writes to domain tables through it fail (guard triggers).
  storage::Db& db() { return *db_; }
  std::string new_id();
  // The current time as ISO 8601 UTC with milliseconds.
  std::string now_iso();
  uint64_t hlc_now() const { return hlc_.last(); }

  // Runs fn in one transaction in which insert() and update() may be called. Everything fn
  // wrote is committed with its change-log entries, or nothing is.
  Status write(const std::function<Status()>& fn);
  // REQUIRES: inside write(). Creates a row; returns its id (a new UUIDv7 when id is empty).
  // Values are moved out of fields.
  Result<std::string> insert(const TablePolicy& table, Fields fields, std::string id = {});
  // REQUIRES: inside write(). Changes editable fields; unchanged values are not recorded.
  Status update(const TablePolicy& table, const std::string& id, const Fields& fields);
  // The row, or nullopt when it does not exist here.
  Result<std::optional<Row>> load(const TablePolicy& table, const std::string& id);

  VersionVector version_vector() const;
  // Every change known here that peer has not seen, in at most max_changes changes. Applying
  // the result and merging its ranges into peer gives the next call's input.
  // With a filter, only rows it accepts are sent (and no pending change); the ranges still
  // cover what was left out, so the peer never asks for it again.
  Result<wire::Changeset> changes_since(const VersionVector& peer, size_t max_changes = SIZE_MAX,
                                        const RowFilter& filter = {});
  // Removes the change-log entries of each origin up to floor's entry for it (the sequences
  // every peer has acknowledged): the log then no longer answers a peer below them, which is
  // sent a snapshot instead (shared/sync/change_feed.h). Rows are never removed. Returns the
  // number of entries removed.
  Result<uint64_t> compact(const VersionVector& floor);
  // Per origin, the sequence up to which the log has been compacted (origins never compacted
  // are absent).
  VersionVector compacted() const;
  // Merges a changeset: all or nothing; applying it again changes nothing. Takes the
  // changeset by value so that its values can be moved into rows (std::move it in).
  // With a guard, each change it refuses is recorded in _refused and in the stats, and the
  // rest are applied; an update whose row does not exist here is then shown to the guard
  // (existing == nullptr) instead of waiting in _pending unchecked.
  Result<ApplyStats> apply(wire::Changeset cs, const ChangeGuard& guard = {});
  // Records changes refused before apply() saw them (an origin the sender may not carry) in
  // _refused, as apply() records the ones it refuses.
  Status note_refused(const std::vector<Refusal>& refusals);

  Result<std::vector<Conflict>> conflicts(bool only_open, const std::string& row_id = {});
  // Re-decides a conflict: keep_lost writes the losing value back as a new local change.
  Result<Conflict> resolve(int64_t conflict_id, bool keep_lost);
  // SHA-256 over every domain row's values (not clocks), ordered by table and id.
  Result<std::string> digest();

 private:
  struct TableStmts;
  class Applier;
  friend class ChangeFeed;

  Replica(std::unique_ptr<storage::Db> db, Options options);
  Status load_state();
  Status persist_state();
  Status in_txn(const std::function<Status()>& fn);
  Result<uint32_t> intern_origin(const Uuid& uuid);
  int compare_stamps(const Stamp& a, const Stamp& b) const;
  TableStmts& stmts(const TablePolicy& table);
  Status store_row(const TablePolicy& table, const Row& row, bool insert);
  // Inserts row unless its id exists; Result false when it existed (nothing written).
  Result<bool> insert_row_if_absent(const TablePolicy& table, const Row& row);
  Status log_change(uint32_t origin, uint64_t seq, const TablePolicy& table,
                    const std::string& row_id, uint64_t hlc);
  Status record_conflict(const TablePolicy& table, const std::string& row_id, int column,
                         const char* kind, const Value& kept, const Stamp& kept_stamp,
                         const Value& lost, const Stamp& lost_stamp);

  std::unique_ptr<storage::Db> db_;
  Clock& clock_;
  Random& random_;
  ReplicaInfo info_;
  Hlc hlc_;
  uint64_t seq_ = 0;
  bool capturing_ = false;
  bool in_write_ = false;
  std::vector<Uuid> origins_;  // by local number; [0] unused, [1] is this replica
  std::map<Uuid, uint32_t> origin_index_;
  std::unordered_map<uint32_t, uint64_t> vv_;
  std::unordered_map<uint32_t, uint64_t> compacted_;  // _origin.compacted, when above 0
  std::vector<std::unique_ptr<TableStmts>> stmts_;
  std::optional<storage::Stmt> log_insert_;
  size_t pending_rows_ = 0;  // rows in _pending; lets apply skip the lookup when zero
  int64_t data_version_ = -1;  // PRAGMA data_version when the state was last loaded
};

}  // namespace liaison::sync
