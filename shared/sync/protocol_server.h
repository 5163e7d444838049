// The server side of the sync protocol (docs/protocol.md) as a state machine with no I/O: one
// instance per connection, fed one frame at a time, answering with frames to send. The district
// server and the station hub both run it; shared/net carries its frames. It authenticates the
// device on HELLO, applies each PUSH through the guard for the device the changes are
// attributed to, and answers PULL with what the device has not seen, filtered to its scope.
// Attachment content offered before PULL and fetched after the last PULLED is handled by
// ServerBlobs (blob_transfer.h), within the same scope.
//
// Not thread-safe: all calls for one connection (and every use of its replica) happen on the
// server's database thread.
#pragma once

#include <deque>
#include <functional>
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

// An authenticated device.
struct Principal {
  std::string device_id;
  Role role = Role::kStation;
  std::string station_id, spokesperson_id;
  Uuid replica_id;
};

// How the origins in this replica's log relate to one device (docs/protocol.md, "Origins").
struct OriginRules {
  // Whether the device's pushes may carry changes and ranges of an origin other than its own
  // replica (a station relaying its spokesperson devices). Empty: any origin.
  ChangeFeed::OriginTest may_carry;
  // Origins none of whose changes the device may see (another station's devices): never read
  // for it, never announced to it. Empty: none.
  ChangeFeed::OriginTest hidden;
};

// One event of a session for the district's audit log (docs/protocol.md, "Audit log"), as
// ServerProtocol reports it to Authenticator::note().
struct AuditEvent {
  enum class Kind { kSession, kPush, kPull, kEnd, kError };
  // The range (from, to] of an origin that a PUSH covered.
  struct Range {
    Uuid origin;
    uint64_t from = 0, to = 0;
  };
  Kind kind = Kind::kSession;
  std::string device_id;  // empty while no device is authenticated (a refused HELLO)
  Uuid replica;           // the device's replica (from HELLO); nil before HELLO
  std::string address;    // the peer's address, or "bundle:<file>"
  int64_t skew_ms = 0;    // kSession: the device's clock minus the server's
  // kPush: changes applied; kPull: changes sent in the session; kEnd: applied in the session.
  uint64_t count = 0;
  uint64_t duplicates = 0;        // kPush
  uint64_t refused = 0;           // kPush, kEnd
  std::vector<Range> ranges;      // kPush
  std::vector<Refusal> refusals;  // kPush: each change refused
  std::string code, message;      // kError
};

// Device registry operations the protocol needs (implemented over the _device table).
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Checks a token presented by replica, records the contact (address, clock skew) and binds
  // the replica on first contact. On failure the Status key is a protocol error code
  // (auth_failed, revoked, replica_mismatch).
  virtual Result<Principal> authenticate(const std::string& token, const Uuid& replica,
                                         const std::string& address, int64_t skew_ms) = 0;
  // False once the device is revoked (checked on every message).
  virtual bool still_valid(const std::string& device_id) = 0;
  // The origin rules for an authenticated device (read once per session).
  virtual Result<OriginRules> origin_rules(const Principal&) { return OriginRules{}; }
  // Records an event of a session (the audit log); called after the message's own writes have
  // committed, never inside them. Must not fail the session: nothing is returned.
  virtual void note(const AuditEvent&) {}
};

// The guard for changes pushed by a device, and the filter for rows sent to it.
using GuardFactory = std::function<ChangeGuard(const Principal&)>;
using FilterFactory = std::function<RowFilter(const Principal&)>;

class ServerProtocol {
 public:
  ServerProtocol(Replica& replica, Authenticator& auth, GuardFactory guards,
                 FilterFactory filters, Clock& clock, std::string peer_address,
                 BatchLimits limits = {});

  // on_frame in its two stages: decode() reads no state and may run on any thread (with the
  // limits this instance was given); on_received() does the rest, in the order frames arrived.
  static ReceivedFrame decode(std::string_view frame, const BatchLimits& limits);
  ProtocolOutput on_received(ReceivedFrame frame);
  ProtocolOutput on_frame(std::string_view frame) { return on_received(decode(frame, limits_)); }
  // Starts the session of a device authenticated by other means (the proof of a sync bundle,
  // shared/service/bundle_hub.h) as HELLO would: the same version checks, then WELCOME or
  // ERROR. hello.token is ignored; the caller has checked the device and recorded its contact.
  // Only as the first step of a session: later, it ends the session with bad_message.
  ProtocolOutput start_authenticated(const Principal& device, const wire::Hello& hello);
  // For a server that is stopping: ends the session between batches.
  ProtocolOutput shutting_down();

  bool finished() const { return state_ == State::kFinished; }
  const std::optional<Principal>& principal() const { return principal_; }
  uint64_t pushed() const { return pushed_; }
  uint64_t pulled() const { return pulled_; }
  uint64_t refused() const { return refused_; }
  // Attachment content moved in this session (blob_transfer.h).
  const ServerBlobs& blobs() const { return blobs_; }

 private:
  // kSync: pushes and attachment content offered; kContent: after the pull, content fetched.
  enum class State { kHello, kSync, kPulling, kContent, kFinished };

  ProtocolOutput on_hello(const wire::Hello& m);
  // HELLO's version checks: the ERROR to answer when the device's versions differ.
  std::optional<ProtocolOutput> check_versions(const wire::Hello& m);
  // What follows authentication: the device's guard, filter and origin rules, its acknowledged
  // vector, and WELCOME.
  ProtocolOutput welcome(Principal device, const wire::Hello& m);
  ProtocolOutput on_push(const wire::Push& m, Result<wire::Changeset> cs);
  ProtocolOutput on_pulled(const wire::Pulled& m);
  // Fills the window of CHANGES batches the device has not confirmed.
  ProtocolOutput send_changes();
  Result<wire::Changes> next_changes();
  // Takes the changes and ranges of origins the device may not carry out of cs, as refusals.
  std::vector<Refusal> drop_foreign(wire::Changeset& cs);
  ProtocolOutput fail(const std::string& code, const std::string& message);
  // An audit event of this session with the device, replica and address filled in.
  AuditEvent event(AuditEvent::Kind kind) const;
  // Sends the message, or fails with the Status's protocol error code.
  ProtocolOutput reply(Result<wire::Message> m);

  Replica& replica_;
  Authenticator& auth_;
  GuardFactory guards_;
  FilterFactory filters_;
  Clock& clock_;
  std::string peer_address_;
  Uuid hello_replica_;  // the replica HELLO named, for the audit log
  BatchLimits limits_;
  State state_ = State::kHello;
  std::optional<Principal> principal_;
  ChangeGuard guard_;
  RowFilter filter_;
  OriginRules origins_;
  VersionVector device_has_;  // the device's vector, raised by every batch sent
  std::unique_ptr<ChangeFeed> feed_;  // what the device is being sent, planned at PULL
  uint64_t batch_ = 0;        // the last CHANGES batch sent
  // Per CHANGES batch not confirmed yet (oldest first): device_has_ once it is applied.
  std::deque<VersionVector> unconfirmed_;
  bool more_ = false;
  uint64_t pushed_ = 0, pulled_ = 0, refused_ = 0;
  ServerBlobs blobs_;  // reads filter_
};

}  // namespace liaison::sync
