// The keys that sign sync bundles (shared/sync/bundle.h; docs/protocol.md, "Bundles"). A bundle
// is signed with the device token's stored hash: the hex SHA-256 of the token's secret, which
// the device computes from its token and the replica that provisioned it keeps in _device. So a
// bundle proves its device without the token ever being stored where it is checked.
// Not thread-safe (see Replica); token_key() is a pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

// A device's side of the key, from its token "lt1.<device>.<secret>".
struct TokenKey {
  std::string device;  // the device id
  std::string key;     // hex SHA-256 of the secret
};
// InvalidArgument err.bundle.bad_token for anything that is not a token of that format.
Result<TokenKey> token_key(std::string_view token);

// A provisioned device as a bundle's importer sees it: who it is, its key, whether it may sync.
struct DeviceKey {
  std::string device, key;
  sync::Role role = sync::Role::kStation;
  std::string station, spokesperson;
  std::optional<std::string> replica;  // bound at its first sync
  bool revoked = false;
};
// The device of this replica's _device table with that id, or nullopt when there is none.
// Corruption for a row whose role is not one of the three.
Result<std::optional<DeviceKey>> find_device_key(sync::Replica& replica,
                                                 const std::string& device_id);

}  // namespace liaison::app
