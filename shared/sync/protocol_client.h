// The device side of the sync protocol (docs/protocol.md) as a state machine with no I/O: it
// says HELLO, pushes what the server has not acknowledged in batches (one in flight), pulls
// what it has not seen, and records what the server acknowledged and refused, so that a sync
// cut at any point resumes without sending anything acknowledged again.
//
// Not thread-safe: one instance per sync, on the thread that owns the replica.
#pragma once

#include <string>
#include <vector>

#include "shared/sync/protocol.h"
#include "shared/sync/replica.h"
#include "shared/util/env.h"

namespace liaison::sync {

struct SyncSummary {
  uint64_t pushed = 0;     // changes the server applied (or kept waiting for their row)
  uint64_t pulled = 0;     // changes received and applied here
  uint64_t refused = 0;    // changes the server refused (kept in _server_refused)
  uint64_t conflicts = 0;  // conflict-log entries written here while pulling
  int64_t clock_skew_ms = 0;  // this device's clock minus the server's
  bool done = false;
};

class ClientProtocol {
 public:
  ClientProtocol(Replica& replica, std::string token, Clock& clock, BatchLimits limits = {});

  // The first frame (HELLO).
  ProtocolOutput start();
  ProtocolOutput on_frame(const std::string& frame);

  const SyncSummary& summary() const { return summary_; }
  // Set when the session ended in an error: from the server (key = its code) or here.
  const Status& error() const { return error_; }
  bool finished() const { return state_ == State::kFinished; }

 private:
  enum class State { kWelcome, kPushing, kPulling, kFinished };

  ProtocolOutput on_welcome(const wire::Welcome& m);
  ProtocolOutput on_ack(const wire::Ack& m);
  ProtocolOutput on_changes(wire::Changes& m);
  ProtocolOutput push_next();
  ProtocolOutput fail(const std::string& code, const std::string& message);
  Status store_known();

  Replica& replica_;
  std::string token_;
  Clock& clock_;
  BatchLimits limits_;
  State state_ = State::kWelcome;
  VersionVector known_;         // what the server has, from WELCOME and every ACK
  wire::Changeset in_flight_;   // the PUSH awaiting its ACK (its ranges)
  uint64_t batch_ = 0;
  SyncSummary summary_;
  Status error_;
};

// What the server has acknowledged, as stored by the last sync (empty before the first).
Result<VersionVector> server_known(Replica& replica);
// Local changes the server has not acknowledged yet.
Result<uint64_t> unacknowledged_changes(Replica& replica);

}  // namespace liaison::sync
