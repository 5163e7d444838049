#include "shared/app/devices.h"

#include <array>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "shared/app/hub_devices.h"
#include "shared/app/parse.h"
#include "shared/app/tables.h"

namespace liaison::app {

namespace {

constexpr std::string_view kTokenPrefix = "lt1.";
constexpr size_t kSecretBytes = 20;
constexpr size_t kSecretChars = kSecretBytes * 8 / 5;  // 32: no base32 padding needed
constexpr size_t kUuidChars = 36;
constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";

constexpr const char* kColumns =
    "SELECT device_id, role, created_at, station_id, spokesperson_id, replica_id, revoked_at, "
    "last_seen_at, last_address, provisioned_by, clock_skew_ms, syncs FROM _device";

std::string base32(const std::array<uint8_t, kSecretBytes>& bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kBase32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

// The secret part of a new token, from OpenSSL's generator.
Result<std::string> new_secret() {
  std::array<uint8_t, kSecretBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    return Status::internal("RAND_bytes failed");
  std::string secret = base32(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return secret;
}

// Lowercase hex SHA-256 of text.
Result<std::string> sha256_hex(std::string_view text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr) != 1)
    return Status::internal("SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

// Corruption for a role the schema's CHECK should have kept out: a damaged row gets no scope.
Result<Device> read_device(const storage::Stmt& q) {
  Device d;
  d.id = q.column_text(0);
  std::optional<sync::Role> role = sync::parse_role(q.column_text(1));
  if (!role) return Status::corruption("device role: " + q.column_text(1));
  d.role = *role;
  d.created_at = q.column_text(2);
  d.station = opt_text(q, 3);
  d.spokesperson = opt_text(q, 4);
  d.replica = opt_text(q, 5);
  d.revoked_at = opt_text(q, 6);
  d.last_seen_at = opt_text(q, 7);
  d.last_address = opt_text(q, 8);
  d.provisioned_by = opt_text(q, 9);
  d.clock_skew_ms = opt_int(q, 10);
  d.syncs = q.column_int(11);
  return d;
}

// Runs `kColumns + where` with one text parameter (none when param is empty).
Result<std::vector<Device>> query(sync::Replica& r, std::string_view where,
                                  const std::string& param) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, r.db().prepare(std::string(kColumns) + " " +
                                                           std::string(where)));
  if (!param.empty()) q.bind(1, param);
  std::vector<Device> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    LIAISON_ASSIGN_OR_RETURN(Device d, read_device(q));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::optional<Device>> find_device(sync::Replica& r, const std::string& id) {
  LIAISON_ASSIGN_OR_RETURN(std::vector<Device> found, query(r, "WHERE device_id = ?", id));
  if (found.empty()) return std::optional<Device>();
  return std::optional<Device>(std::move(found.front()));
}

Result<std::string> token_hash(sync::Replica& r, const std::string& id) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           r.db().prepare("SELECT token_hash FROM _device WHERE device_id = ?"));
  q.bind(1, id);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  return found ? q.column_text(0) : std::string();
}

DeviceAccess refused(DeviceRefusal why) { return {std::nullopt, why}; }
DeviceAccess allowed(Device d) { return {std::move(d), DeviceRefusal::kMalformed}; }

Result<bool> row_exists(sync::Replica& r, std::string_view table, const std::string& id) {
  LIAISON_ASSIGN_OR_RETURN(std::optional<sync::Row> row, r.load(table_named(table), id));
  return row.has_value();
}

// The role asked for, checked against the station and spokesperson given.
Result<sync::Role> checked_role(const DeviceInput& in) {
  std::string name = trim(in.role);
  if (name.empty()) name = is_blank(in.spokesperson) ? "station" : "spokesperson";
  std::optional<sync::Role> role = sync::parse_role(name);
  if (!role) return Status::invalid("err.bad_role", name);
  bool has_station = !is_blank(in.station), has_spokesperson = !is_blank(in.spokesperson);
  if (*role == sync::Role::kDistrict && has_station)
    return Status::invalid("err.device_district_station");
  if (*role != sync::Role::kDistrict && !has_station) return Status::invalid("err.device_station");
  if (*role == sync::Role::kSpokesperson && !has_spokesperson)
    return Status::invalid("err.device_spokesperson");
  if (*role != sync::Role::kSpokesperson && has_spokesperson)
    return Status::invalid("err.device_spokesperson_only");
  return *role;
}

// A spokesperson this replica knows must belong to station; an unknown one may not have been
// synced from its station yet, and is accepted.
Status check_spokesperson(sync::Replica& r, const std::string& id, const std::string& station) {
  LIAISON_RETURN_IF_ERROR(check_id(id));
  const sync::TablePolicy& t = table_named("spokesperson");
  LIAISON_ASSIGN_OR_RETURN(std::optional<sync::Row> row, r.load(t, id));
  if (!row) return {};
  const Value& at = row->values[static_cast<size_t>(t.column_index("station_id"))];
  const auto* s = std::get_if<std::string>(&at);
  if (s == nullptr || *s != station) return Status::invalid("err.spokesperson_station", id);
  return {};
}

Status insert_device(sync::Replica& r, const Device& d, const std::string& hash) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt ins,
                           r.db().prepare("INSERT INTO _device(device_id, token_hash, role, "
                                          "station_id, spokesperson_id, created_at) "
                                          "VALUES(?,?,?,?,?,?)"));
  auto opt = [](const OptText& t) { return t ? Value{*t} : Value{}; };
  ins.bind(1, d.id).bind(2, hash).bind(3, std::string_view(sync::role_name(d.role)));
  ins.bind(4, opt(d.station)).bind(5, opt(d.spokesperson)).bind(6, d.created_at);
  return ins.run();
}

// The bindings record_contact checks before it writes; nullopt when the contact may be recorded.
Result<std::optional<DeviceRefusal>> binding_refusal(sync::Replica& r, const Device& d,
                                                     const Uuid& replica) {
  using Why = std::optional<DeviceRefusal>;
  if (d.replica) return *d.replica == replica.str() ? Why() : Why(DeviceRefusal::kOtherReplica);
  if (replica == r.info().id) return Why(DeviceRefusal::kReplicaTaken);
  LIAISON_ASSIGN_OR_RETURN(std::optional<Device> other, device_for_replica(r, replica));
  if (other && other->id != d.id) return Why(DeviceRefusal::kReplicaTaken);
  return Why();
}

Result<DeviceAccess> contact_in_txn(sync::Replica& r, const std::string& device_id,
                                    const Contact& c) {
  LIAISON_ASSIGN_OR_RETURN(std::optional<Device> d, find_device(r, device_id));
  if (!d) return refused(DeviceRefusal::kUnknown);
  if (d->revoked_at) return refused(DeviceRefusal::kRevoked);
  LIAISON_ASSIGN_OR_RETURN(std::optional<DeviceRefusal> why, binding_refusal(r, *d, c.replica));
  if (why) return refused(*why);
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt up,
      r.db().prepare("UPDATE _device SET replica_id = ?, last_seen_at = ?, last_address = ?, "
                     "clock_skew_ms = COALESCE(?, clock_skew_ms), syncs = syncs + 1 "
                     "WHERE device_id = ?"));
  up.bind(1, c.replica.str()).bind(2, r.now_iso()).bind(3, c.address);
  if (c.clock_skew_ms) {
    up.bind(4, *c.clock_skew_ms);
  } else {
    up.bind_null(4);
  }
  up.bind(5, device_id);
  LIAISON_RETURN_IF_ERROR(up.run());
  LIAISON_ASSIGN_OR_RETURN(d, find_device(r, device_id));
  if (!d) return Status::internal("device vanished: " + device_id);
  return allowed(std::move(*d));
}

}  // namespace

const char* device_refusal_name(DeviceRefusal refusal) {
  switch (refusal) {
    case DeviceRefusal::kMalformed: return "malformed";
    case DeviceRefusal::kUnknown: return "unknown_device";
    case DeviceRefusal::kWrongSecret: return "wrong_secret";
    case DeviceRefusal::kRevoked: return "revoked";
    case DeviceRefusal::kOtherReplica: return "other_replica";
    case DeviceRefusal::kReplicaTaken: return "replica_taken";
  }
  return "malformed";
}

Result<NewDevice> add_device(sync::Replica& replica, const DeviceInput& in) {
  // A station hub provisions its own spokespersons' devices (hub_devices.h).
  bool hub = replica.info().role == sync::Role::kStation;
  if (!hub && replica.info().role != sync::Role::kDistrict)
    return Status(Code::kPermissionDenied, "err.devices_district_only");
  DeviceInput asked = in;
  if (hub) {
    if (!is_blank(asked.role) && trim(asked.role) != "spokesperson")
      return Status::invalid("err.hub_spokesperson_only", trim(asked.role));
    if (is_blank(asked.spokesperson)) return Status::invalid("err.device_spokesperson");
    if (!is_blank(asked.station) && trim(asked.station) != replica.info().station_id)
      return Status::invalid("err.hub_own_station", trim(asked.station));
    asked.role = "spokesperson";
    asked.station = replica.info().station_id;
  }
  LIAISON_ASSIGN_OR_RETURN(sync::Role role, checked_role(asked));
  Device d;
  d.role = role;
  if (role != sync::Role::kDistrict) {
    std::string station = trim(asked.station);
    LIAISON_RETURN_IF_ERROR(check_id(station));
    LIAISON_ASSIGN_OR_RETURN(bool known, row_exists(replica, "station", station));
    if (!known && !hub) return Status::invalid("err.unknown_station", station);
    d.station = station;
  }
  if (role == sync::Role::kSpokesperson) {
    std::string spokesperson = trim(asked.spokesperson);
    LIAISON_RETURN_IF_ERROR(check_spokesperson(replica, spokesperson, *d.station));
    // The hub's record reaches the district only for a spokesperson the station has.
    LIAISON_ASSIGN_OR_RETURN(bool known, row_exists(replica, "spokesperson", spokesperson));
    if (hub && !known) return Status::invalid("err.unknown_spokesperson", spokesperson);
    d.spokesperson = spokesperson;
  }
  d.id = replica.new_id();
  d.created_at = replica.now_iso();
  LIAISON_ASSIGN_OR_RETURN(std::string secret, new_secret());
  LIAISON_ASSIGN_OR_RETURN(std::string hash, sha256_hex(secret));
  if (hub) {
    LIAISON_RETURN_IF_ERROR(
        write_hub_device(replica, {d.id, *d.station, *d.spokesperson, hash, d.created_at}));
  } else {
    LIAISON_RETURN_IF_ERROR(insert_device(replica, d, hash));
  }
  LIAISON_ASSIGN_OR_RETURN(std::optional<Device> stored, find_device(replica, d.id));
  if (!stored) return Status::internal("device not stored: " + d.id);
  return NewDevice{std::move(*stored), std::string(kTokenPrefix) + d.id + "." + secret};
}

Result<std::vector<Device>> list_devices(sync::Replica& replica) {
  return query(replica, "ORDER BY created_at, rowid", {});
}

Result<Device> revoke_device(sync::Replica& replica, const std::string& device_id) {
  std::string now = replica.now_iso();
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt up,
                           replica.db().prepare("UPDATE _device SET revoked_at = ? "
                                                "WHERE device_id = ? AND revoked_at IS NULL"));
  up.bind(1, now).bind(2, device_id);
  LIAISON_RETURN_IF_ERROR(up.run());
  LIAISON_ASSIGN_OR_RETURN(std::optional<Device> d, find_device(replica, device_id));
  if (!d) return Status::not_found("err.unknown_device", device_id);
  // A device provisioned at a station hub is revoked at the other end too, once this syncs.
  LIAISON_RETURN_IF_ERROR(note_hub_revocation(replica, device_id, *d->revoked_at));
  return std::move(*d);
}

Result<DeviceAccess> authenticate(sync::Replica& replica, std::string_view token) {
  if (token.size() != kTokenPrefix.size() + kUuidChars + 1 + kSecretChars ||
      token.substr(0, kTokenPrefix.size()) != kTokenPrefix ||
      token[kTokenPrefix.size() + kUuidChars] != '.')
    return refused(DeviceRefusal::kMalformed);
  std::optional<Uuid> id = Uuid::parse(token.substr(kTokenPrefix.size(), kUuidChars));
  std::string_view secret = token.substr(token.size() - kSecretChars);
  if (!id || secret.find_first_not_of(kBase32) != std::string_view::npos)
    return refused(DeviceRefusal::kMalformed);
  LIAISON_ASSIGN_OR_RETURN(std::string hash, sha256_hex(secret));
  LIAISON_ASSIGN_OR_RETURN(std::string stored, token_hash(replica, id->str()));
  if (stored.empty()) return refused(DeviceRefusal::kUnknown);
  if (stored.size() != hash.size() || CRYPTO_memcmp(stored.data(), hash.data(), hash.size()) != 0)
    return refused(DeviceRefusal::kWrongSecret);
  LIAISON_ASSIGN_OR_RETURN(std::optional<Device> d, find_device(replica, id->str()));
  if (!d) return refused(DeviceRefusal::kUnknown);
  if (d->revoked_at) return refused(DeviceRefusal::kRevoked);
  return allowed(std::move(*d));
}

Result<DeviceAccess> record_contact(sync::Replica& replica, const std::string& device_id,
                                    const Contact& contact) {
  if (contact.replica.is_nil()) return refused(DeviceRefusal::kMalformed);
  if (replica.db().in_transaction()) return contact_in_txn(replica, device_id, contact);
  Result<DeviceAccess> out = refused(DeviceRefusal::kMalformed);
  LIAISON_RETURN_IF_ERROR(replica.db().transaction([&]() -> Status {
    out = contact_in_txn(replica, device_id, contact);
    return out ? Status{} : out.status();
  }));
  // A station hub writes the contact into the device's hub_device record, for the district.
  if (out && out->ok())
    LIAISON_RETURN_IF_ERROR(note_hub_contact(replica, device_id, contact.replica));
  return out;
}

Result<std::optional<Device>> device_for_replica(sync::Replica& replica, const Uuid& replica_id) {
  LIAISON_ASSIGN_OR_RETURN(std::vector<Device> found,
                           query(replica,
                                 "WHERE replica_id = ? AND revoked_at IS NULL "
                                 "ORDER BY created_at, rowid LIMIT 1",
                                 replica_id.str()));
  if (found.empty()) return std::optional<Device>();
  return std::optional<Device>(std::move(found.front()));
}

Result<sync::DeviceScope> device_scope(const Device& device) {
  sync::DeviceScope scope;
  scope.role = device.role;
  scope.station_id = device.station.value_or("");
  scope.spokesperson_id = device.spokesperson.value_or("");
  if (device.replica) {
    std::optional<Uuid> id = Uuid::parse(*device.replica);
    if (!id) return Status::corruption("device replica id: " + *device.replica);
    scope.replica_id = *id;
  }
  return scope;
}

}  // namespace liaison::app
