// Spokesperson devices provisioned at a station hub (schema/0006_hub_devices.sql): the station
// writes a hub_device record for each, which reaches the district like any station record, and
// the schema's triggers keep every replica's _device registry in step with those records. So a
// device provisioned at its station syncs with the hub and with the district with one token, the
// district knows the replica it runs (and checks what the station relays for it against the
// spokesperson's scope), and a revocation made at either end reaches the other.
#pragma once

#include <string>

#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

struct HubDevice {
  std::string id, station, spokesperson, token_hash, created_at;
};

// Writes the hub_device record of a device provisioned on this station replica (through change
// capture; the trigger adds it to _device).
Status write_hub_device(sync::Replica& replica, const HubDevice& device);

// Whether device_id has a hub_device record here.
Result<bool> is_hub_device(sync::Replica& replica, const std::string& device_id);

// Records a revocation in the device's hub_device record, so that it reaches the other end.
// Nothing when the device has no such record, or when it already says revoked.
Status note_hub_revocation(sync::Replica& replica, const std::string& device_id,
                           const std::string& at);

// On a station hub, after a device's contact is recorded: writes the replica it runs (on its
// first contact) and the time of the contact into its hub_device record. Nothing on other
// replicas or for devices without such a record.
Status note_hub_contact(sync::Replica& replica, const std::string& device_id,
                        const Uuid& device_replica);

}  // namespace liaison::app
