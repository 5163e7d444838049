// Changeset files: how replicas exchange changes without a network, unsigned and outside any
// session (the demo; devices use the signed sync bundles of shared/service/bundle_device.h). A
// file holds wire::encode() of one changeset (format in docs/changeset.md); a version vector
// file holds the JSON of json.h. Not thread-safe (see Replica).
#pragma once

#include <optional>
#include <string>

#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

// Writes every change this replica has that the version vector in since_path (all changes when
// nullopt) has not seen, atomically to out_path; returns how many changes were written. At most
// wire::Limits::max_changes go in one file; an export from the receiver's new vector continues.
// err.bad_vector for a malformed vector file, file errors from files.h.
Result<size_t> export_changes(sync::Replica& replica, const std::string& out_path,
                              const std::optional<std::string>& since_path);

// Reads, decodes and applies a changeset file: all or nothing (see Replica::apply). Corruption
// or LimitExceeded for a damaged file.
Result<sync::ApplyStats> import_changes(sync::Replica& replica, const std::string& path);

}  // namespace liaison::app
