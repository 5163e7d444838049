// The security matrix's Matrix (declared in net_security_fixture.h): the district, its devices
// and server, the pushes and sessions the attacks use, and the checks after every row.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "shared/app/devices.h"
#include "shared/app/opinions.h"
#include "shared/app/reference.h"
#include "shared/sync/blob_store.h"
#include "tests/common/replica_fixture.h"
#include "tests/integration/sync/net_security_fixture.h"

namespace liaison::net_security {
namespace {

// ---- What the district holds ---------------------------------------------------------------

// Key -> content: "opinion/<id>" (every column, the row clock included), "_log/<table>/<id>"
// (the row's change-log entries), "_vv/<origin>", "_pending/<table>/<id>", "_conflict/<id>",
// "_blob/<sha>", "_blob_chunk/<sha>/<offset>", "_device/<id>" (the device's identity: token
// hash, role, station, spokesperson, bound replica, revocation, provisioner). Not in it: the
// bookkeeping every contact writes (_device's contact columns, _peer_vv) and the records of
// refusals (_audit, _refused), which Matrix::run checks on their own.
using Fingerprint = std::map<std::string, std::string>;

void add_rows(storage::Db& db, const std::string& sql, Fingerprint& fp,
              const std::function<std::string(storage::Stmt&)>& key) {
  auto q = db.prepare(sql);
  if (!q) {
    ADD_FAILURE() << sql << ": " << q.status().message();
    return;
  }
  while (true) {
    auto more = q->step();
    if (!more || !more.value()) break;
    std::string row;
    for (int i = 0; i < q->column_count(); ++i)
      row += q->column_is_null(i) ? std::string("\x01") : q->column_blob(i) + "\x1f";
    fp[key(*q)] += row + "\x1e";
  }
}

Fingerprint fingerprint(storage::Db& db) {
  Fingerprint fp;
  for (const sync::TablePolicy& t : sync::tables()) {
    add_rows(db, "SELECT * FROM " + t.name, fp,
             [&](storage::Stmt& q) { return t.name + "/" + q.column_text(0); });
  }
  auto table_name = [](int64_t id) { return sync::table(static_cast<int>(id)).name; };
  add_rows(db,
           "SELECT l.tbl, l.row_id, o.uuid, l.seq, l.hlc FROM _log l JOIN _origin o "
           "ON o.idx = l.origin ORDER BY l.origin, l.seq",
           fp, [&](storage::Stmt& q) {
             return "_log/" + table_name(q.column_int(0)) + "/" + q.column_text(1);
           });
  add_rows(db, "SELECT o.uuid, v.seq FROM _vv v JOIN _origin o ON o.idx = v.origin "
               "WHERE v.seq > 0", fp,
           [](storage::Stmt& q) { return "_vv/" + q.column_text(0); });
  add_rows(db, "SELECT tbl, row_id, origin, seq, hlc, body FROM _pending ORDER BY origin, seq",
           fp, [&](storage::Stmt& q) {
             return "_pending/" + table_name(q.column_int(0)) + "/" + q.column_text(1);
           });
  add_rows(db, "SELECT * FROM _conflict", fp,
           [](storage::Stmt& q) { return "_conflict/" + q.column_text(0); });
  add_rows(db, "SELECT sha256, size, received, complete FROM _blob", fp,
           [](storage::Stmt& q) { return "_blob/" + q.column_text(0); });
  add_rows(db, "SELECT sha256, offset, length(data), hex(substr(data, 1, 64)) FROM _blob_chunk",
           fp, [](storage::Stmt& q) {
             return "_blob_chunk/" + q.column_text(0) + "/" + q.column_text(1);
           });
  add_rows(db, "SELECT device_id, token_hash, role, station_id, spokesperson_id, replica_id, "
               "revoked_at, provisioned_by FROM _device", fp,
           [](storage::Stmt& q) { return "_device/" + q.column_text(0); });
  return fp;
}

std::set<std::string> changed_keys(const Fingerprint& a, const Fingerprint& b) {
  std::set<std::string> out;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end() || it->second != v) out.insert(k);
  }
  for (const auto& [k, v] : b)
    if (!a.count(k)) out.insert(k);
  return out;
}

}  // namespace

void Matrix::seed() {
  Replica& r = district_.replica();
  for (const char* s : {"S01", "S02", "S03"}) {
    app::StationInput in;
    in.id = s;
    in.name = std::string("站") + s;
    ASSERT_TRUE(app::add_station(r, in).is_ok());
  }
  const Value desk = T("district-desk");
  // A scan of exactly one chunk on a record of S03, for the peer that never reads.
  std::string scan(wire::kBlobChunkSize, '\0');
  uint32_t x = 2026;
  for (char& c : scan) c = static_cast<char>((x = x * 1664525u + 1013904223u) >> 24);
  auto held = sync::BlobStore(r.db()).put(scan);
  ASSERT_TRUE(held.is_ok()) << held.status().message();
  blob_sha_ = held->sha256;
  struct Seed {
    const char* table;
    const char* id;
    NamedFields fields;
  };
  const std::vector<Seed> seeds = {
      {"home", "H1", record("home")},
      {"category", "C1", record("category")},
      {"deputy", "D1", record("deputy")},
      {"spokesperson", "SP1", record("spokesperson", {{"station_id", T("S01")}})},
      {"spokesperson", "SP2", record("spokesperson", {{"station_id", T("S01")}})},
      {"spokesperson", "SP3", record("spokesperson", {{"station_id", T("S02")}})},
      {"opinion", "O-S01",
       record("opinion",
              {{"station_id", T("S01")}, {"recorded_by", desk}, {"spokesperson_id", T("SP2")}})},
      {"opinion", "O-SP1",
       record("opinion",
              {{"station_id", T("S01")}, {"recorded_by", desk}, {"spokesperson_id", T("SP1")}})},
      {"opinion", "O-S02", record("opinion", {{"station_id", T("S02")}, {"recorded_by", desk}})},
      {"opinion", "O-S03", record("opinion", {{"station_id", T("S03")}, {"recorded_by", desk}})},
      {"activity", "R-S01", record("activity", {{"station_id", T("S01")}})},
      {"activity", "R-S02", record("activity", {{"station_id", T("S02")}})},
      {"attachment", "AT-S03",
       record("attachment", {{"owner_id", T("O-S03")}, {"station_id", T("S03")},
                             {"sha256", blob_sha_},
                             {"size", static_cast<int64_t>(scan.size())}})},
  };
  for (const Seed& s : seeds)
    ASSERT_TRUE(test::insert_row(r, s.table, s.fields, s.id).is_ok()) << s.id;
}

void Matrix::add_device(const std::string& name, Role role, const std::string& station,
                        const std::string& spokesperson, const std::string& token_station) {
  auto token = district_.add_device(sync::role_name(role),
                                    token_station.empty() ? station : token_station,
                                    spokesperson);
  ASSERT_TRUE(token.is_ok()) << name << ": " << token.status().message();
  auto r = Replica::create(dir_.file(name + ".db"), {Uuid{}, role, station, spokesperson});
  ASSERT_TRUE(r.is_ok()) << name << ": " << r.status().message();
  devices_.push_back({name, token.value(), std::move(r).value()});
}

void Matrix::set_up() {
  ASSERT_TRUE(district_.ok());
  ASSERT_NO_FATAL_FAILURE(seed());
  // An honest device of S01 syncs after every row; the others attack. "intruder" holds no
  // token of its own and never gets a record through; "holds_s02_token" is a computer of S01
  // holding a token issued for S02.
  struct Spec {
    const char* name;
    Role role;
    const char* station;
    const char* spokesperson;
    const char* token_station;
  };
  for (const Spec& s : std::vector<Spec>{{"honest", Role::kStation, "S01", "", ""},
                                          {"st", Role::kStation, "S01", "", ""},
                                          {"st2", Role::kStation, "S02", "", ""},
                                          {"sp", Role::kSpokesperson, "S01", "SP1", ""},
                                          {"dd", Role::kDistrict, "", "", ""},
                                          {"holds_s02_token", Role::kStation, "S01", "", "S02"},
                                          {"revoked", Role::kStation, "S01", "", ""},
                                          {"revoked_mid", Role::kStation, "S01", "", ""},
                                          {"flooder", Role::kStation, "S03", "", ""},
                                          {"intruder", Role::kStation, "S01", "", ""}}) {
    ASSERT_NO_FATAL_FAILURE(add_device(s.name, s.role, s.station, s.spokesperson, s.token_station));
  }
  net::ServerOptions options;
  options.max_queued_bytes = kMaxQueued;
  options.idle_timeout = 2s;  // closes the idle and the slow peers quickly
  options.handshake_timeout = 2s;
  ASSERT_TRUE(district_.start(options).is_ok());
  auto reader = storage::Db::open(district_path(), /*create=*/false);
  ASSERT_TRUE(reader.is_ok()) << reader.status().message();
  reader_ = std::move(reader).value();
  // Every device but the intruder syncs once: its replica is bound and holds its scope, and the
  // attackers have a change of their own that the district holds (for the replays).
  for (TestDevice& d : devices_) {
    if (d.name == "intruder") continue;
    if (d.name == "st" || d.name == "st2" || d.name == "sp") {
      ASSERT_FALSE(opinion(d.name).empty()) << d.name;
    }
    if (d.name == "dd") {
      ASSERT_TRUE(create("category")(d).is_ok());
    }
    auto r = sync(d, d.token);
    ASSERT_TRUE(r.is_ok()) << d.name << ": " << r.status().message();
    EXPECT_EQ(r->summary.refused, 0u) << d.name;
  }
}

Outcome Matrix::push(TestDevice& d, const Write& write, const std::string& token) {
  Outcome out;
  out.pusher = d.id();
  auto targets = write(d);
  if (!targets) {
    out.seen = "could not write: " + targets.status().message();
    return out;
  }
  out.targets = targets.value();
  int64_t mark = scalar(d.replica->db(), "SELECT COALESCE(MAX(id), 0) FROM _server_refused");
  auto r = sync(d, token);
  if (!r) {
    out.seen = "ERROR " + r.status().key();
    return out;
  }
  std::vector<std::string> reasons = texts(
      d.replica->db(),
      "SELECT reason FROM _server_refused WHERE id > " + std::to_string(mark) + " ORDER BY id");
  if (reasons.size() != r->summary.refused) {
    out.seen = "ACK refused " + std::to_string(r->summary.refused) + ", kept " + join(reasons);
  } else if (!reasons.empty()) {
    out.seen = "refused " + join(reasons);
  } else {
    out.seen = r->summary.pushed > 0 ? "applied" : "nothing applied";
  }
  return out;
}

std::string Matrix::opinion(const std::string& device) {
  app::OpinionInput in;
  in.voter = "孙八";
  in.matter = "希望增设社区食堂。";
  auto id = app::add_opinion(*dev(device).replica, in);
  return id ? id.value() : "";
}

std::string Matrix::owe(const std::string& device) {
  std::string id = opinion(device);
  if (!id.empty()) owed_[device].push_back(id);
  return id;
}

Status Matrix::carry(TestDevice& from, TestDevice& to) {
  LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs,
                           from.replica->changes_since(to.replica->version_vector()));
  LIAISON_ASSIGN_OR_RETURN(wire::Changeset copy,
                           test::through_wire(test::only_origin(cs, from.id())));
  auto applied = to.replica->apply(std::move(copy));
  return applied ? Status{} : applied.status();
}

std::unique_ptr<RawPeer> Matrix::raw_session(TestDevice& d, std::string* answer_seen) {
  auto peer = std::make_unique<RawPeer>(port());
  if (peer->error()) {
    *answer_seen = "cannot connect: " + peer->error().message();
    return peer;
  }
  (void)peer->write(
      hello_frame(d.token, d.id(), sync::to_entries(d.replica->version_vector())));
  *answer_seen = answer(*peer);
  return peer;
}

std::string Matrix::revoke(const std::string& device) {
  TestDevice& d = dev(device);
  auto office = Replica::open(district_path());
  EXPECT_TRUE(office.is_ok()) << office.status().message();
  if (office) {
    EXPECT_TRUE(app::revoke_device(**office, d.device_id()).is_ok());
  }
  return "_device/" + d.device_id();
}

std::set<std::string> Matrix::allowed_writes(const Row& row, const Outcome& out) {
  std::string kind = std::string(row.expect).substr(0, std::string(row.expect).find(' '));
  std::set<std::string> keys(out.also.begin(), out.also.end());
  for (const Target& t : out.targets) {
    if (kind == "applied") {
      keys.insert(t.table + "/" + t.id);
      keys.insert("_log/" + t.table + "/" + t.id);
      keys.insert("_vv/" + t.origin.str());
    }
    // A refused change of the device's own origin still moves the vector past it, so it is not
    // offered again; the range of an origin the device may not carry is dropped.
    if (kind == "refused" && t.origin == out.pusher) keys.insert("_vv/" + t.origin.str());
  }
  return keys;
}

void Matrix::check_records(const Row& row, int64_t audit_mark, int64_t refused_mark,
                           const std::set<std::string>& skip_devices) {
  std::string expect = row.expect;
  std::string kind = expect.substr(0, expect.find(' '));
  std::vector<std::string> errors, refusals;
  int pushes = 0;
  auto q = reader_->prepare(
      "SELECT COALESCE(device_id, ''), event, COALESCE(code, ''), COALESCE(reason, '') "
      "FROM _audit WHERE id > ? ORDER BY id");
  ASSERT_TRUE(q.is_ok()) << q.status().message();
  q->bind(1, audit_mark);
  while (true) {
    auto more = q->step();
    ASSERT_TRUE(more.is_ok());
    if (!more.value()) break;
    if (skip_devices.count(q->column_text(0))) continue;
    std::string event = q->column_text(1);
    if (event == "error") errors.push_back(q->column_text(2));
    if (event == "refused") refusals.push_back(q->column_text(3));
    pushes += event == "push";
  }
  std::vector<std::string> kept = texts(
      *reader_, "SELECT reason FROM _refused WHERE id > " + std::to_string(refused_mark) +
                    " ORDER BY id");
  std::vector<std::string> want_errors, want_refusals;
  if (kind == "ERROR") want_errors.push_back(expect.substr(6));
  if (kind == "refused") {
    std::string rest = expect.substr(8);
    for (size_t at = 0; at < rest.size();) {
      size_t end = std::min(rest.find(' ', at), rest.size());
      want_refusals.push_back(rest.substr(at, end - at));
      at = end + 1;
    }
  }
  EXPECT_EQ(errors, want_errors) << "ERRORs in the audit log";
  EXPECT_EQ(refusals, want_refusals) << "refusals in the audit log";
  EXPECT_EQ(kept, want_refusals) << "refusals in _refused";
  if (kind == "ERROR" || kind == "close" || kind == "closed") {
    EXPECT_EQ(pushes, 0) << "no PUSH is applied";
  }
}

void Matrix::run(const Row& row) {
  ASSERT_TRUE(poll_until([&] { return stats().open_connections == 0; }, 15s));
  owed_.clear();
  Fingerprint before = fingerprint(*reader_);
  int64_t audit_mark = scalar(*reader_, "SELECT COALESCE(MAX(id), 0) FROM _audit");
  int64_t refused_mark = scalar(*reader_, "SELECT COALESCE(MAX(id), 0) FROM _refused");

  Outcome out = row.attack(*this);
  // 1. Exactly the documented outcome.
  EXPECT_EQ(out.seen, row.expect);

  // 2. The server keeps serving: once the attacker's connections are over, the honest device
  // (and every device whose change an attacker carried) syncs, and its records arrive.
  EXPECT_TRUE(poll_until([&] { return stats().open_connections == 0; }, 15s));
  EXPECT_FALSE(owe("honest").empty());
  std::set<std::string> honest_keys, honest_devices;
  for (const auto& [name, ids] : owed_) {
    TestDevice& d = dev(name);
    auto r = sync(d, d.token);
    ASSERT_TRUE(r.is_ok()) << name << ": " << r.status().message();
    EXPECT_EQ(r->summary.refused, 0u) << name;
    EXPECT_EQ(r->summary.pushed, ids.size()) << name << "'s changes, applied";
    honest_keys.insert("_vv/" + d.id().str());
    for (const std::string& id : ids) {
      honest_keys.insert("opinion/" + id);
      honest_keys.insert("_log/opinion/" + id);
    }
    honest_devices.insert(d.device_id());
  }

  // 3. Nothing written at the district but what the outcome says.
  Fingerprint after = fingerprint(*reader_);
  for (const auto& [name, ids] : owed_)
    for (const std::string& id : ids) EXPECT_EQ(after.count("opinion/" + id), 1u) << name;
  std::set<std::string> changed;
  for (const std::string& k : changed_keys(before, after))
    if (!honest_keys.count(k)) changed.insert(k);
  EXPECT_EQ(changed, allowed_writes(row, out)) << "what changed at the district";
  check_records(row, audit_mark, refused_mark, honest_devices);
}

}  // namespace liaison::net_security
