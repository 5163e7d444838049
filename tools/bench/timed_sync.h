// One sync of a device with a server through the real client (service::sync_with_server), timed,
// with what crossed the wire and when each message of the server arrived. Thread-safe for
// different replicas (see Replica).
#pragma once

#include <string>
#include <vector>

#include "shared/service/sync_client.h"
#include "shared/sync/replica.h"

namespace liaison::bench {

struct TimedSync {
  double seconds = 0;            // the whole call: connect, handshake, push, pull, close
  service::SyncResult result;    // summary, payload and TCP bytes
  std::vector<double> arrivals;  // seconds from the start at which each server message arrived
};

// Syncs replica once with the server at url (no retry: a failure is returned as it is).
Result<TimedSync> timed_sync(sync::Replica& replica, const std::string& url,
                             const std::string& token);

// The time each server message took to arrive after the previous one (the first: after the
// start), in seconds: in the push and pull phases, one batch's round trip each.
std::vector<double> gaps(const std::vector<double>& arrivals);

}  // namespace liaison::bench
