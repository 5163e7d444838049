// The device side of sync bundles (docs/protocol.md, "Bundles"): `liaison bundle export` writes
// a request bundle of what the server has not acknowledged, planned and cut into changesets as a
// live sync's pushes are (shared/sync/protocol_client.h); `liaison bundle import` applies the
// server's answer as the client protocol applies a live sync's answers: what the server holds
// raises _server_known (never lowers it), refusals go to _server_refused, changesets are applied
// one transaction each, and the exchange is recorded in _sync_run. Importing an answer again
// applies nothing. Bundles are signed with the key of the device's token (app/device_keys.h).
//
// Not thread-safe (see Replica).
#pragma once

#include <cstdint>
#include <string>

#include "shared/service/bundle_files.h"
#include "shared/sync/protocol_client.h"

namespace liaison::service {

struct ExportedBundle {
  uint64_t records = 0;  // changes in the bundle
  uint64_t bytes = 0;    // the file's size
  uint64_t blobs = 0;    // attachment contents in the bundle
  bool complete = true;  // false: more than fits one bundle; export again after the answer
};

// Writes the request bundle to out_path, which must not exist (AlreadyExists err.file_exists).
// Changes nothing in the replica. err.bundle.no_token when the device has no token,
// err.bundle.bad_token when it is malformed, file errors of app/files.h.
Result<ExportedBundle> export_bundle(sync::Replica& replica, const std::string& out_path,
                                     const BundleOptions& options = {});

struct ImportedAnswer {
  // pushed and refused as the server reported them; pulled and conflicts here.
  sync::SyncSummary summary;
  bool complete = true;  // false: the server had more than one answer holds
};

// Verifies and applies an answer bundle made for this replica and device. Refused with nothing
// changed: the errors of sync::decode_answer (a request is err.bundle.not_answer),
// err.bundle.wrong_device (an answer for another device or replica), err.bundle.schema_too_new,
// err.sync.replica_rewound (the server holds more of this replica's changes than it has: the file
// was restored from an older copy). A changeset that fails to apply stops the import; the ones
// before it stay applied, and importing the answer again completes it.
Result<ImportedAnswer> import_answer(sync::Replica& replica, const std::string& path,
                                     const BundleOptions& options = {});

}  // namespace liaison::service
