// Acknowledged watermarks: what each peer of this replica (a device that syncs with it) has
// confirmed having, kept in _peer_vv, and the floor below which every live peer has everything,
// up to which the change log may be compacted (Replica::compact). Never by age: a peer that has
// been away for a year holds the floor where it left it until it syncs again or is revoked.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shared/sync/replica.h"

namespace liaison::sync {

// Raises the stored vector of peer to include vv (entries never go down).
Status record_peer_vector(Replica& replica, const std::string& peer, const VersionVector& vv);
// The stored vector of peer; nullopt when it never synced.
Result<std::optional<VersionVector>> peer_vector(Replica& replica, const std::string& peer);
// Per origin the lowest entry over peers that have a stored vector (a peer lacking an origin
// counts as 0 for it); peers that never synced do not count (their first sync is a snapshot).
// Origins the replica holds are all present in the result.
Result<VersionVector> acknowledged_floor(Replica& replica, const std::vector<std::string>& peers);

}  // namespace liaison::sync
