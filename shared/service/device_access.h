// The authorization the sync server needs, over the replica's _device table and the scope rules
// (shared/sync/scope.h): who a token belongs to, which incoming changes a device may write, and
// which rows it may see. Not thread-safe: everything runs on the server's database thread.
#pragma once

#include <memory>

#include "shared/sync/protocol_server.h"
#include "shared/sync/scope.h"

namespace liaison::service {

class DeviceAuthenticator final : public sync::Authenticator {
 public:
  explicit DeviceAuthenticator(sync::Replica& replica) : replica_(replica) {}
  Result<sync::Principal> authenticate(const std::string& token, const Uuid& replica,
                                       const std::string& address, int64_t skew_ms) override;
  bool still_valid(const std::string& device_id) override;
  // A station device may carry the origins of its own station's spokesperson devices and of
  // replicas bound to no device (spokesperson devices that synced only through it); no other
  // device carries any origin but its own. Hidden from a device outside the district: the
  // origins of devices of other stations, and, from a spokesperson device, those of other
  // spokespersons' devices (scope.h: the writes of such a device are never visible to it).
  Result<sync::OriginRules> origin_rules(const sync::Principal& p) override;
  // On a district replica, writes the event into _audit (schema/0007_audit.sql) in a
  // transaction of its own (or in the caller's, when one is open); elsewhere does nothing. A
  // failed write is dropped: the audit log never fails a sync.
  void note(const sync::AuditEvent& e) override;

 private:
  sync::Replica& replica_;
};

// The scope of a principal, as the rules take it.
sync::DeviceScope scope_of(const sync::Principal& p);

// Writes the rows of one audit event into replica's _audit (one row, or for a PUSH its push row
// and one refused row per refusal). REQUIRES: the caller holds a transaction on replica.
Status insert_audit(sync::Replica& replica, const sync::AuditEvent& e);

// Guards for changes a principal pushes. A change is checked against the device bound to its
// origin when there is one (a spokesperson's change relayed by its station); else a station
// pusher's rights apply to it as that origin's replica, and any other pusher's own scope (so a
// forged origin gains nothing). REQUIRES: replica outlives the guards.
sync::GuardFactory scope_guards(sync::Replica& replica);
// Filters for rows sent to a principal. REQUIRES: replica outlives the filters.
sync::FilterFactory scope_filters(sync::Replica& replica);

}  // namespace liaison::service
