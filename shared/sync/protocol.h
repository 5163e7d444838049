// What the two protocol state machines (protocol_server.h, protocol_client.h) share: their
// output, the error codes of docs/protocol.md, and the batch limits. No I/O here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shared/sync/change_feed.h"
#include "shared/sync/replica.h"
#include "shared/wire/changeset.h"
#include "shared/wire/messages.h"

namespace liaison::sync {

// Frames to send, in order, and whether to close the connection after them.
struct ProtocolOutput {
  std::vector<std::string> frames;
  bool close = false;
  uint16_t close_code = 1000;  // 1000 normal, 1008 policy (refused), 1011 server error
  std::string close_reason;    // the error code, so a peer that only sees the close knows why
};

// A received frame after the first, stateless stage of a state machine's on_frame: the message
// and, when it carries the changeset a receiver applies (a PUSH at the server, a CHANGES at the
// device), that changeset decoded, its bytes dropped from the message. The stage reads no
// session state, so a transport may run it on the thread that read the frame while the
// session's database work on the frame before goes on (shared/net/handler.h). Errors wait in it
// to be answered in turn, exactly as on_frame would have answered them.
struct ReceivedFrame {
  Result<wire::Message> message = Status::internal("no frame decoded");
  Result<wire::Changeset> changeset = wire::Changeset{};
};

// That stage for a receiver that applies the changesets of messages of type Carrier (wire::Push
// or wire::Changes): frames of at most max_frame bytes, changesets within changeset_limits.
template <class Carrier>
ReceivedFrame decode_frame(std::string_view frame, size_t max_frame,
                           const wire::Limits& changeset_limits) {
  wire::MessageLimits message_limits;
  message_limits.max_frame = max_frame;
  ReceivedFrame r;
  r.message = wire::decode_message(frame, message_limits);
  if (!r.message) return r;
  if (auto* carrier = std::get_if<Carrier>(&r.message.value())) {
    r.changeset = wire::decode(carrier->changeset, changeset_limits);
    carrier->changeset = std::string();
  }
  return r;
}

struct BatchLimits {
  size_t changes = 2000;                  // per PUSH or CHANGES
  size_t bytes = size_t{4} << 20;         // encoded changeset, checked by the receiver
  size_t frame = size_t{8} << 20;         // one WebSocket frame
  // Batches a sender keeps unconfirmed (PUSH awaiting ACK, CHANGES awaiting PULLED), so that
  // one side builds the next batch while the other applies the last.
  size_t window = 3;
  // Attachment chunks the device keeps in flight each way (BLOB_CHUNK awaiting its BLOB_STATE,
  // BLOB_FETCH awaiting its chunk), so that a round trip per chunk does not idle the link:
  // 4 × 32 KiB cover a 500 ms round trip up to about 2 Mbit/s.
  size_t chunks = 4;
};

// The error codes of docs/protocol.md and whether the device should retry.
namespace errc {
constexpr const char* kBadMessage = "bad_message";
constexpr const char* kProtocolVersion = "protocol_version";
constexpr const char* kSchemaTooNew = "schema_too_new";
constexpr const char* kClientTooOld = "client_too_old";
constexpr const char* kAuthFailed = "auth_failed";
constexpr const char* kRevoked = "revoked";
constexpr const char* kReplicaMismatch = "replica_mismatch";
constexpr const char* kReplicaRewound = "replica_rewound";
constexpr const char* kTooBig = "too_big";
constexpr const char* kShuttingDown = "shutting_down";
constexpr const char* kInternal = "internal";
}  // namespace errc

// "retry" for errors a later attempt may overcome, "fatal" for the others.
const char* error_action(const std::string& code);

// An ERROR message and the close that follows it.
ProtocolOutput error_output(const std::string& code, const std::string& message);

// A version vector as message entries and back.
wire::VectorEntries to_entries(const VersionVector& vv);
VersionVector from_entries(const wire::VectorEntries& entries);
// What replica has of every origin in asked and of device (the device's own replica), as
// WELCOME's known lists it: origins replica has never heard of are left out.
wire::VectorEntries known_entries(Replica& replica, const VersionVector& asked,
                                  const Uuid& device);
// Raises into each origin's entry to the end of the changeset's range for it.
void merge_ranges(VersionVector& vv, const wire::Changeset& cs);
// The next batch of a feed for a PUSH, a CHANGES or a bundle: at most limits.changes changes,
// with a quarter of limits.bytes left for what the feed's size estimate misses.
Result<wire::Changeset> next_batch(ChangeFeed& feed, const BatchLimits& limits);

}  // namespace liaison::sync
