// What both sides of sync bundles share (bundle_device.h, bundle_hub.h): reading a bundle file
// within the limits, the name an exchange by bundle is recorded under, this program's schema.
// Thread-safe: no state.
#pragma once

#include <cstdint>
#include <string>

#include "shared/sync/bundle.h"
#include "shared/util/status.h"

namespace liaison::service {

// The options of both sides; tests lower the limits.
struct BundleOptions {
  sync::BundleLimits limits;
  size_t batch_changes = 2000;            // changes per changeset (sync::BatchLimits)
  size_t batch_bytes = size_t{4} << 20;   // bytes per changeset
};

// The file's bytes: err.file_missing, err.file, or err.bundle.too_big over limits.max_bytes.
Result<std::string> read_bundle_file(const std::string& path, const sync::BundleLimits& limits);
// "bundle:<file name>": where an exchange by bundle came from, for _sync_run and `device list`.
std::string bundle_source(const std::string& path);
// The newest schema migration this program knows (what HELLO carries).
uint32_t our_schema();

// The peer name under which a device remembers what the server answered about attachment
// content it sent by bundle (sync::BlobStore::mark_peer), so that it is not sent again.
inline constexpr const char* kBundlePeer = "bundle:server";

}  // namespace liaison::service
