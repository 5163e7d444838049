// The security matrix's fixture: one real SyncServer (127.0.0.1, port 0) and district replica
// file that every row of the table attacks, what the rows are written with (records a device
// writes, raw frames, attacks), and the checks after each row.
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
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "shared/wire/changeset.h"
#include "shared/wire/messages.h"
#include "tests/common/temp_dir.h"
#include "tests/integration/net/raw_peer.h"
#include "tests/integration/sync/net_fixture.h"

namespace liaison::net_security {

using namespace std::chrono_literals;
using sync::Replica;
using sync::Role;
using test::NamedFields;
using test::poll_until;
using test::RawPeer;
using test::RawPeerOptions;
using test::TestDevice;

constexpr size_t kMaxQueued = size_t{1} << 20;  // the server's send queue per connection
constexpr const char* kAt = "2025-03-01T09:00:00Z";
// Placeholders in record fields, filled in with the writing device's replica id and station.
constexpr const char* kSelf = "{self}";
constexpr const char* kStation = "{station}";

Value T(const char* text);

// ---- Records a device writes ---------------------------------------------------------------

// A record of table with its required fields (recorded_by the device itself, of the device's
// station), then the given fields set or replaced by name.
NamedFields record(const std::string& table, const NamedFields& set = {});
NamedFields for_device(NamedFields f, TestDevice& d);

// A row a change applies to, and the origin of the change.
struct Target {
  std::string table, id;
  Uuid origin;
};

// The device's writes for one row: the rows it changed.
using Write = std::function<Result<std::vector<Target>>(TestDevice&)>;

Write create(const std::string& table, const NamedFields& set = {}, std::string id = {});
Write edit(const std::string& table, const std::string& id, const NamedFields& set);
// The device's own opinion (of its spokesperson, for a spokesperson's device), then write on it
// ({opinion} in write's fields stands for its id).
Write on_own_opinion(const std::string& table, const NamedFields& set = {});

// ---- Raw frames --------------------------------------------------------------------------

uint32_t our_schema();
std::string hello_frame(const std::string& token, const Uuid& replica,
                        const wire::VectorEntries& vv, uint32_t protocol = wire::kProtocolVersion,
                        int schema_delta = 0);
std::string frame(wire::Message m);
// What the peer receives next, in words: "ERROR <code>" (when the close that follows carries
// the code as its reason), "refused <reasons>", "duplicates <n>" or "applied" for an ACK, a
// message's name, "close <code>", or "cut (<why>)".
std::string answer(RawPeer& peer);
// The first column of the first row of sql on db as an integer; -1 when the query fails.
int64_t scalar(storage::Db& db, const std::string& sql);
// The first column of every row of sql on db as text.
std::vector<std::string> texts(storage::Db& db, const std::string& sql);
std::string join(const std::vector<std::string>& words);

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

// ---- Attacks -------------------------------------------------------------------------------

// The device writes and syncs with its own token.
Attack as(const char* device, Write write);
// The intruder, holding a record of its own, syncs with the token made by token().
Attack intruder_with(std::function<std::string(Matrix&)> token);
// The attacker carries the victim's new opinion (not synced yet) and pushes it as a relay. When
// the relay is refused, the victim must still get its opinion through itself (it is owed).
Attack carries(const char* attacker, const char* victim, bool refused = true);
// A raw peer sends frames (after HELLO as device, when one is named) and reports the answer.
Attack raw(const char* device, std::function<std::vector<std::string>(Matrix&)> frames,
           RawPeerOptions options = {});
// A PUSH as device of the changeset make(device) returns.
Attack push_raw(const char* device, std::function<Result<std::string>(TestDevice&)> make);
// The device's last change as a PUSH, edited by alter first.
std::function<Result<std::string>(TestDevice&)> last_change(
    std::function<void(wire::Changeset&)> alter = {});
// Sets the text values of the changeset's changes to text (the first limit of them).
void set_texts(wire::Changeset& cs, const std::string& text, size_t limit = SIZE_MAX);

// ---- The table -----------------------------------------------------------------------------

// The rows by theme, in the order they run (net_security_test.cpp joins them).
std::vector<Row> auth_rows();    // net_security_auth_rows.cpp
std::vector<Row> scope_rows();   // net_security_scope_rows.cpp
std::vector<Row> origin_rows();  // net_security_origin_rows.cpp
std::vector<Row> limits_rows();  // net_security_limits_rows.cpp

}  // namespace liaison::net_security
