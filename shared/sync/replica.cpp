#include "shared/sync/replica.h"

#include <filesystem>

#include <fmt/format.h>

#include "shared/storage/migrations.h"
#include "shared/sync/table_stmts.h"

namespace liaison::sync {

const char* role_name(Role role) {
  switch (role) {
    case Role::kStation: return "station";
    case Role::kSpokesperson: return "spokesperson";
    case Role::kDistrict: return "district";
  }
  return "station";
}

std::optional<Role> parse_role(std::string_view name) {
  if (name == "station") return Role::kStation;
  if (name == "spokesperson") return Role::kSpokesperson;
  if (name == "district") return Role::kDistrict;
  return std::nullopt;
}

Replica::Replica(std::unique_ptr<storage::Db> db, Options options)
    : db_(std::move(db)),
      clock_(options.clock ? *options.clock : SystemClock::instance()),
      random_(options.random ? *options.random : SystemRandom::instance()),
      hlc_(clock_, 0) {}

Replica::~Replica() = default;

namespace {

bool has_replica_row(storage::Db& db) {
  auto q = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_replica'");
  if (!q) return false;
  auto found = q->step();
  if (!found || !found.value()) return false;
  q = db.prepare("SELECT COUNT(*) FROM _replica");
  if (!q) return false;
  found = q->step();
  return found && found.value() && q->column_int(0) == 1;
}

Result<std::unique_ptr<storage::Db>> open_db(const std::string& path, bool create) {
  LIAISON_ASSIGN_OR_RETURN(auto db, storage::Db::open(path, create));
  return db;
}

}  // namespace

Result<std::unique_ptr<Replica>> Replica::create(const std::string& path, ReplicaInfo info,
                                                 Options options) {
  std::error_code ec;
  if (path != ":memory:" && std::filesystem::exists(path, ec) &&
      std::filesystem::file_size(path, ec) > 0)
    return Status(Code::kAlreadyExists, "err.replica_exists", path);
  LIAISON_ASSIGN_OR_RETURN(auto db, open_db(path, true));
  std::unique_ptr<Replica> r(new Replica(std::move(db), options));
  LIAISON_RETURN_IF_ERROR(r->db_->register_flag_function("liaison_capturing", &r->capturing_));
  LIAISON_RETURN_IF_ERROR(r->db_->exec("PRAGMA journal_mode=WAL"));
  r->db_->checkpoint_in_background();
  LIAISON_RETURN_IF_ERROR(storage::migrate(*r->db_, storage::embedded_migrations()));
  if (info.id.is_nil()) info.id = Uuid::v7(r->clock_, r->random_);
  info.created_at = r->now_iso();
  LIAISON_RETURN_IF_ERROR(r->db_->transaction([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt ins,
                             r->db_->prepare("INSERT INTO _replica(one, replica_id, role, "
                                             "station_id, spokesperson_id, server, token, hlc, "
                                             "seq, created_at) VALUES(1,?,?,?,?,?,?,0,0,?)"));
    ins.bind(1, info.id.str()).bind(2, std::string_view(role_name(info.role)));
    auto opt = [](const std::string& s) { return s.empty() ? Value{} : Value{s}; };
    ins.bind(3, opt(info.station_id)).bind(4, opt(info.spokesperson_id));
    ins.bind(5, opt(info.server)).bind(6, opt(info.token)).bind(7, info.created_at);
    LIAISON_RETURN_IF_ERROR(ins.run());
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt org,
                             r->db_->prepare("INSERT INTO _origin(idx, uuid) VALUES(1, ?)"));
    org.bind(1, info.id.str());
    return org.run();
  }));
  LIAISON_RETURN_IF_ERROR(r->load_state());
  return r;
}

Result<std::unique_ptr<Replica>> Replica::open(const std::string& path, Options options) {
  std::error_code ec;
  if (path != ":memory:" && !std::filesystem::exists(path, ec))
    return Status::not_found("err.no_replica", path);
  LIAISON_ASSIGN_OR_RETURN(auto db, open_db(path, false));
  std::unique_ptr<Replica> r(new Replica(std::move(db), options));
  LIAISON_RETURN_IF_ERROR(r->db_->register_flag_function("liaison_capturing", &r->capturing_));
  // A file from a newer program is refused before anything writes to it, the switch to WAL
  // included (a file left in rollback-journal mode by a backup tool would change).
  Result<int> version = storage::current_version(*r->db_);
  int latest = storage::latest_version(storage::embedded_migrations());
  if (version.is_ok() && version.value() > latest)
    return Status(Code::kSchemaTooNew, "err.schema_too_new",
                  fmt::format("{} > {}", version.value(), latest));
  // Neither is another program's database (or an empty file) changed: only a file that
  // records our migrations and holds a replica row is migrated.
  if (!version.is_ok() || version.value() == 0 || !has_replica_row(*r->db_))
    return Status::invalid("err.not_a_replica", path);
  LIAISON_RETURN_IF_ERROR(r->db_->exec("PRAGMA journal_mode=WAL"));
  r->db_->checkpoint_in_background();
  Status m = storage::migrate(*r->db_, storage::embedded_migrations());
  if (m.code() == Code::kSchemaTooNew) return m;
  if (!m.is_ok()) return Status::invalid("err.not_a_replica", fmt::format("{}: {}", path, m.detail()));
  LIAISON_RETURN_IF_ERROR(r->load_state());
  return r;
}

namespace {

// Changes whenever another connection commits to the file (sqlite.org/pragma.html#pragma_data_version).
Result<int64_t> data_version(storage::Db& db) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, db.prepare("PRAGMA data_version"));
  LIAISON_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return Status::internal("PRAGMA data_version returned nothing");
  return q.column_int(0);
}

}  // namespace

Status Replica::load_state() {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           db_->prepare("SELECT replica_id, role, station_id, spokesperson_id, "
                                        "server, token, hlc, seq, created_at FROM _replica"));
  LIAISON_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return Status::invalid("err.not_a_replica", db_->path());
  auto id = Uuid::parse(q.column_text(0));
  auto role = parse_role(q.column_text(1));
  if (!id || !role) return Status::corruption("_replica row");
  info_ = {*id, *role, q.column_text(2), q.column_text(3), q.column_text(4), q.column_text(5),
           q.column_text(8)};
  hlc_.observe(static_cast<uint64_t>(q.column_int(6)));
  seq_ = static_cast<uint64_t>(q.column_int(7));

  origins_.assign(1, Uuid{});
  origin_index_.clear();
  compacted_.clear();
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt o,
                           db_->prepare("SELECT idx, uuid, compacted FROM _origin ORDER BY idx"));
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, o.step());
    if (!more) break;
    auto uuid = Uuid::parse(o.column_text(1));
    if (!uuid || o.column_int(0) != static_cast<int64_t>(origins_.size()))
      return Status::corruption("_origin table");
    origin_index_[*uuid] = static_cast<uint32_t>(origins_.size());
    if (o.column_int(2) > 0)
      compacted_[static_cast<uint32_t>(origins_.size())] = static_cast<uint64_t>(o.column_int(2));
    origins_.push_back(*uuid);
  }
  vv_.clear();
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt v, db_->prepare("SELECT origin, seq FROM _vv"));
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, v.step());
    if (!more) break;
    vv_[static_cast<uint32_t>(v.column_int(0))] = static_cast<uint64_t>(v.column_int(1));
  }
  vv_[1] = seq_;
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt p, db_->prepare("SELECT COUNT(*) FROM _pending"));
  LIAISON_ASSIGN_OR_RETURN(bool counted, p.step());
  pending_rows_ = counted ? static_cast<size_t>(p.column_int(0)) : 0;
  LIAISON_ASSIGN_OR_RETURN(data_version_, data_version(*db_));
  return {};
}

Status Replica::refresh() {
  LIAISON_ASSIGN_OR_RETURN(int64_t now, data_version(*db_));
  if (now == data_version_) return {};
  uint64_t hlc = hlc_.last();
  LIAISON_RETURN_IF_ERROR(load_state());
  hlc_.observe(hlc);  // the clock only has to stay monotonic
  return {};
}

Status Replica::persist_state() {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt u, db_->prepare("UPDATE _replica SET hlc=?, seq=?"));
  u.bind(1, static_cast<int64_t>(hlc_.last())).bind(2, static_cast<int64_t>(seq_));
  LIAISON_RETURN_IF_ERROR(u.run());
  vv_[1] = seq_;
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt v,
                           db_->prepare("INSERT INTO _vv(origin, seq) VALUES(?,?) "
                                        "ON CONFLICT(origin) DO UPDATE SET seq=excluded.seq "
                                        "WHERE excluded.seq <> _vv.seq"));
  for (const auto& [origin, seq] : vv_) {
    v.bind(1, static_cast<int64_t>(origin)).bind(2, static_cast<int64_t>(seq));
    LIAISON_RETURN_IF_ERROR(v.run());
  }
  return {};
}

Status Replica::in_txn(const std::function<Status()>& fn) {
  // capturing_ is not raised here for the whole transaction: store_row() raises it around each
  // domain write, so SQL that a write() callback runs itself is still refused by the guards.
  Status s = db_->transaction([&]() -> Status {
    LIAISON_RETURN_IF_ERROR(refresh());
    LIAISON_RETURN_IF_ERROR(fn());
    return persist_state();
  });
  if (!s.is_ok()) {
    // The in-memory copies of sequence, origins and version vector may be ahead of the
    // database now; reload them. The clock may stay ahead: it only has to be monotonic.
    uint64_t hlc = hlc_.last();
    Status reload = load_state();
    hlc_.observe(hlc);
    if (!reload.is_ok()) return reload;
  }
  return s;
}

Status Replica::write(const std::function<Status()>& fn) {
  if (in_write_) return Status::internal("nested write()");
  in_write_ = true;
  Status s = in_txn(fn);
  in_write_ = false;
  return s;
}

Status Replica::set_server(const std::string& server, const std::string& token) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt u, db_->prepare("UPDATE _replica SET server=?, token=?"));
  u.bind(1, server).bind(2, token);
  LIAISON_RETURN_IF_ERROR(u.run());
  info_.server = server;
  info_.token = token;
  return {};
}

std::string Replica::new_id() { return Uuid::v7(clock_, random_).str(); }

std::string Replica::now_iso() { return Hlc::to_string(Hlc::pack(clock_.now_ms(), 0)); }

Result<uint32_t> Replica::intern_origin(const Uuid& uuid) {
  if (auto it = origin_index_.find(uuid); it != origin_index_.end()) return it->second;
  auto idx = static_cast<uint32_t>(origins_.size());
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt ins, db_->prepare("INSERT INTO _origin(idx, uuid) VALUES(?,?)"));
  ins.bind(1, static_cast<int64_t>(idx)).bind(2, uuid.str());
  LIAISON_RETURN_IF_ERROR(ins.run());
  origins_.push_back(uuid);
  origin_index_[uuid] = idx;
  return idx;
}

int Replica::compare_stamps(const Stamp& a, const Stamp& b) const {
  if (a.hlc != b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.origin == b.origin) return 0;
  // Ties between origins break on the origin's UUID, which every replica agrees on.
  return origins_[a.origin] < origins_[b.origin] ? -1 : 1;
}

Result<uint64_t> Replica::compact(const VersionVector& floor) {
  uint64_t removed = 0;
  std::vector<std::pair<uint32_t, uint64_t>> marks;
  LIAISON_RETURN_IF_ERROR(db_->transaction([&]() -> Status {
    LIAISON_RETURN_IF_ERROR(refresh());
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt del,
                             db_->prepare("DELETE FROM _log WHERE origin = ? AND seq <= ?"));
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt mark,
                             db_->prepare("UPDATE _origin SET compacted = ? WHERE idx = ?"));
    for (const auto& [uuid, acked] : floor) {
      auto idx = origin_index_.find(uuid);
      if (idx == origin_index_.end()) continue;
      auto have = vv_.find(idx->second);
      // Never past what is known here: the floor comes from peers' claims.
      uint64_t upto = std::min(acked, have == vv_.end() ? 0 : have->second);
      auto done = compacted_.find(idx->second);
      if (upto == 0 || (done != compacted_.end() && done->second >= upto)) continue;
      del.bind(1, static_cast<int64_t>(idx->second)).bind(2, static_cast<int64_t>(upto));
      LIAISON_RETURN_IF_ERROR(del.run());
      removed += static_cast<uint64_t>(db_->changes());
      mark.bind(1, static_cast<int64_t>(upto)).bind(2, static_cast<int64_t>(idx->second));
      LIAISON_RETURN_IF_ERROR(mark.run());
      marks.emplace_back(idx->second, upto);
    }
    return Status{};
  }));
  for (const auto& [idx, upto] : marks) compacted_[idx] = upto;
  return removed;
}

VersionVector Replica::compacted() const {
  VersionVector out;
  for (const auto& [idx, seq] : compacted_) out[origins_[idx]] = seq;
  return out;
}

VersionVector Replica::version_vector() const {
  VersionVector out;
  for (const auto& [idx, seq] : vv_)
    if (seq > 0) out[origins_[idx]] = seq;
  return out;
}

}  // namespace liaison::sync
