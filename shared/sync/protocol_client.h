// The device side of the sync protocol (docs/protocol.md) as a state machine with no I/O: it
// says HELLO, pushes what the server has not acknowledged in batches (a window of them in
// flight, so that the next is built while the server applies the last), pulls
// what it has not seen, and records what the server acknowledged and refused, so that a sync
// cut at any point resumes without sending anything acknowledged again. Attachment content
// goes up after the pushes and comes down after the pull, a window of chunks in flight
// (ClientBlobs, blob_transfer.h), resuming from the last chunk the other side holds.
//
// Not thread-safe: one instance per sync, on the thread that owns the replica.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/sync/blob_transfer.h"
#include "shared/sync/change_feed.h"
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
  uint64_t blobs_sent = 0;      // attachment contents the server completed from this device
  uint64_t blobs_received = 0;  // attachment contents completed here
  uint64_t acks = 0;             // PUSH batches the server acknowledged
  uint64_t chunks_sent = 0;      // attachment chunks the server acknowledged storing
  uint64_t chunks_received = 0;  // attachment chunks stored here
  bool done = false;
};

// True when a session moved the sync forward for good, so that the next session has less to do:
// the server acknowledged a PUSH, changes were applied here, or a chunk of attachment content
// was stored on either side. (WELCOME, an empty CHANGES or a chunk cut in transit are not.)
bool made_progress(const SyncSummary& s);

class ClientProtocol {
 public:
  ClientProtocol(Replica& replica, std::string token, Clock& clock, BatchLimits limits = {});

  // The first frame (HELLO).
  ProtocolOutput start();
  // on_frame in its two stages: decode() reads no state and may run on any thread (with the
  // limits this instance was given); on_received() does the rest, in the order frames arrived.
  static ReceivedFrame decode(std::string_view frame, const BatchLimits& limits);
  ProtocolOutput on_received(ReceivedFrame frame);
  ProtocolOutput on_frame(std::string_view frame) { return on_received(decode(frame, limits_)); }

  const SyncSummary& summary() const { return summary_; }
  // Set when the session ended in an error: from the server (key = its code) or here.
  const Status& error() const { return error_; }
  bool finished() const { return state_ == State::kFinished; }

 private:
  // kUploading: attachment content after the pushes; kFetching: after the pull; kEnding: END
  // sent, DONE awaited.
  enum class State { kWelcome, kPushing, kUploading, kPulling, kFetching, kEnding, kFinished };

  ProtocolOutput on_welcome(const wire::Welcome& m);
  ProtocolOutput on_ack(const wire::Ack& m);
  ProtocolOutput on_changes(const wire::Changes& m, Result<wire::Changeset> cs);
  // Sends PUSH batches until the window is full; once the feed is exhausted, what follows the
  // pushes (attachment content or PULL) goes right after them.
  ProtocolOutput push_more();
  // Attachment content (blob_transfer.h): the next upload messages, else PULL once nothing is
  // in flight; the next fetches, else END once nothing is in flight.
  ProtocolOutput upload_next();
  ProtocolOutput fetch_next();
  ProtocolOutput on_blob_status(const Status& s, bool fetching);
  ProtocolOutput fail(const std::string& code, const std::string& message);
  Status store_known();

  Replica& replica_;
  std::string token_;
  Clock& clock_;
  BatchLimits limits_;
  State state_ = State::kWelcome;
  VersionVector known_;         // what the server has, from WELCOME and every ACK
  VersionVector stored_;        // known_ as last written to _server_known
  // The PUSH batches awaiting their ACK, oldest first (their ranges only).
  std::deque<wire::Changeset> in_flight_;
  bool pull_end_due_ = false;   // the last CHANGES arrived; PULL_END still to come
  std::unique_ptr<ChangeFeed> feed_;  // what the server lacks, planned at WELCOME
  uint64_t batch_ = 0;
  SyncSummary summary_;
  Status error_;
  ClientBlobs blobs_;
};

// What the server has acknowledged, as stored by the last sync (empty before the first).
Result<VersionVector> server_known(Replica& replica);

// What a device does with the server's answers, for ClientProtocol and for answer bundles
// (shared/service/bundle_device.h), which apply the same answers from a file.
//
// Raises _server_known to known (entries never go down). stored, when given, holds what was
// written last: entries at or below it are skipped, and it is raised with what is written.
Status store_server_known(Replica& replica, const VersionVector& known,
                          VersionVector* stored = nullptr);
// Records changes the server refused in _server_refused, each (origin, sequence, reason) once:
// the same refusal reported again is not repeated. Opens no transaction of its own.
Status store_server_refusals(Replica& replica, const std::vector<wire::Refusal>& refused);
// When the server holds more of this replica's own changes than it has made (known names them),
// the file was restored from an older copy: the explanation, else nullopt.
std::optional<std::string> rewound(Replica& replica, const VersionVector& known);
struct PulledStats {
  uint64_t pulled = 0;     // changes applied (not seen before)
  uint64_t conflicts = 0;  // conflict-log entries written
};
// Applies a changeset the server sent (the server checked it against this device's scope; the
// merge rules still apply) and merges its ranges into known: the server holds what it sends.
Result<PulledStats> apply_from_server(Replica& replica, wire::Changeset cs, VersionVector& known);
// Local changes the server has not acknowledged yet.
Result<uint64_t> unacknowledged_changes(Replica& replica);

}  // namespace liaison::sync
