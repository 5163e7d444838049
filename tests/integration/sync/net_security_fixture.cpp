// The security matrix's vocabulary (declared in net_security_fixture.h): the records a device
// writes, raw frames and what a peer reads back, and the attacks the rows are made of.
#include "tests/integration/sync/net_security_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "shared/storage/migrations.h"
#include "shared/sync/blob_store.h"
#include "tests/common/replica_fixture.h"

namespace liaison::net_security {

namespace websocket = boost::beast::websocket;

Value T(const char* text) { return std::string(text); }

// ---- Records a device writes ---------------------------------------------------------------

NamedFields record(const std::string& table, const NamedFields& set) {
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

Write create(const std::string& table, const NamedFields& set, std::string id) {
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

Write on_own_opinion(const std::string& table, const NamedFields& set) {
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
                        const wire::VectorEntries& vv, uint32_t protocol, int schema_delta) {
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

namespace {

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

}  // namespace

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

int64_t scalar(storage::Db& db, const std::string& sql) {
  auto q = db.prepare(sql);
  if (!q) return -1;
  auto row = q->step();
  if (!row) return -1;
  return row.value() ? q->column_int(0) : 0;
}

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

// ---- Attacks -------------------------------------------------------------------------------

Attack as(const char* device, Write write) {
  return [device, write](Matrix& m) {
    TestDevice& d = m.dev(device);
    return m.push(d, write, d.token);
  };
}

Attack intruder_with(std::function<std::string(Matrix&)> token) {
  return [token](Matrix& m) { return m.push(m.dev("intruder"), create("opinion"), token(m)); };
}

Attack carries(const char* attacker, const char* victim, bool refused) {
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

Attack raw(const char* device, std::function<std::vector<std::string>(Matrix&)> frames,
           RawPeerOptions options) {
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

Attack push_raw(const char* device, std::function<Result<std::string>(TestDevice&)> make) {
  return raw(device, [device, make](Matrix& m) {
    auto bytes = make(m.dev(device));
    EXPECT_TRUE(bytes.is_ok()) << bytes.status().message();
    return std::vector<std::string>{frame(wire::Push{1, bytes ? bytes.value() : ""})};
  });
}

std::function<Result<std::string>(TestDevice&)> last_change(
    std::function<void(wire::Changeset&)> alter) {
  return [alter](TestDevice& d) -> Result<std::string> {
    LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs, last_own_change(d));
    if (alter) alter(cs);
    return wire::encode(cs);
  };
}

void set_texts(wire::Changeset& cs, const std::string& text, size_t limit) {
  for (wire::Change& c : cs.changes)
    for (wire::FieldChange& f : c.fields)
      if (std::holds_alternative<std::string>(f.value) && limit > 0) {
        f.value = text;
        --limit;
      }
}

}  // namespace liaison::net_security
