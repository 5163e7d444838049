// Printing devices: the JSON shapes of `device add|list|revoke` with --json, otherwise tables
// and labelled lines for people, every word from the message catalogue. Not thread-safe.
#pragma once

#include <vector>

#include "shared/app/devices.h"
#include "shared/app/json.h"
#include "shared/app/output.h"

namespace liaison::app {

// {device, role, station, spokesperson, replica, created_at, revoked_at, last_seen_at,
//  last_address, clock_skew_ms, syncs, provisioned_by}; absent values are null.
Json to_json(const Device& device);

// {device, ..., "token": ...}: the device object with its token, which is shown only here.
void print_new_device(Output& out, const NewDevice& added);
void print_device_list(Output& out, const std::vector<Device>& devices);
// After a revocation: the device object, or a message and its fields.
void print_revoked_device(Output& out, const Device& device);

}  // namespace liaison::app
