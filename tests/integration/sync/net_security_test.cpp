// The security matrix: every way a peer may attack the district server, in one table, each row
// against the same real SyncServer (127.0.0.1, port 0) and district replica file:
// tokens (none, malformed, unknown, wrong secret, revoked before and during a session, copied,
// another station's), versions and message order, each role (station, spokesperson, district)
// writing each kind of record in and out of its scope, forged origins, replayed batches,
// malformed, oversized and deeply nested msgpack, a peer that floods the server with requests
// and never reads, and many idle connections.
//
// After every row the same checks run (Matrix::run):
//  1. the attacker saw exactly the row's documented outcome: an ERROR code (docs/protocol.md,
//     "Error codes"), the refusal reasons in the ACK ("Authorization", "Origins"), a WebSocket
//     close code ("Limits"), or the server closing a slow or idle peer;
//  2. an honest station device then records an opinion and syncs on the same server: the sync
//     succeeds and the opinion reaches the district (devices whose changes an attacker carried
//     sync too, and their changes are applied, not taken for duplicates);
//  3. nothing was written at the district beyond what the outcome says: a fingerprint of every
//     domain row, the change log, the version vector, pending changes, conflicts, attachment
//     content and the devices' identities, taken before the attack, differs afterwards only by
//     the rows applied, the vector of an origin whose own change was refused (the range of an
//     origin the device may not carry is dropped), and what the row does by design (a
//     revocation); and the audit log and _refused hold exactly the ERROR and refusals seen.
#include <sys/socket.h>
#include <sys/time.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <set>

#include <boost/asio/ip/tcp.hpp>

#include "shared/app/devices.h"
#include "shared/app/opinions.h"
#include "shared/app/reference.h"
#include "shared/storage/migrations.h"
#include "shared/sync/blob_store.h"
#include "shared/wire/changeset.h"
#include "shared/wire/messages.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/temp_dir.h"
#include "tests/integration/net/raw_peer.h"
#include "tests/integration/sync/net_fixture.h"

namespace liaison {
namespace {

using namespace std::chrono_literals;
using sync::Replica;
using sync::Role;
using test::NamedFields;
using test::poll_until;
using test::RawPeer;
using test::RawPeerOptions;
using test::TestDevice;
namespace websocket = boost::beast::websocket;

constexpr size_t kMaxQueued = size_t{1} << 20;  // the server's send queue per connection
constexpr const char* kAt = "2025-03-01T09:00:00Z";
// Placeholders in record fields, filled in with the writing device's replica id and station.
constexpr const char* kSelf = "{self}";
constexpr const char* kStation = "{station}";

Value T(const char* text) { return std::string(text); }

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

// ---- Records a device writes ---------------------------------------------------------------

// A record of table with its required fields (recorded_by the device itself, of the device's
// station), then the given fields set or replaced by name.
NamedFields record(const std::string& table, const NamedFields& set = {}) {
  static const std::map<std::string, NamedFields> kBase = {
      {"opinion",
       {{"station_id", T(kStation)}, {"recorded_by", T(kSelf)}, {"at", T(kAt)},
        {"matter", T("楼道堆放杂物，存在消防隐患。")}, {"voter", T("赵六")},
        {"source", T("visit")}, {"created_at", T(kAt)}}},
      {"opinion_step",
       {{"opinion_id", T("O-S01")}, {"station_id", T(kStation)}, {"step", T("explained")},
        {"at", T(kAt)}, {"recorded_by", T(kSelf)}}},
      {"amendment",
       {{"opinion_id", T("O-S01")}, {"station_id", T(kStation)}, {"body", T("补充：三楼也有。")},
        {"at", T(kAt)}, {"recorded_by", T(kSelf)}}},
      {"activity",
       {{"station_id", T(kStation)}, {"kind", T("reception")}, {"held_on", T("2025-03-05")},
        {"topic", T("老旧小区改造")}, {"created_at", T(kAt)}}},
      {"attendance",
       {{"activity_id", T("R-S01")}, {"station_id", T(kStation)}, {"person_kind", T("deputy")},
        {"person_id", T("D1")}}},
      {"activity_opinion",
       {{"activity_id", T("R-S01")}, {"opinion_id", T("O-S01")}, {"station_id", T(kStation)}}},
      {"visit",
       {{"spokesperson_id", T("SP2")}, {"station_id", T(kStation)},
        {"visited_on", T("2025-03-03")}, {"recorded_by", T(kSelf)}}},
      {"deputy_report",
       {{"deputy_id", T("D1")}, {"station_id", T(kStation)}, {"reported_on", T("2025-02-01")}}},
      {"attachment",
       {{"owner_table", T("opinion")}, {"owner_id", T("O-S01")}, {"station_id", T(kStation)},
        {"sha256", std::string(64, 'a')}, {"size", int64_t{1024}}, {"at", T(kAt)}}},
      {"spokesperson", {{"station_id", T(kStation)}, {"name", T("钱七")}, {"created_at", T(kAt)}}},
      {"hub_device",
       {{"station_id", T(kStation)}, {"spokesperson_id", T("SP1")},
        {"token_hash", sync::sha256_hex("a secret the station chose")}, {"created_at", T(kAt)}}},
      {"home", {{"name", T("新增")}, {"created_at", T(kAt)}}},
      {"category", {{"name", T("新增")}, {"created_at", T(kAt)}}},
      {"station", {{"name", T("新增")}, {"created_at", T(kAt)}}},
      {"deputy",
       {{"name", T("新增")}, {"level", T("district")}, {"station_id", T("S01")},
        {"created_at", T(kAt)}}},
  };
  NamedFields f = kBase.at(table);
  for (const auto& [name, value] : set) {
    auto it = std::find_if(f.begin(), f.end(), [&](const auto& p) { return p.first == name; });
    if (it != f.end()) {
      it->second = value;
    } else {
      f.emplace_back(name, value);
    }
  }
  return f;
}

NamedFields for_device(NamedFields f, TestDevice& d) {
  for (auto& [name, value] : f) {
    if (value == T(kSelf)) value = d.id().str();
    if (value == T(kStation)) value = d.replica->info().station_id;
  }
  return f;
}

// A row a change applies to, and the origin of the change.
struct Target {
  std::string table, id;
  Uuid origin;
};

// The device's writes for one row: the rows it changed.
using Write = std::function<Result<std::vector<Target>>(TestDevice&)>;

Write create(const std::string& table, const NamedFields& set = {}, std::string id = {}) {
  return [=](TestDevice& d) -> Result<std::vector<Target>> {
    LIAISON_ASSIGN_OR_RETURN(std::string made,
                             test::insert_row(*d.replica, table, for_device(record(table, set), d),
                                              id));
    return std::vector<Target>{{table, made, d.id()}};
  };
}

Write edit(const std::string& table, const std::string& id, const NamedFields& set) {
  return [=](TestDevice& d) -> Result<std::vector<Target>> {
    LIAISON_RETURN_IF_ERROR(test::update_row(*d.replica, table, id, set));
    return std::vector<Target>{{table, id, d.id()}};
  };
}

// The device's own opinion (of its spokesperson, for a spokesperson's device), then write on it
// ({opinion} in write's fields stands for its id).
Write on_own_opinion(const std::string& table, const NamedFields& set = {}) {
  return [=](TestDevice& d) -> Result<std::vector<Target>> {
    NamedFields own;
    if (!d.replica->info().spokesperson_id.empty())
      own.emplace_back("spokesperson_id", d.replica->info().spokesperson_id);
    LIAISON_ASSIGN_OR_RETURN(std::vector<Target> made, create("opinion", own)(d));
    NamedFields fields = set;
    for (auto& [name, value] : fields)
      if (value == T("{opinion}")) value = made[0].id;
    if (table == "opinion") {
      LIAISON_RETURN_IF_ERROR(test::update_row(*d.replica, "opinion", made[0].id, fields));
      return made;
    }
    LIAISON_ASSIGN_OR_RETURN(std::vector<Target> more, create(table, fields)(d));
    made.push_back(more[0]);
    return made;
  };
}

// ---- Raw frames --------------------------------------------------------------------------

uint32_t our_schema() {
  return static_cast<uint32_t>(storage::latest_version(storage::embedded_migrations()));
}

std::string hello_frame(const std::string& token, const Uuid& replica,
                        const wire::VectorEntries& vv, uint32_t protocol = wire::kProtocolVersion,
                        int schema_delta = 0) {
  wire::Hello h;
  h.protocol = protocol;
  h.schema = static_cast<uint32_t>(static_cast<int>(our_schema()) + schema_delta);
  h.token = token;
  h.replica = replica;
  h.clock_ms = SystemClock::instance().now_ms();
  h.vv = vv;
  return wire::encode_message(wire::Message(std::move(h)));
}

std::string frame(wire::Message m) { return wire::encode_message(m); }

// The changeset format's CRC-32 (zlib's): for changesets made byte by byte.
uint32_t crc32(std::string_view bytes) {
  uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return ~c;
}

// A changeset of format 1 around a msgpack body, with a correct checksum.
std::string changeset_bytes(const std::string& body) {
  std::string out = std::string("LCS") + static_cast<char>(wire::kChangesetFormat) + body;
  uint32_t crc = crc32(out);
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((crc >> shift) & 0xff);
  return out;
}

// The last change the device made that it still holds (a later change of another replica may
// have superseded its last ones), alone in a changeset as the device pushed it.
Result<wire::Changeset> last_own_change(TestDevice& d) {
  const sync::VersionVector all = d.replica->version_vector();
  const uint64_t seq = all.count(d.id()) ? all.at(d.id()) : 0;
  for (uint64_t from = seq; from-- > 0;) {
    sync::VersionVector peer = all;
    peer[d.id()] = from;
    LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs, d.replica->changes_since(peer));
    cs = test::only_origin(cs, d.id());
    if (cs.changes.empty()) continue;
    cs.changes.erase(cs.changes.begin(), cs.changes.end() - 1);
    cs.ranges[0].from = cs.changes[0].seq - 1;
    return cs;
  }
  return Status::invalid("test.no_change", "the device holds no change of its own");
}

// What the peer receives next, in words: "ERROR <code>" (when the close that follows carries
// the code as its reason), "refused <reasons>", "duplicates <n>" or "applied" for an ACK, a
// message's name, "close <code>", or "cut (<why>)".
std::string answer(RawPeer& peer) {
  std::string bytes;
  boost::beast::error_code ec = peer.read(&bytes);
  // A close frame received counts even when the teardown after it fails (the server may drop
  // the link first).
  if (ec == websocket::error::closed || (ec && peer.ws().reason().code != 0))
    return "close " + std::to_string(peer.ws().reason().code);
  if (ec) return "cut (" + ec.message() + ")";
  auto m = wire::decode_message(bytes);
  if (!m) return "undecodable answer";
  if (auto* e = std::get_if<wire::Error>(&m.value())) {
    std::string seen = "ERROR " + e->code;
    std::string after = answer(peer);
    if (after != "close 1008" && after != "close 1011") return seen + ", then " + after;
    if (std::string(peer.ws().reason().reason.c_str()) != e->code)
      return seen + ", closed with reason " + std::string(peer.ws().reason().reason.c_str());
    return seen;
  }
  if (auto* a = std::get_if<wire::Ack>(&m.value())) {
    if (!a->refused.empty()) {
      std::string seen = "refused";
      for (const wire::Refusal& r : a->refused) seen += " " + r.reason;
      return seen;
    }
    if (a->applied == 0) return "duplicates " + std::to_string(a->duplicates);
    return "applied";
  }
  return wire::message_name(m.value());
}

// The first column of the first row of sql on db as an integer; -1 when the query fails.
int64_t scalar(storage::Db& db, const std::string& sql) {
  auto q = db.prepare(sql);
  if (!q) return -1;
  auto row = q->step();
  if (!row) return -1;
  return row.value() ? q->column_int(0) : 0;
}

// The first column of every row of sql on db as text.
std::vector<std::string> texts(storage::Db& db, const std::string& sql) {
  auto q = db.prepare(sql);
  if (!q) return {"query failed: " + q.status().message()};
  auto all = q->texts();
  return all ? all.value() : std::vector<std::string>{"query failed"};
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// ---- The matrix ----------------------------------------------------------------------------

// What an attack did: what the attacker saw, the rows its changes name (applied, or refused),
// the device that pushed them, and the keys of the district's fingerprint the row changes by
// design besides those (a revocation the test makes as the district office, a device granted).
struct Outcome {
  std::string seen;
  std::vector<Target> targets;
  Uuid pusher;
  std::vector<std::string> also;
};

class Matrix;
using Attack = std::function<Outcome(Matrix&)>;

struct Row {
  const char* name;
  // The documented outcome as the attacker sees it: "ERROR <code>", "refused <reason>...",
  // "applied", "duplicates <n>", "close <code>", "closed slow peer" or "closed idle".
  const char* expect;
  Attack attack;
};

class Matrix {
 public:
  // Seeds the district, provisions the devices, starts the server and syncs every device once.
  void set_up();
  // Runs the row's attack, then the checks every row shares (see the top of the file).
  void run(const Row& row);

  TestDevice& dev(const std::string& name) {
    for (TestDevice& d : devices_)
      if (d.name == name) return d;
    throw std::logic_error("no device " + name);
  }
  uint16_t port() const { return district_.port(); }
  net::ServerStats stats() { return district_.server().transport().stats(); }
  const std::string& blob_sha() const { return blob_sha_; }

  Result<service::SyncResult> sync(TestDevice& d, const std::string& token) {
    std::string url = "ws://127.0.0.1:" + std::to_string(port()) + "/sync";
    return service::sync_with_server(*d.replica, test::once(url, token));
  }
  // The device writes (through change capture, as an honest or a forged device may) and syncs
  // with token.
  Outcome push(TestDevice& d, const Write& write, const std::string& token);
  // A new opinion of the device, made through shared/app; its id, "" when it cannot be made.
  std::string opinion(const std::string& device);
  // opinion(device), which the district must have once the row is over: the device syncs it
  // itself after the attack.
  std::string owe(const std::string& device);
  // Copies from's own changes that to lacks onto to, as a USB stick or a forged file would.
  static Status carry(TestDevice& from, TestDevice& to);
  // A raw session of the device; answer_seen is "WELCOME" when the server welcomed it.
  std::unique_ptr<RawPeer> raw_session(TestDevice& d, std::string* answer_seen);
  // Revokes the device as `liaison-server device revoke` does while the server runs, through
  // another connection to the district's file; returns the fingerprint key that changes.
  std::string revoke(const std::string& device);

 private:
  void seed();
  void add_device(const std::string& name, Role role, const std::string& station,
                  const std::string& spokesperson, const std::string& token_station = {});
  // The keys of the fingerprint the outcome may change (see the top of the file).
  static std::set<std::string> allowed_writes(const Row& row, const Outcome& out);
  // The audit log and _refused since the marks, without the rows of the given devices.
  void check_records(const Row& row, int64_t audit_mark, int64_t refused_mark,
                     const std::set<std::string>& skip_devices);
  std::string district_path() const { return dir_.file("district.db"); }

  test::TempDir dir_;
  test::ServedDistrict district_{dir_.file("district.db")};
  std::unique_ptr<storage::Db> reader_;  // the district's file, read while the server runs
  std::vector<TestDevice> devices_;
  std::map<std::string, std::vector<std::string>> owed_;  // device -> its opinions to sync
  std::string blob_sha_;
};

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

// ---- Attacks -------------------------------------------------------------------------------

// The device writes and syncs with its own token.
Attack as(const char* device, Write write) {
  return [device, write](Matrix& m) {
    TestDevice& d = m.dev(device);
    return m.push(d, write, d.token);
  };
}

// The intruder, holding a record of its own, syncs with the token made by token().
Attack intruder_with(std::function<std::string(Matrix&)> token) {
  return [token](Matrix& m) { return m.push(m.dev("intruder"), create("opinion"), token(m)); };
}

// The attacker carries the victim's new opinion (not synced yet) and pushes it as a relay. When
// the relay is refused, the victim must still get its opinion through itself (it is owed).
Attack carries(const char* attacker, const char* victim, bool refused = true) {
  return [attacker, victim, refused](Matrix& m) {
    TestDevice& from = m.dev(victim);
    std::string id = refused ? m.owe(victim) : m.opinion(victim);
    Status copied = Matrix::carry(from, m.dev(attacker));
    if (!copied.is_ok()) return Outcome{"could not carry: " + copied.message(), {}, {}, {}};
    Outcome out = m.push(m.dev(attacker), [](TestDevice&) { return std::vector<Target>{}; },
                         m.dev(attacker).token);
    out.targets = {{"opinion", id, from.id()}};
    return out;
  };
}

// A raw peer sends frames (after HELLO as device, when one is named) and reports the answer.
Attack raw(const char* device, std::function<std::vector<std::string>(Matrix&)> frames,
           RawPeerOptions options = {}) {
  return [=](Matrix& m) {
    Outcome out;
    std::unique_ptr<RawPeer> peer;
    if (*device != '\0') {
      peer = m.raw_session(m.dev(device), &out.seen);
      if (out.seen != "WELCOME") return out;
    } else {
      peer = std::make_unique<RawPeer>(m.port(), options);
      if (peer->error()) return Outcome{"cannot connect: " + peer->error().message(), {}, {}, {}};
    }
    // A write the server cuts short (an oversized frame) still leaves its answer to read.
    for (const std::string& f : frames(m)) (void)peer->write(f);
    out.seen = answer(*peer);
    return out;
  };
}

// A PUSH as device of the changeset make(device) returns.
Attack push_raw(const char* device, std::function<Result<std::string>(TestDevice&)> make) {
  return raw(device, [device, make](Matrix& m) {
    auto bytes = make(m.dev(device));
    EXPECT_TRUE(bytes.is_ok()) << bytes.status().message();
    return std::vector<std::string>{frame(wire::Push{1, bytes ? bytes.value() : ""})};
  });
}

// The device's last change as a PUSH, edited by alter first.
std::function<Result<std::string>(TestDevice&)> last_change(
    std::function<void(wire::Changeset&)> alter = {}) {
  return [alter](TestDevice& d) -> Result<std::string> {
    LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs, last_own_change(d));
    if (alter) alter(cs);
    return wire::encode(cs);
  };
}

// Sets the text values of the changeset's changes to text (the first limit of them).
void set_texts(wire::Changeset& cs, const std::string& text, size_t limit = SIZE_MAX) {
  for (wire::Change& c : cs.changes)
    for (wire::FieldChange& f : c.fields)
      if (std::holds_alternative<std::string>(f.value) && limit > 0) {
        f.value = text;
        --limit;
      }
}

// A HELLO whose vector is an array nested depth deep.
std::string deeply_nested_hello(int depth) {
  // [1, 3, 7, "tok", bin16, 0, [[[...nil...]]]]
  std::string m = "\x97\x01\x03\x07\xa3tok\xc4\x10" + std::string(16, '\x01');
  return m + std::string(1, '\0') + std::string(static_cast<size_t>(depth), '\x91') + "\xc0";
}

// A HELLO naming more origins than a vector may hold.
std::string hello_with_origins(size_t n) {
  wire::VectorEntries vv;
  for (size_t i = 0; i < n; ++i) {
    Uuid u;
    for (size_t b = 0; b < 8; ++b) u.bytes[b] = static_cast<uint8_t>(i >> (8 * b));
    vv.emplace_back(u, 1);
  }
  return hello_frame("lt1.x.y", Uuid::v7(), vv);
}

// HELLO, PULL, the CHANGES confirmed one by one up to PULL_END, then PULLED 1 once more.
Outcome pulled_again(Matrix& m) {
  Outcome out;
  auto peer = m.raw_session(m.dev("st"), &out.seen);
  if (out.seen != "WELCOME") return out;
  (void)peer->write(frame(wire::Pull{}));
  for (uint64_t batch = 1;; ++batch) {
    std::string bytes;
    if (peer->read(&bytes)) return Outcome{"cut while pulling", {}, {}, {}};
    auto msg = wire::decode_message(bytes);
    if (msg && std::holds_alternative<wire::PullEnd>(msg.value())) break;
    if (!msg || !std::holds_alternative<wire::Changes>(msg.value()))
      return Outcome{"unexpected answer while pulling", {}, {}, {}};
    (void)peer->write(frame(wire::Pulled{batch}));
  }
  (void)peer->write(frame(wire::Pulled{1}));
  out.seen = answer(*peer);
  return out;
}

// HELLO, then the device is revoked by the district office, then a PUSH of a new record.
Outcome revoked_mid_session(Matrix& m) {
  TestDevice& d = m.dev("revoked_mid");
  Outcome out;
  auto peer = m.raw_session(d, &out.seen);
  if (out.seen != "WELCOME") return out;
  out.also = {m.revoke("revoked_mid")};
  auto made = create("opinion")(d);
  auto bytes = last_change()(d);
  if (!made || !bytes) return Outcome{"could not write", {}, {}, out.also};
  (void)peer->write(frame(wire::Push{1, bytes.value()}));
  out.seen = answer(*peer);
  return out;
}

// A station's hub_device record that names as its spokesperson device's replica one already
// bound to another device (another computer of the station, whose replica id every device of
// the station sees in its vector), then a change under that replica's origin relayed by the
// station, taking the sequence number of that device's next change: the replica must not
// become one the station may carry, or the device's real change would be taken for a duplicate
// and lost. The record names the replica when it is created, or (later) in an edit.
Outcome hub_device_claiming_another_devices_replica(Matrix& m, bool later) {
  TestDevice& st = m.dev("st");
  TestDevice& victim = m.dev("honest");
  const Value replica = victim.id().str();
  Write claim_it = [&](TestDevice& d) -> Result<std::vector<Target>> {
    NamedFields set = {{"created_at", T("2000-01-01T00:00:00Z")}};
    if (!later) set.emplace_back("replica_id", replica);
    LIAISON_ASSIGN_OR_RETURN(std::vector<Target> made, create("hub_device", set)(d));
    if (later)
      LIAISON_RETURN_IF_ERROR(
          test::update_row(*d.replica, "hub_device", made[0].id, {{"replica_id", replica}}));
    return made;
  };
  Outcome claim = m.push(st, claim_it, st.token);
  if (claim.seen != "applied" || claim.targets.empty()) return claim;
  const Target& hub = claim.targets[0];
  Outcome out;
  // The record is the station's own (for a spokesperson of its own): applied, and its device
  // granted, bound to no replica.
  out.also = {hub.table + "/" + hub.id, "_log/" + hub.table + "/" + hub.id,
              "_vv/" + st.id().str(), "_device/" + hub.id};
  out.pusher = st.id();
  m.owe("honest");
  uint64_t seq = victim.replica->version_vector()[victim.id()];
  std::string forged = Uuid::v7().str();
  std::vector<std::string> columns = {"station_id", "recorded_by", "spokesperson_id", "at",
                                      "matter", "voter", "source", "created_at"};
  std::vector<wire::FieldChange> fields;
  for (const auto& [name, value] :
       for_device(record("opinion", {{"spokesperson_id", T("SP1")}}), victim)) {
    auto at = std::find(columns.begin(), columns.end(), name);
    if (at != columns.end()) fields.push_back({static_cast<uint32_t>(at - columns.begin()), value});
  }
  wire::Changeset cs = test::forged_changeset("opinion", columns, victim.id(), seq,
                                              victim.replica->hlc_now() + 1, true, forged, fields);
  cs.schema_version = our_schema();
  out.targets = {{"opinion", forged, victim.id()}};
  auto peer = m.raw_session(st, &out.seen);
  if (out.seen != "WELCOME") return out;
  (void)peer->write(frame(wire::Push{1, wire::encode(cs)}));
  out.seen = answer(*peer);
  return out;
}

// A peer that asks, faster than it reads, for the same chunk of content over and over (answers
// of 64 times the server's queue bound in all, 2,048 chunks of 32 KiB): the server stops reading
// once its queue for that peer is half full, never queues more than its bound, and closes the
// peer (which answers no ping) at the idle timeout.
Outcome reader_that_never_reads(Matrix& m) {
  Outcome out;
  TestDevice& d = m.dev("flooder");
  auto peer = std::make_unique<RawPeer>(m.port(), RawPeerOptions{.rcvbuf = 64 * 1024});
  (void)peer->write(hello_frame(d.token, d.id(), sync::to_entries(d.replica->version_vector())));
  if ((out.seen = answer(*peer)) != "WELCOME") return out;
  (void)peer->write(frame(wire::Pull{}));
  for (uint64_t batch = 1; (out.seen = answer(*peer)) != "PULL_END"; ++batch) {
    if (out.seen != "CHANGES") return out;
    (void)peer->write(frame(wire::Pulled{batch}));
  }
  const net::ServerStats start = m.stats();
  constexpr int kFrames = static_cast<int>(64 * kMaxQueued / wire::kBlobChunkSize);
  std::atomic<int> written{0};
  const std::string fetch = frame(wire::BlobFetch{m.blob_sha(), 0});
  auto flood = std::async(std::launch::async, [&] {
    for (int i = 0; i < kFrames && !peer->write(fetch); ++i) written++;
  });
  bool closed = poll_until([&] { return m.stats().open_connections == 0; }, 15s);
  bool flood_over = flood.wait_for(15s) == std::future_status::ready;
  bool drained = poll_until([&] { return m.stats().queued_bytes == 0; });
  const net::ServerStats end = m.stats();
  uint64_t read = end.frames_in - start.frames_in;
  if (!closed) {
    out.seen = "still open";
  } else if (!flood_over) {
    out.seen = "the peer's writes never ended";
  } else if (read >= static_cast<uint64_t>(written.load())) {
    out.seen = "the server read all " + std::to_string(read) + " frames";
  } else if (end.peak_queued_bytes > kMaxQueued || end.peak_queued_bytes <= kMaxQueued / 2) {
    out.seen = "queue peaked at " + std::to_string(end.peak_queued_bytes) + " bytes";
  } else if (!drained) {
    out.seen = "bytes still queued for a closed peer";
  } else {
    out.seen = "closed slow peer";
  }
  return out;
}

// 100 WebSocket peers that never send nor read and 100 TCP peers that never upgrade: an honest
// sync succeeds while they are open, and the idle and handshake timeouts close every one.
Outcome many_idle_connections(Matrix& m) {
  namespace asio = boost::asio;
  constexpr int kEach = 100;
  std::vector<std::unique_ptr<RawPeer>> ws;
  asio::io_context ioc;
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> tcp;
  for (int i = 0; i < kEach; ++i) {
    ws.push_back(std::make_unique<RawPeer>(m.port()));
    if (ws.back()->error())
      return Outcome{"upgrade failed: " + ws.back()->error().message(), {}, {}, {}};
    auto sock = std::make_unique<asio::ip::tcp::socket>(ioc);
    boost::system::error_code ec;
    sock->connect({asio::ip::make_address("127.0.0.1"), m.port()}, ec);
    if (ec) return Outcome{"connect failed: " + ec.message(), {}, {}, {}};
    timeval tv{10, 0};
    ::setsockopt(sock->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    tcp.push_back(std::move(sock));
  }
  if (!poll_until([&] { return m.stats().open_connections == kEach; }))
    return Outcome{"only " + std::to_string(m.stats().open_connections) + " open", {}, {}, {}};
  auto honest = m.sync(m.dev("honest"), m.dev("honest").token);
  if (!honest) return Outcome{"honest sync failed: " + honest.status().message(), {}, {}, {}};
  if (!poll_until([&] { return m.stats().open_connections == 0; }, 15s))
    return Outcome{"idle WebSocket peers still open", {}, {}, {}};
  for (auto& sock : tcp) {
    char byte;
    boost::system::error_code ec;
    if (sock->read_some(asio::buffer(&byte, 1), ec) != 0 || !ec)
      return Outcome{"a TCP peer got bytes", {}, {}, {}};
    if (ec != asio::error::eof && ec != asio::error::connection_reset)
      return Outcome{"a TCP peer was not cut: " + ec.message(), {}, {}, {}};
  }
  for (auto& peer : ws)
    if (!peer->read()) return Outcome{"an idle peer got a message", {}, {}, {}};
  return Outcome{"closed idle", {}, {}, {}};
}

// ---- The table -----------------------------------------------------------------------------

const std::vector<Row>& rows() {
  static const std::vector<Row> kRows = {
      // Tokens (docs/protocol.md, "Authorization").
      {"auth.no_token", "ERROR auth_failed", intruder_with([](Matrix&) { return ""; })},
      {"auth.malformed_token", "ERROR auth_failed",
       intruder_with([](Matrix&) { return "lt1.nobody.secret"; })},
      {"auth.unknown_device", "ERROR auth_failed",
       intruder_with([](Matrix&) {
         return "lt1." + Uuid::v7().str() + "." + std::string(32, 'a');
       })},
      {"auth.wrong_secret", "ERROR auth_failed",
       intruder_with([](Matrix& m) {
         return "lt1." + m.dev("st").device_id() + "." + std::string(32, 'a');
       })},
      {"auth.token_over_256_bytes", "ERROR bad_message",
       intruder_with([](Matrix& m) { return m.dev("st").token + std::string(256, 'a'); })},
      {"auth.copied_token_of_another_station", "ERROR replica_mismatch",
       intruder_with([](Matrix& m) { return m.dev("st2").token; })},
      {"auth.revoked_device", "ERROR revoked",
       [](Matrix& m) {
         std::string key = m.revoke("revoked");
         Outcome out = m.push(m.dev("revoked"), create("opinion"), m.dev("revoked").token);
         out.also = {key};
         return out;
       }},
      {"auth.revoked_during_the_session", "ERROR revoked", revoked_mid_session},
      {"auth.token_of_another_station", "refused other_station",
       as("holds_s02_token", create("opinion"))},
      // Versions and order (docs/protocol.md, "Sequence").
      {"hello.other_protocol_version", "ERROR protocol_version",
       raw("", [](Matrix& m) {
         TestDevice& d = m.dev("st");
         return std::vector<std::string>{hello_frame(d.token, d.id(), {}, 2)};
       })},
      {"hello.newer_schema", "ERROR schema_too_new",
       raw("", [](Matrix& m) {
         TestDevice& d = m.dev("st");
         return std::vector<std::string>{
             hello_frame(d.token, d.id(), {}, wire::kProtocolVersion, 1)};
       })},
      {"hello.older_schema", "ERROR client_too_old",
       raw("", [](Matrix& m) {
         TestDevice& d = m.dev("st");
         return std::vector<std::string>{
             hello_frame(d.token, d.id(), {}, wire::kProtocolVersion, -1)};
       })},
      {"order.push_before_hello", "ERROR bad_message",
       raw("", [](Matrix& m) {
         auto bytes = last_change()(m.dev("st"));
         return std::vector<std::string>{frame(wire::Push{1, bytes ? bytes.value() : ""})};
       })},
      {"order.second_hello", "ERROR bad_message",
       raw("st", [](Matrix& m) {
         TestDevice& d = m.dev("st");
         return std::vector<std::string>{hello_frame(d.token, d.id(), {})};
       })},

      // A station device: the records of its own station, no reference data.
      {"station.opinion", "applied", as("st", create("opinion"))},
      {"station.opinion_of_another_station", "refused other_station",
       as("st", create("opinion", {{"station_id", T("S02")}}))},
      {"station.opinion_recorded_by_another_replica", "refused forged_origin",
       as("st", create("opinion", {{"recorded_by", T("someone-else")}}))},
      {"station.takeover_of_another_stations_opinion", "refused other_station",
       as("st", create("opinion", {}, "O-S02"))},
      {"station.edit_own_station_opinion", "applied",
       as("st", edit("opinion", "O-S01", {{"category", T("交通")}}))},
      {"station.edit_unknown_row", "refused other_station unknown_row",
       as("st", [](TestDevice& d) -> Result<std::vector<Target>> {
         LIAISON_ASSIGN_OR_RETURN(auto made, create("opinion", {{"station_id", T("S02")}})(d));
         LIAISON_RETURN_IF_ERROR(test::update_row(*d.replica, "opinion", made[0].id,
                                                  {{"voter", T("改名")}}));
         return made;
       })},
      {"station.step", "applied", as("st", create("opinion_step"))},
      {"station.step_on_another_stations_opinion", "refused other_station",
       as("st", create("opinion_step", {{"opinion_id", T("O-S02")}}))},
      {"station.amendment_on_another_stations_opinion", "refused other_station",
       as("st", create("amendment", {{"opinion_id", T("O-S02")}}))},
      {"station.reception", "applied", as("st", create("activity"))},
      {"station.reception_of_another_station", "refused other_station",
       as("st", create("activity", {{"station_id", T("S02")}}))},
      {"station.home_activity_without_station", "refused other_station",
       as("st", create("activity", {{"station_id", Value{}}, {"home_id", T("H1")}}))},
      {"station.attendance", "applied", as("st", create("attendance"))},
      {"station.attendance_of_another_station", "refused other_station",
       as("st", create("attendance", {{"station_id", T("S02")}, {"activity_id", T("R-S02")}}))},
      {"station.link_to_another_stations_opinion", "refused other_station",
       as("st", create("activity_opinion", {{"opinion_id", T("O-S02")}}))},
      {"station.visit", "applied", as("st", create("visit"))},
      {"station.visit_of_another_station", "refused other_station",
       as("st", create("visit", {{"station_id", T("S02")}, {"spokesperson_id", T("SP3")}}))},
      {"station.deputy_report", "applied", as("st", create("deputy_report"))},
      {"station.deputy_report_without_station", "refused other_station",
       as("st", create("deputy_report", {{"station_id", Value{}}}))},
      {"station.attachment", "applied", as("st", create("attachment"))},
      {"station.attachment_on_another_stations_opinion", "refused other_station",
       as("st", create("attachment", {{"owner_id", T("O-S02")}}))},
      {"station.spokesperson", "applied", as("st", create("spokesperson"))},
      {"station.spokesperson_of_another_station", "refused other_station",
       as("st", create("spokesperson", {{"station_id", T("S02")}}))},
      {"station.hub_device_grants_a_device", "applied",
       [](Matrix& m) {
         Outcome out = m.push(m.dev("st"), create("hub_device"), m.dev("st").token);
         if (!out.targets.empty()) out.also = {"_device/" + out.targets[0].id};
         return out;
       }},
      {"station.hub_device_of_another_station", "refused other_station",
       as("st", create("hub_device", {{"station_id", T("S02")}, {"spokesperson_id", T("SP3")}}))},
      // The record is the station's own, but names another station's spokesperson: no device.
      {"station.hub_device_for_another_stations_spokesperson", "applied",
       as("st", create("hub_device", {{"spokesperson_id", T("SP3")}}))},
      // A record over the district device's id: the district's device stays as it was.
      {"station.hub_device_over_the_district_device", "applied",
       [](Matrix& m) {
         return m.push(m.dev("st"), create("hub_device", {}, m.dev("dd").device_id()),
                       m.dev("st").token);
       }},
      // A record over another station's device id that revokes it: that device stays as it was.
      {"station.hub_device_revoking_another_stations_device", "applied",
       [](Matrix& m) {
         Write revoke_it = [&m](TestDevice& d) -> Result<std::vector<Target>> {
           LIAISON_ASSIGN_OR_RETURN(std::vector<Target> made,
                                    create("hub_device", {}, m.dev("st2").device_id())(d));
           LIAISON_RETURN_IF_ERROR(test::update_row(*d.replica, "hub_device", made[0].id,
                                                    {{"revoked_at", T(kAt)}}));
           return made;
         };
         return m.push(m.dev("st"), revoke_it, m.dev("st").token);
       }},
      {"station.home", "refused reference_data", as("st", create("home"))},
      {"station.category", "refused reference_data", as("st", create("category"))},
      {"station.deputy", "refused reference_data", as("st", create("deputy"))},
      {"station.edit_station", "refused reference_data",
       as("st", edit("station", "S01", {{"name", T("改名")}}))},

      // A spokesperson's device: what it recorded, what hangs on that, its own visits.
      {"spokesperson.opinion", "applied",
       as("sp", create("opinion", {{"spokesperson_id", T("SP1")}}))},
      {"spokesperson.opinion_for_another_spokesperson", "refused not_own_record",
       as("sp", create("opinion", {{"spokesperson_id", T("SP2")}}))},
      {"spokesperson.opinion_of_another_station", "refused other_station",
       as("sp", create("opinion", {{"station_id", T("S02")}, {"spokesperson_id", T("SP1")}}))},
      {"spokesperson.opinion_recorded_by_another_replica", "refused forged_origin",
       as("sp", create("opinion", {{"spokesperson_id", T("SP1")}, {"recorded_by", T("someone")}}))},
      {"spokesperson.edit_own_opinion", "applied",
       as("sp", on_own_opinion("opinion", {{"voter", T("改名")}}))},
      {"spokesperson.edit_station_opinion", "refused not_own_record",
       as("sp", edit("opinion", "O-SP1", {{"place", T("二楼")}}))},
      {"spokesperson.step_on_own_opinion", "applied",
       as("sp", on_own_opinion("opinion_step", {{"opinion_id", T("{opinion}")}}))},
      {"spokesperson.step_on_station_opinion", "refused not_own_record",
       as("sp", create("opinion_step", {{"opinion_id", T("O-SP1")}}))},
      {"spokesperson.step_on_unknown_opinion", "refused unknown_opinion",
       as("sp", create("opinion_step", {{"opinion_id", T("NO-SUCH-OPINION")}}))},
      {"spokesperson.amendment_on_own_opinion", "applied",
       as("sp", on_own_opinion("amendment", {{"opinion_id", T("{opinion}")}}))},
      {"spokesperson.amendment_on_station_opinion", "refused not_own_record",
       as("sp", create("amendment", {{"opinion_id", T("O-SP1")}}))},
      {"spokesperson.visit", "applied", as("sp", create("visit", {{"spokesperson_id", T("SP1")}}))},
      {"spokesperson.visit_for_another_spokesperson", "refused not_own_record",
       as("sp", create("visit"))},
      {"spokesperson.attachment_on_station_opinion", "refused not_own_record",
       as("sp", create("attachment", {{"owner_id", T("O-SP1")}}))},
      {"spokesperson.reception", "refused outside_role", as("sp", create("activity"))},
      {"spokesperson.attendance", "refused outside_role", as("sp", create("attendance"))},
      {"spokesperson.deputy_report", "refused outside_role", as("sp", create("deputy_report"))},
      {"spokesperson.spokesperson", "refused outside_role", as("sp", create("spokesperson"))},
      {"spokesperson.hub_device", "refused outside_role", as("sp", create("hub_device"))},
      {"spokesperson.edit_own_spokesperson_row", "refused not_own_record",
       as("sp", edit("spokesperson", "SP1", {{"phone", T("13800000000")}}))},
      {"spokesperson.category", "refused reference_data", as("sp", create("category"))},

      // A district device: anything.
      {"district.opinion_of_a_station", "applied",
       as("dd", create("opinion", {{"station_id", T("S02")}}))},
      {"district.step", "applied",
       as("dd", create("opinion_step", {{"opinion_id", T("O-S02")}, {"station_id", T("S02")}}))},
      {"district.home_activity", "applied",
       as("dd", create("activity", {{"station_id", Value{}}, {"home_id", T("H1")}}))},
      {"district.spokesperson", "applied",
       as("dd", create("spokesperson", {{"station_id", T("S02")}}))},
      {"district.category", "applied", as("dd", create("category"))},
      {"district.edit_station", "applied",
       as("dd", edit("station", "S01", {{"name", T("第一联络站")}}))},

      // Origins (docs/protocol.md, "Origins"): a push carries only the origins its device may.
      {"origin.station_carries_another_stations_device", "refused forged_origin",
       carries("st2", "honest")},
      {"origin.spokesperson_carries_its_stations_device", "refused forged_origin",
       carries("sp", "honest")},
      {"origin.district_device_carries_a_station_device", "refused forged_origin",
       carries("dd", "honest")},
      {"origin.station_carries_another_stations_spokesperson", "refused forged_origin",
       carries("st2", "sp")},
      {"origin.station_relays_its_own_spokesperson", "applied", carries("st", "sp", false)},
      {"origin.hub_device_claiming_another_devices_replica", "refused forged_origin",
       [](Matrix& m) { return hub_device_claiming_another_devices_replica(m, false); }},
      {"origin.hub_device_edited_to_another_devices_replica", "refused forged_origin",
       [](Matrix& m) { return hub_device_claiming_another_devices_replica(m, true); }},

      // Replays: what the district has is a duplicate whatever it holds now; a captured batch
      // of another device is a forged origin.
      {"replay.own_batch", "duplicates 1", push_raw("st", last_change())},
      {"replay.own_batch_with_other_values", "duplicates 1",
       push_raw("st", last_change([](wire::Changeset& cs) { set_texts(cs, "篡改"); }))},
      {"replay.captured_batch_of_another_device", "refused forged_origin",
       [](Matrix& m) {
         std::string id = m.owe("honest");
         auto bytes = last_change()(m.dev("honest"));
         Outcome out = push_raw("st2", [&](TestDevice&) { return bytes; })(m);
         out.targets = {{"opinion", id, m.dev("honest").id()}};
         out.pusher = m.dev("st2").id();
         return out;
       }},
      {"replay.pulled_again", "ERROR bad_message", pulled_again},

      // Frames and msgpack (docs/protocol.md, "Limits").
      {"frame.text", "close 1003",
       [](Matrix& m) {
         RawPeer peer(m.port());
         (void)peer.write("HELLO", /*text=*/true);
         return Outcome{answer(peer), {}, {}, {}};
       }},
      {"frame.over_8_mib", "close 1009",
       raw("", [](Matrix&) { return std::vector<std::string>{std::string((8 << 20) + 1, 'x')}; })},
      {"frame.deflate_bomb", "close 1009",
       raw("", [](Matrix&) { return std::vector<std::string>{std::string(16 << 20, '\0')}; },
           {.deflate = true})},
      {"msgpack.not_msgpack", "ERROR bad_message",
       raw("", [](Matrix&) { return std::vector<std::string>{"\xc1garbage"}; })},
      {"msgpack.deeply_nested_message", "ERROR bad_message",
       raw("", [](Matrix&) { return std::vector<std::string>{deeply_nested_hello(100'000)}; })},
      {"msgpack.array_claiming_4g_elements", "ERROR bad_message",
       raw("", [](Matrix&) { return std::vector<std::string>{"\xdd\xff\xff\xff\xff\x01\x02"}; })},
      {"msgpack.vector_over_100000_origins", "ERROR bad_message",
       raw("", [](Matrix&) { return std::vector<std::string>{hello_with_origins(100'001)}; })},
      {"changeset.deeply_nested", "ERROR too_big",
       push_raw("st", [](TestDevice&) -> Result<std::string> {
         return changeset_bytes(std::string(100'000, '\x91') + "\xc0");
       })},
      {"changeset.over_4_mib", "ERROR too_big",
       push_raw("st", last_change([](wire::Changeset& cs) {
         set_texts(cs, std::string(5 << 20, 'x'), 1);
       }))},
      {"changeset.over_2000_changes", "ERROR too_big",
       push_raw("st", last_change([](wire::Changeset& cs) {
         while (cs.changes.size() <= 2000) cs.changes.push_back(cs.changes.front());
       }))},
      {"changeset.bad_checksum", "ERROR bad_message",
       push_raw("st", [](TestDevice& d) -> Result<std::string> {
         LIAISON_ASSIGN_OR_RETURN(std::string bytes, last_change()(d));
         bytes.back() = static_cast<char>(bytes.back() ^ 1);
         return bytes;
       })},

      // Load (docs/protocol.md, "Limits"; shared/net/ws_server.h, "Bounds").
      {"flood.reader_that_never_reads", "closed slow peer", reader_that_never_reads},
      {"idle.200_connections", "closed idle", many_idle_connections},
  };
  return kRows;
}

TEST(NetSecurityMatrix, EveryAttackGetsItsDocumentedAnswerAndTheDistrictKeepsServing) {
  Matrix m;
  ASSERT_NO_FATAL_FAILURE(m.set_up());
  for (const Row& row : rows()) {
    SCOPED_TRACE(row.name);
    m.run(row);
  }
}

}  // namespace
}  // namespace liaison
