#include "shared/app/device_keys.h"

#include "shared/app/tables.h"
#include "shared/sync/blob_store.h"

namespace liaison::app {

namespace {

constexpr std::string_view kTokenPrefix = "lt1.";
constexpr size_t kUuidChars = 36;
constexpr size_t kSecretChars = 32;  // 20 random bytes in base32 (devices.h)

}  // namespace

Result<TokenKey> token_key(std::string_view token) {
  bool shaped = token.size() == kTokenPrefix.size() + kUuidChars + 1 + kSecretChars &&
                token.substr(0, kTokenPrefix.size()) == kTokenPrefix &&
                token[kTokenPrefix.size() + kUuidChars] == '.';
  if (!shaped) return Status::invalid("err.bundle.bad_token");
  std::string_view device = token.substr(kTokenPrefix.size(), kUuidChars);
  if (!is_uuid_text(device)) return Status::invalid("err.bundle.bad_token");
  std::string_view secret = token.substr(token.size() - kSecretChars);
  return TokenKey{std::string(device), sync::sha256_hex(secret)};
}

Result<std::optional<DeviceKey>> find_device_key(sync::Replica& replica,
                                                 const std::string& device_id) {
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt q,
      replica.db().prepare("SELECT token_hash, role, station_id, spokesperson_id, replica_id, "
                           "revoked_at IS NOT NULL FROM _device WHERE device_id = ?"));
  q.bind(1, device_id);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (!found) return std::optional<DeviceKey>();
  DeviceKey d;
  d.device = device_id;
  d.key = q.column_text(0);
  std::optional<sync::Role> role = sync::parse_role(q.column_text(1));
  if (!role) return Status::corruption("device role: " + q.column_text(1));
  d.role = *role;
  d.station = opt_text(q, 2).value_or("");
  d.spokesperson = opt_text(q, 3).value_or("");
  d.replica = opt_text(q, 4);
  d.revoked = q.column_int(5) != 0;
  return std::optional<DeviceKey>(std::move(d));
}

}  // namespace liaison::app
