// Reference data kept by the district office: deputies' homes, liaison stations and deputies.
// Rows have explicit ids chosen by the office (short codes), so that people can type them.
// Only a district replica writes reference data (PermissionDenied err.district_only elsewhere);
// every replica can read what it has received. Not thread-safe (see Replica).
#pragma once

#include <string>
#include <vector>

#include "shared/app/model.h"
#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

// Inputs as typed; empty strings mean "not given".
struct HomeInput {
  std::string id, name, township;
};
struct StationInput {
  std::string id, name, home, voters, kind, township;  // kind: one of kStationKinds
};
// The fields of a deputy's public profile that the office may also change later (deputies.h).
struct DeputyProfile {
  std::string gender;                // f or m
  std::string term_start, term_end;  // YYYY-MM-DD
};
struct DeputyInput {
  std::string id, name, level;  // level: one of kLevels
  std::string home, station;    // a city deputy needs home; the others need station
  std::string work_unit, phone;
  DeputyProfile profile;
};

// Each add checks its input (err.bad_id, err.empty, err.bad_number, err.bad_kind,
// err.bad_level, err.deputy_place, err.bad_phone, err.unknown_home, err.unknown_station,
// err.bad_gender, err.bad_date, err.term_order),
// refuses an id in use (AlreadyExists err.id_exists) and returns the row as stored.
Result<Home> add_home(sync::Replica& replica, const HomeInput& in);
Result<Station> add_station(sync::Replica& replica, const StationInput& in);
Result<Deputy> add_deputy(sync::Replica& replica, const DeputyInput& in);

// All rows known here, by id.
Result<std::vector<Home>> list_homes(sync::Replica& replica);
Result<std::vector<Station>> list_stations(sync::Replica& replica);
Result<std::vector<Deputy>> list_deputies(sync::Replica& replica);
// One deputy; NotFound err.unknown_deputy when the id is unknown here.
Result<Deputy> get_deputy(sync::Replica& replica, const std::string& id);

}  // namespace liaison::app
