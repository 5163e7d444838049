// One `liaison sync`: connects to the server (or a station hub), runs the client protocol
// (shared/sync/protocol_client.h), and retries with capped exponential backoff and jitter when
// the link drops or the server asks to retry; an attempt that made progress costs no retry.
// Every run is recorded in _sync_run.
// Not thread-safe; blocks the calling thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "shared/net/ws_client.h"
#include "shared/sync/protocol_client.h"

namespace liaison::service {

struct RetryPolicy {
  // Further attempts after attempts in a row that made no progress (sync::made_progress); an
  // attempt that made progress is followed by another, after `start`, whatever came before.
  int retries = 3;
  int max_attempts = 0;  // attempts in all, progress or not; 0: no limit, 1: a single try
  std::chrono::milliseconds start{1000};
  double multiplier = 2.0;
  std::chrono::milliseconds cap{30000};
  double jitter = 0.25;  // up to this fraction of each delay is taken off at random
};

struct SyncOptions {
  net::ClientOptions net;  // url, timeouts, TLS
  std::string token;
  RetryPolicy retry;
};

struct SyncProgress {
  int attempt = 0;
  uint64_t pushed = 0, pulled = 0;
  uint64_t bytes_sent = 0, bytes_received = 0;
};

struct SyncResult {
  sync::SyncSummary summary;  // totals over all attempts
  int attempts = 0;
  uint64_t bytes_sent = 0, bytes_received = 0;
  uint64_t tcp_bytes_sent = 0, tcp_bytes_received = 0;  // on the wire (net::ClientStats)
};

// The bookkeeping of one exchange in _sync_run (`liaison status`): a row when it starts, then
// its totals and result ("ok", or an error code) when it ends. Sync bundles record theirs too,
// with clock_known false: an exchange by file says nothing about the clocks.
Result<int64_t> begin_sync_run(sync::Replica& replica, const std::string& server);
Status end_sync_run(sync::Replica& replica, int64_t id, const sync::SyncSummary& summary,
                    const std::string& result, bool clock_known = true);

// The delay before retry number attempt (1-based), with jitter drawn from random.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt, Random& random);

// Syncs until done or out of retries: an attempt that ends early without progress uses up a
// retry, and the next waits backoff_delay(its number in the run of such attempts); one that made
// progress (the server acknowledged a PUSH, changes were applied here, chunks of content were
// stored on either side) uses none and the next waits backoff_delay(1). So the sync gives up
// after retries + 1 attempts in a row that moved nothing (or after max_attempts). A fatal protocol error (bad token,
// revoked, versions) is returned at once with its code as the Status key; a transport failure
// after the last retry as Code::kIo err.sync_failed. progress, when set, is called after each
// message.
Result<SyncResult> sync_with_server(sync::Replica& replica, const SyncOptions& options,
                                    const std::function<void(const SyncProgress&)>& progress = {});

}  // namespace liaison::service
