// The scope of a device: which incoming changes a district server (or a station hub) accepts
// from it, and which rows it sends to it. Pure rules over row values; the only other rows they
// need (the opinion a step, an amendment, a link or an attachment hangs on) are read through an
// OpinionLookup. Thread-safe except for the lookups, which belong to their replica's thread.
//
// Writing (check_write), for the device a change is attributed to:
// - A district device may write anything. The rules below are for the other devices.
// - Reference tables (home, station, deputy, category) are written only by a district device:
//   reference_data.
// - A change to a row that is not on the server is unknown_row: without the row the server
//   cannot tell whose it is. (A creation is checked against its own values; when its id exists
//   already, it is checked against the existing row as well, so that a forged creation cannot
//   take over someone else's row.)
// - A station device writes only rows of its own station: the station_id of a created row, and
//   of the existing row for a change, must be its station, else other_station. Rows with no
//   station (a home-level activity, a city deputy's report) belong to the district. A step, an
//   amendment, a reception-day link or an attachment that hangs on another station's opinion is
//   other_station too, when the server has that opinion.
// - A created row that has a recorded_by column (opinion, step, amendment, visit) must name the
//   device's own replica, else forged_origin. A device whose replica is not bound yet has none.
// - A spokesperson device creates only opinions, handling steps, amendments, attachments and
//   visits (anything else is outside_role), all of its own station (other_station). Its
//   opinions and visits name its own spokesperson (not_own_record). Its steps, amendments and
//   attachments hang on an opinion it recorded (recorded_by = its replica): not_own_record,
//   other_station for another station's opinion, or unknown_opinion when the server does not
//   have that opinion (its own opinions always reach the server before what hangs on them,
//   since a replica's changes travel in sequence order). It changes only rows it
//   recorded; a row with no recorded_by column is not its to change (not_own_record), except
//   that an attachment counts as recorded by whoever recorded its opinion.
//
// Visibility (visible), for the device a row would be sent to:
// - A district device sees everything; every device sees the reference tables.
// - A station device sees the rows of its station, and no row without a station.
// - A spokesperson device sees, within its station: the opinions it recorded (recorded_by = its
//   replica) or that name it as the spokesperson who took them down (spokesperson_id), with
//   their steps, amendments, reception-day links and attachments; its own visits; its own
//   spokesperson row; and the station's activities (reception days, so it knows the schedule).
//   It does not see other spokespersons' records, attendance or deputies' reports.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "shared/sync/policy.h"
#include "shared/sync/replica.h"
#include "shared/util/status.h"
#include "shared/util/uuid.h"

namespace liaison::sync {

// Who a device is, as far as the rules care. replica_id is nil until the device's first sync.
struct DeviceScope {
  Role role = Role::kStation;
  std::string station_id, spokesperson_id;
  Uuid replica_id;
};

// Why a change was refused. The names (scope_refusal_name) are stable: they go into _refused,
// onto the wire and into people's reports.
enum class ScopeRefusal {
  kReferenceData,   // reference data from a device that is not the district's
  kOtherStation,    // a row of another station, or of no station
  kNotOwnRecord,    // a spokesperson device touching a record it did not create
  kUnknownRow,      // a change to a row the server does not have
  kForgedOrigin,    // recorded_by names another replica than the device's own
  kOutsideRole,     // a table this kind of device never writes
  kUnknownOpinion,  // a spokesperson's step/amendment/attachment on an opinion not here
};
const char* scope_refusal_name(ScopeRefusal refusal);
std::optional<ScopeRefusal> parse_scope_refusal(std::string_view name);

// The fields of an opinion that decide whose it is (all fixed at creation). Empty means NULL.
struct OpinionOwner {
  std::string station_id, recorded_by, spokesperson_id;
};

// Reads the opinions the rules need.
class OpinionLookup {
 public:
  virtual ~OpinionLookup() = default;
  // The opinion's owner fields, nullopt when it does not exist here; a Status when reading fails.
  virtual Result<std::optional<OpinionOwner>> opinion(const std::string& id) = 0;
};

// OpinionLookup over Replica::load(). Found opinions are cached (their owner fields never
// change); misses are not, since the opinion may arrive later. Not thread-safe; REQUIRES: the
// replica outlives the lookup.
class ReplicaOpinionLookup final : public OpinionLookup {
 public:
  explicit ReplicaOpinionLookup(Replica& replica, size_t max_cached = 4096)
      : replica_(replica), max_cached_(max_cached) {}
  Result<std::optional<OpinionOwner>> opinion(const std::string& id) override;

 private:
  Replica& replica_;
  size_t max_cached_;
  std::unordered_map<std::string, OpinionOwner> cache_;
};

// Decides one incoming change attributed to the device with scope. created: the values of a
// creation by column index of table (missing trailing columns count as NULL), nullptr for a
// change to existing fields. existing: the row as it is here, nullptr when it does not exist.
// Result: nullopt when the change is allowed, else the reason; a Status when a lookup fails.
Result<std::optional<ScopeRefusal>> check_write(const DeviceScope& scope,
                                                const TablePolicy& table, bool create,
                                                const std::vector<Value>* created,
                                                const Row* existing, OpinionLookup& lookup);

// Whether the row (values by column index of table) may be sent to the device with scope;
// a Status when a lookup fails (callers hide the row then).
Result<bool> visible(const DeviceScope& scope, const TablePolicy& table,
                     const std::vector<Value>& values, OpinionLookup& lookup);

// True when the scope rules name table. Every station-scope table of policy.cpp must be named;
// one that is not is written by station and district devices only, and seen by no spokesperson.
bool has_scope_rule(std::string_view table);

}  // namespace liaison::sync
