// Compaction of the change log by acknowledged watermarks (docs/design.md, "Compaction"): the
// log entries every live device (provisioned and not revoked) has confirmed having are removed.
// A device that has not synced for a long time holds them back until it syncs or is revoked;
// a device that never synced does not, since its first sync is a snapshot of the rows.
#pragma once

#include <cstdint>

#include "shared/app/output.h"
#include "shared/sync/replica.h"

namespace liaison::app {

struct Compaction {
  uint64_t removed = 0;  // log entries removed now
  int64_t kept = 0;      // log entries left
  int64_t devices = 0;   // live devices whose acknowledged vectors set the floor
};

Result<Compaction> compact_change_log(sync::Replica& replica);
void print_compaction(Output& out, const Compaction& c);

}  // namespace liaison::app
