#include "shared/service/bundle_files.h"

#include <filesystem>

#include "shared/app/files.h"
#include "shared/storage/migrations.h"

namespace liaison::service {

Result<std::string> read_bundle_file(const std::string& path, const sync::BundleLimits& limits) {
  Result<std::string> bytes = app::read_file(path, limits.max_bytes);
  if (!bytes && bytes.status().code() == Code::kLimitExceeded)
    return Status(Code::kLimitExceeded, "err.bundle.too_big", bytes.status().detail());
  return bytes;
}

std::string bundle_source(const std::string& path) {
  return "bundle:" + std::filesystem::path(path).filename().string();
}

uint32_t our_schema() {
  return static_cast<uint32_t>(storage::latest_version(storage::embedded_migrations()));
}

}  // namespace liaison::service
