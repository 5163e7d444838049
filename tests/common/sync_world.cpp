#include "tests/common/sync_world.h"

#include <algorithm>

#include "shared/wire/changeset.h"
#include "tests/common/status_testing.h"

namespace liaison::test {

namespace {

// Small vocabularies, so that replicas often write equal values and often different ones.
const char* const kCategories[] = {"roads", "water", "safety", "housing", "pension"};
const char* const kPhones[] = {"13800000001", "13800000002", "13911112222"};
const char* const kPlaces[] = {"梨园镇", "永顺镇", "北苑街道", "村委会"};
const char* const kVoters[] = {"张三", "李四", "王五", "赵六"};
const char* const kReasons[] = {"duplicate", "recorded in error", "withdrawn by the voter"};
const char* const kSteps[] = {"explained", "referred", "redirected", "motion", "replied"};
const char* const kEditable[] = {"category", "phone", "place", "voter", "void_reason"};

template <size_t N>
std::string pick(std::mt19937_64& rng, const char* const (&items)[N]) {
  return items[rng() % N];
}

}  // namespace

SyncWorld::SyncWorld(uint64_t seed, size_t replicas) : rng_(seed) {
  for (size_t i = 0; i < replicas; ++i) {
    ReplicaSpec spec;
    spec.name = "r" + std::to_string(i);
    spec.role = i == 0 ? sync::Role::kDistrict : sync::Role::kStation;
    spec.station_id = i == 0 ? "" : "S0" + std::to_string(i);
    // Device clocks disagree by up to ten seconds either way.
    spec.start_ms = kEpochMs + static_cast<int64_t>(rng_() % 20'001) - 10'000;
    spec.seed = seed * 1000 + i;
    TestReplica* r = set_.make(spec);
    if (r == nullptr) throw std::runtime_error("cannot create a replica");
    replicas_.push_back(r);
  }
  snapshots_.resize(replicas);
}

void SyncWorld::tick(size_t r) {
  FakeClock& clock = replicas_[r]->clock;
  if (rng_() % 20 == 0) {
    clock.advance(-static_cast<int64_t>(rng_() % 10'000));  // a clock corrected backwards
  } else {
    clock.advance(static_cast<int64_t>(rng_() % 4'000));
  }
}

size_t SyncWorld::other(size_t than) {
  size_t o = rng_() % (size() - 1);
  return o >= than ? o + 1 : o;
}

Result<std::vector<std::string>> SyncWorld::ids(size_t r, const std::string& table) {
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt q, (*replicas_[r])->db().prepare("SELECT id FROM " + table + " ORDER BY id"));
  return q.texts();
}

Result<std::string> SyncWorld::origin_uuid(size_t r, uint32_t local) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           (*replicas_[r])->db().prepare("SELECT uuid FROM _origin WHERE idx = ?"));
  q.bind(1, static_cast<int64_t>(local));
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (!found) return Status::not_found("test.origin", std::to_string(local));
  return q.column_text(0);
}

Result<GlobalStamp> SyncWorld::stamp_of(size_t r, const std::string& table, const std::string& id,
                                        const std::string& column, bool base) {
  const sync::TablePolicy& t = policy(table);
  LIAISON_ASSIGN_OR_RETURN(std::optional<sync::Row> row, (*replicas_[r])->load(t, id));
  if (!row) return Status::not_found("err.not_found", id);
  const sync::FieldClock& f = row->clock.fields[static_cast<size_t>(col(t, column))];
  const sync::Stamp& s = base ? f.base : f.stamp;
  if (s.hlc == 0) return GlobalStamp{};
  LIAISON_ASSIGN_OR_RETURN(std::string origin, origin_uuid(r, s.origin));
  return GlobalStamp{s.hlc, origin};
}

Status SyncWorld::record(size_t r, const std::string& table, const std::string& id,
                         const std::string& column, const Value& value) {
  WriteRecord w{table, id, column, value, {}, {}, r};
  LIAISON_ASSIGN_OR_RETURN(w.stamp, stamp_of(r, table, id, column));
  LIAISON_ASSIGN_OR_RETURN(w.base, stamp_of(r, table, id, column, /*base=*/true));
  writes_.push_back(std::move(w));
  ++counts_.writes;
  return {};
}

Status SyncWorld::insert_opinion(size_t r) {
  OpinionSpec spec;
  spec.station_id = r == 0 ? "S01" : "S0" + std::to_string(r);
  spec.voter = pick(rng_, kVoters);
  spec.matter = "第" + std::to_string(opinions_.size() + 1) + "条意见：" + pick(rng_, kPlaces);
  if (rng_() % 2) spec.category = pick(rng_, kCategories);
  if (rng_() % 2) spec.phone = pick(rng_, kPhones);
  if (rng_() % 3 == 0) spec.place = pick(rng_, kPlaces);
  LIAISON_ASSIGN_OR_RETURN(std::string id, add_opinion(**replicas_[r], spec));
  opinions_.insert(id);
  // The creation is the first write of every editable field, null ones included.
  for (const char* column : {"voter", "phone", "place", "category", "source", "void_reason"}) {
    LIAISON_ASSIGN_OR_RETURN(Value v, field(**replicas_[r], "opinion", id, column));
    LIAISON_RETURN_IF_ERROR(record(r, "opinion", id, column, v));
  }
  return {};
}

Status SyncWorld::edit_field(size_t r, const std::string& column, Value value) {
  LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> known, ids(r, "opinion"));
  if (known.empty()) return insert_opinion(r);
  const std::string& id = known[rng_() % known.size()];
  LIAISON_ASSIGN_OR_RETURN(Value before, field(**replicas_[r], "opinion", id, column));
  if (before == value) return {};  // capture logs nothing for an unchanged value
  LIAISON_RETURN_IF_ERROR(edit(**replicas_[r], "opinion", id, {{column, value}}));
  return record(r, "opinion", id, column, value);
}

Status SyncWorld::offline_edit(size_t r) {
  tick(r);
  sync::Replica& rep = **replicas_[r];
  switch (rng_() % 11) {
    case 0:
    case 1:
      return insert_opinion(r);
    case 2: {
      LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> known, ids(r, "opinion"));
      if (known.empty()) return insert_opinion(r);
      LIAISON_RETURN_IF_ERROR(
          status_of(add_step(rep, known[rng_() % known.size()], pick(rng_, kSteps))));
      ++steps_;
      return {};
    }
    case 3: {
      LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> known, ids(r, "opinion"));
      if (known.empty()) return insert_opinion(r);
      LIAISON_RETURN_IF_ERROR(status_of(
          add_amendment(rep, known[rng_() % known.size()], "更正：" + pick(rng_, kPlaces))));
      ++amendments_;
      return {};
    }
    default: {
      std::string column = pick(rng_, kEditable);
      Value value;
      if (column == "category") value = pick(rng_, kCategories);
      if (column == "phone") value = pick(rng_, kPhones);
      if (column == "place") value = pick(rng_, kPlaces);
      if (column == "voter") value = pick(rng_, kVoters);
      if (column == "void_reason") value = pick(rng_, kReasons);
      // Editable optional fields are sometimes cleared again (an un-void, a wrong phone).
      if (column != "voter" && rng_() % 5 == 0) value = Value{};
      return edit_field(r, column, value);
    }
  }
}

Result<wire::Changeset> SyncWorld::build(size_t from, const sync::VersionVector& vv,
                                         size_t max_changes) {
  return (*replicas_[from])->changes_since(vv, max_changes);
}

Status SyncWorld::deliver(size_t to, const std::string& bytes) {
  LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs, wire::decode(bytes));
  auto& snaps = snapshots_[to];
  snaps.push_back((*replicas_[to])->version_vector());
  if (snaps.size() > 8) snaps.erase(snaps.begin());
  LIAISON_ASSIGN_OR_RETURN(sync::ApplyStats stats, (*replicas_[to])->apply(std::move(cs)));
  counts_.gaps += stats.gaps;
  counts_.pending += stats.pending;
  counts_.conflicts += stats.conflicts;
  ++counts_.exchanges;
  return {};
}

Status SyncWorld::direct(size_t from, size_t to, size_t max_changes) {
  LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs,
                           build(from, (*replicas_[to])->version_vector(), max_changes));
  return deliver(to, wire::encode(cs));
}

Status SyncWorld::compact(size_t r, bool everything) {
  sync::VersionVector floor = (*replicas_[r])->version_vector();
  if (!everything) {
    for (auto& [origin, seq] : floor) {
      for (const auto& other : replicas_) {
        sync::VersionVector vv = (*other)->version_vector();
        auto it = vv.find(origin);
        seq = std::min(seq, it == vv.end() ? 0 : it->second);
      }
    }
  }
  ++counts_.compactions;
  Result<uint64_t> removed = (*replicas_[r])->compact(floor);
  return removed.is_ok() ? Status{} : removed.status();
}

Status SyncWorld::random_exchange() {
  if (rng_() % 8 == 0) LIAISON_RETURN_IF_ERROR(compact(rng_() % size(), rng_() % 3 == 0));
  size_t from = rng_() % size();
  size_t to = other(from);
  switch (rng_() % 11) {
    case 0:
    case 1:
      return direct(from, to);
    case 2: {  // one small batch only; the rest comes later
      ++counts_.split;
      return direct(from, to, 1 + rng_() % 4);
    }
    case 3: {  // every batch, small
      ++counts_.split;
      size_t max = 1 + rng_() % 4;
      for (int i = 0; i < 1000; ++i) {
        LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs,
                                 build(from, (*replicas_[to])->version_vector(), max));
        if (cs.ranges.empty()) return {};
        LIAISON_RETURN_IF_ERROR(deliver(to, wire::encode(cs)));
      }
      return Status::internal("batches never end");
    }
    case 4: {  // relayed through a third replica
      ++counts_.relays;
      LIAISON_RETURN_IF_ERROR(direct(from, to));
      size_t next = other(to);
      return direct(to, next);
    }
    case 5: {  // delivered twice, or dropped
      LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs,
                               build(from, (*replicas_[to])->version_vector(), SIZE_MAX));
      if (rng_() % 2) {
        ++counts_.drops;
        return {};
      }
      ++counts_.duplicates;
      std::string bytes = wire::encode(cs);
      LIAISON_RETURN_IF_ERROR(deliver(to, bytes));
      return deliver(to, bytes);
    }
    case 6: {  // built against a version vector the receiver had earlier
      auto& snaps = snapshots_[to];
      if (snaps.empty()) return direct(from, to);
      ++counts_.stale;
      const sync::VersionVector& old = snaps[rng_() % snaps.size()];
      LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs, build(from, old, SIZE_MAX));
      return deliver(to, wire::encode(cs));
    }
    case 7: {  // in transit for a while (a USB stick in someone's pocket)
      ++counts_.delayed;
      LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs,
                               build(from, (*replicas_[to])->version_vector(), SIZE_MAX));
      mailbox_.push_back({to, wire::encode(cs)});
      return {};
    }
    case 8: {  // streamed in small batches, each built on the ones before it, which arrive
               // shuffled, some late, some never (the receiver must skip the gaps)
      ++counts_.split;
      size_t max = 1 + rng_() % 3;
      sync::VersionVector vv = (*replicas_[to])->version_vector();
      std::vector<std::string> batches;
      for (int i = 0; i < 1000; ++i) {
        LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs, build(from, vv, max));
        if (cs.ranges.empty()) break;
        for (const wire::Range& r : cs.ranges) {
          uint64_t& have = vv[cs.origins[r.origin]];
          have = std::max(have, r.to);
        }
        batches.push_back(wire::encode(cs));
      }
      std::shuffle(batches.begin(), batches.end(), rng_);
      for (std::string& b : batches) {
        switch (rng_() % 4) {
          case 0:
            ++counts_.drops;
            break;
          case 1:
            ++counts_.delayed;
            mailbox_.push_back({to, std::move(b)});
            break;
          default:
            LIAISON_RETURN_IF_ERROR(deliver(to, b));
        }
      }
      return {};
    }
    case 9: {  // only one origin's changes, as a relay that filters by scope sends them
      LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs,
                               build(from, (*replicas_[to])->version_vector(), SIZE_MAX));
      if (cs.origins.empty()) return {};
      wire::Changeset part = only_origin(cs, cs.origins[rng_() % cs.origins.size()]);
      return deliver(to, wire::encode(part));
    }
    default: {  // a letter from the mailbox, in any order
      if (mailbox_.empty()) return direct(from, to);
      size_t i = rng_() % mailbox_.size();
      Letter letter = std::move(mailbox_[i]);
      mailbox_.erase(mailbox_.begin() + static_cast<std::ptrdiff_t>(i));
      return deliver(letter.to, letter.bytes);
    }
  }
}

Status SyncWorld::settle() {
  while (!mailbox_.empty()) {
    Letter letter = std::move(mailbox_.back());
    mailbox_.pop_back();
    LIAISON_RETURN_IF_ERROR(deliver(letter.to, letter.bytes));
  }
  for (int pass = 0; pass < 20; ++pass) {
    bool changed = false;
    for (size_t from = 0; from < size(); ++from) {
      for (size_t to = 0; to < size(); ++to) {
        if (from == to) continue;
        sync::VersionVector before = (*replicas_[to])->version_vector();
        LIAISON_ASSIGN_OR_RETURN(sync::ApplyStats stats,
                                 exchange(**replicas_[from], **replicas_[to]));
        if (stats.applied + stats.pending + stats.conflicts + stats.refused > 0 ||
            (*replicas_[to])->version_vector() != before)
          changed = true;
      }
    }
    if (!changed) return {};
  }
  return Status::internal("replicas never became quiescent");
}

}  // namespace liaison::test
