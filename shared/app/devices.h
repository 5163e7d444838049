// The devices a district server lets sync with it: provisioning with a token that is shown once,
// authentication of that token on every connection, the binding of a device to the replica it
// runs, the contact bookkeeping `device list` shows, and revocation. Rows live in _device
// (schema/0002_devices.sql), which is not a synced table: plain SQL on Replica::db(). Every call
// reads the row afresh, so a revocation takes effect on the device's next message. Not
// thread-safe (see Replica).
//
// Token: "lt1.<device_id>.<secret>", where device_id is a UUIDv7 in text form and secret is 20
// random bytes from OpenSSL (160 bits) as 32 lowercase RFC 4648 base32 characters. Only the hex
// SHA-256 of the secret's text is stored, so the token cannot be shown again; a lost token means
// revoking the device and provisioning a new one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/app/model.h"
#include "shared/sync/replica.h"
#include "shared/sync/scope.h"
#include "shared/util/status.h"
#include "shared/util/uuid.h"

namespace liaison::app {

struct Device {
  std::string id, created_at;
  sync::Role role = sync::Role::kStation;
  OptText station, spokesperson, replica, revoked_at, last_seen_at, last_address, provisioned_by;
  std::optional<int64_t> clock_skew_ms;
  int64_t syncs = 0;
};

// Inputs as typed; empty strings mean "not given". An empty role means spokesperson when a
// spokesperson is given, else station.
struct DeviceInput {
  std::string role, station, spokesperson;
};

struct NewDevice {
  Device device;
  std::string token;  // shown once; nowhere stored
};

// Provisions a device on the district replica. A station device needs a station of the station
// table; a spokesperson device a station and a spokesperson (which, when this replica knows it,
// must belong to that station); a district device neither. Errors, all changing nothing:
// InvalidArgument err.bad_role, err.device_station, err.unknown_station, err.device_spokesperson,
// err.device_spokesperson_only, err.device_district_station, err.spokesperson_station,
// err.bad_id; PermissionDenied err.devices_district_only on a replica that is not the district's.
Result<NewDevice> add_device(sync::Replica& replica, const DeviceInput& in);

// Every device, oldest first.
Result<std::vector<Device>> list_devices(sync::Replica& replica);

// Revokes a device and returns it; revoking it again keeps the first revocation time.
// NotFound err.unknown_device.
Result<Device> revoke_device(sync::Replica& replica, const std::string& device_id);

// Why a device may not sync. Names (device_refusal_name) are stable English words.
enum class DeviceRefusal {
  kMalformed,     // not a token of this format (or, for record_contact, a nil replica id)
  kUnknown,       // no such device
  kWrongSecret,   // the device exists but the secret does not match
  kRevoked,       // the device was revoked
  kOtherReplica,  // the device is bound to another replica: a copied token
  kReplicaTaken,  // the replica is bound to another device that is not revoked, or is this one
};
const char* device_refusal_name(DeviceRefusal refusal);

struct DeviceAccess {
  std::optional<Device> device;  // set when the device may sync
  DeviceRefusal refusal = DeviceRefusal::kMalformed;  // why not, when device is empty
  bool ok() const { return device.has_value(); }
};

// Checks a token: the device when it is well-formed, known, matches (compared in constant time)
// and is not revoked; else the refusal. A Status only when the database fails.
Result<DeviceAccess> authenticate(sync::Replica& replica, std::string_view token);

struct Contact {
  Uuid replica;                         // the replica the device says it runs
  std::string address;                  // the peer's address, for people reading `device list`
  std::optional<int64_t> clock_skew_ms; // peer clock minus ours; nullopt keeps the last one
};

// Records one sync session of an authenticated device: binds contact.replica on its first
// contact, refuses another replica later (kOtherReplica) and a replica that another active
// device (or this server) already is (kReplicaTaken); updates last_seen_at, last_address,
// clock_skew_ms and counts the session. Refusals change nothing. Runs in its own transaction
// unless one is open; then, on a station hub, also writes the contact into the device's
// hub_device record (hub_devices.h note_hub_contact).
Result<DeviceAccess> record_contact(sync::Replica& replica, const std::string& device_id,
                                    const Contact& contact);

// The device that is not revoked and is bound to replica_id, if any: to attribute changes that
// a hub relays for other replicas.
Result<std::optional<Device>> device_for_replica(sync::Replica& replica, const Uuid& replica_id);

// The device's scope for shared/sync/scope.h; Corruption when its bound replica id is malformed.
Result<sync::DeviceScope> device_scope(const Device& device);

}  // namespace liaison::app
