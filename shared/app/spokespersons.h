// The spokesperson archive (代言员档案): the station's roster of voter spokespersons with their
// responsibility areas (voters and households), gender and party membership, their visit rounds,
// the scans of the paper records they hand in (attachments.h), and the coverage check of the
// roster against the station's registered voters.
//
// Rows: spokesperson (editable fields merge by last writer; gender "f" or "m"; party_member 0 or
// 1; leaving the roster is a void with a reason) and visit (append-only: visited_on YYYY-MM-DD,
// households visited, a note, recorded_by this replica). Spokespersons are registered on a
// station device; a visit is logged on a station device or on the spokesperson's own device.
// Every writer checks all of its input first and writes in one Replica::write().
// Not thread-safe (see Replica).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shared/app/model.h"
#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

struct Spokesperson {
  std::string id, station, name, created_at;
  OptText phone, gender, area, void_reason;
  std::optional<bool> party_member;
  std::optional<int64_t> voters, households;
  int64_t visits = 0;  // visit rounds recorded here
};

struct Visit {
  std::string id, spokesperson, station, visited_on, recorded_by;
  std::optional<int64_t> households;
  OptText note;
};

struct SpokespersonDetail {
  Spokesperson spokesperson;
  std::vector<Visit> visits;            // newest first
  std::vector<Attachment> attachments;  // original records handed in, in (at, id) order
  int64_t opinions = 0;                 // opinions here that name the spokesperson
};

// A new spokesperson as typed; empty strings mean "not given".
struct SpokespersonInput {
  std::string name;  // required
  std::string phone, gender, area;  // gender: f or m
  bool party_member = false;
  std::string voters, households;  // counts
};
// Registers a spokesperson of this device's station; returns the new id. PermissionDenied
// err.station_device_only off a station device; InvalidArgument err.empty, err.bad_phone,
// err.bad_gender, err.bad_number, err.utf8.
Result<std::string> add_spokesperson(sync::Replica& replica, const SpokespersonInput& in);

// Changes to the editable fields; nullopt leaves a field alone, an empty string clears it
// (except the name). Errors as add_spokesperson, NotFound err.not_found, err.no_change.
struct SpokespersonEdit {
  std::optional<std::string> name, phone, gender, area, voters, households;
  std::optional<bool> party_member;
};
Status set_spokesperson(sync::Replica& replica, const std::string& id, const SpokespersonEdit& e);
// Takes a spokesperson off the roster with a reason; the record and its visits stay. Once only:
// InvalidArgument err.already_void after that.
Status void_spokesperson(sync::Replica& replica, const std::string& id, const std::string& reason);

// Every spokesperson here (voided ones too), by name then id.
Result<std::vector<Spokesperson>> list_spokespersons(sync::Replica& replica);
// NotFound err.not_found when the id is unknown here.
Result<Spokesperson> get_spokesperson(sync::Replica& replica, const std::string& id);
Result<SpokespersonDetail> show_spokesperson(sync::Replica& replica, const std::string& id);

// A visit round as typed; empty strings mean "not given".
struct VisitInput {
  std::string spokesperson;  // default: the spokesperson of a spokesperson's device
  std::string date;          // YYYY-MM-DD, required
  std::string households, note;
};
// Logs a visit round; returns its id. The spokesperson must be one of this station's
// (InvalidArgument err.unknown_spokesperson), and on a spokesperson's device its own
// (err.own_visits_only), which need not have reached the device yet. PermissionDenied
// err.no_station on a device without a station; err.bad_date, err.bad_number, err.utf8.
Result<std::string> add_visit(sync::Replica& replica, const VisitInput& in);
// The visits of one spokesperson (every visit when empty), newest first. NotFound
// err.unknown_spokesperson for a spokesperson not known here (but a device's own).
Result<std::vector<Visit>> list_visits(sync::Replica& replica, const std::string& spokesperson);

// The roster against the station's registered voters (station.voters). Only spokespersons on
// the roster (not voided) count.
struct Coverage {
  std::string station;
  std::optional<int64_t> registered_voters;  // nullopt when the station record has no count
  int64_t covered_voters = 0;     // the sum of the spokespersons' voters
  std::optional<int64_t> uncovered_voters;  // registered - covered, at least 0; nullopt unknown
  int64_t households = 0;
  int64_t spokespersons = 0, without_area = 0;  // without_area: no voters recorded
  int64_t women = 0, men = 0, party_members = 0;
};
// PermissionDenied err.no_station on a device without a station.
Result<Coverage> spokesperson_coverage(sync::Replica& replica);

}  // namespace liaison::app
