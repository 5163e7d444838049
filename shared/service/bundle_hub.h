// The importing side of sync bundles (docs/protocol.md, "Bundles"): the district server for any
// device it provisioned, and a station for its spokesperson devices, with the same code.
// import_request() verifies a request bundle against the device's entry in this replica's
// _device table, then runs the server protocol (shared/sync/protocol_server.h) in process with
// the frames the device would have sent live: the same authorization, scope guards and filters
// (device_access.h), the same idempotency (a change already held is a duplicate) and the same
// acknowledged watermarks. The answer bundle holds what the device has not seen.
//
// Not thread-safe (see Replica). REQUIRES: nothing else writes the replica meanwhile in this
// process (another process may: SQLite serializes the transactions).
#pragma once

#include <cstdint>
#include <string>

#include "shared/service/bundle_files.h"
#include "shared/sync/replica.h"
#include "shared/util/env.h"

namespace liaison::service {

struct HubImport {
  std::string device;      // the device that made the request
  uint64_t pushed = 0;     // changes applied here (or kept waiting for their row), as in DONE
  uint64_t refused = 0;    // changes refused, listed in the answer
  uint64_t pulled = 0;     // changes in the answer
  uint64_t answer_bytes = 0;
  bool complete = true;    // false: the answer was full; the next round brings the rest
};

// Imports the request bundle at request_path and writes the answer to answer_path, which must
// not exist. Refused with nothing changed: AlreadyExists err.file_exists (the answer file
// exists), the errors of sync::decode_request (an answer is err.bundle.not_request),
// err.bundle.unknown_device, err.bundle.revoked, err.bundle.replica_mismatch (the device is
// bound to another replica), err.bundle.schema_too_new / err.bundle.schema_too_old. A failure
// of the protocol after the start is err.bundle.session (changesets applied before it stay
// applied). When the answer cannot be written: Io err.bundle.answer_not_written; the import is
// done, and running it again (which applies nothing twice) writes the answer.
// clock: for the protocol's WELCOME (default: the system clock).
Result<HubImport> import_request(sync::Replica& replica, const std::string& request_path,
                                 const std::string& answer_path, const BundleOptions& options = {},
                                 Clock* clock = nullptr);

}  // namespace liaison::service
