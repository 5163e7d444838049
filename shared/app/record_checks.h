// Internal helpers of shared/app for the station records kept beside opinions (reception days
// and home meetings, spokespersons and their visits, deputies' reports): the input checks and
// lookups those writers share. Each returns a Status naming the offending value; none writes.
// Not thread-safe (see Replica).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

// Text as stored: trimmed and checked (check_text); nullopt when blank.
Result<std::optional<std::string>> optional_text(std::string_view text, std::string_view field);
// Required text, trimmed; err.empty names field when blank.
Result<std::string> required_text(std::string_view text, std::string_view field);
// A count as typed (parse_count); nullopt when blank.
Result<std::optional<int64_t>> optional_count(std::string_view text);
// A date YYYY-MM-DD (parse_date); nullopt when blank.
Result<std::optional<std::string>> optional_date(std::string_view text);

// The station_id column of the row id of table, nullopt inside when the row exists with no
// station; NotFound with not_found_key (detail: the id) when the row does not exist here.
Result<std::optional<std::string>> row_station(sync::Replica& replica, std::string_view table,
                                               const std::string& id,
                                               const std::string& not_found_key);
// True when table has a row with this id.
Result<bool> row_exists(sync::Replica& replica, std::string_view table, const std::string& id);

// OK on a station device (role station, with a station); PermissionDenied
// err.station_device_only elsewhere (a spokesperson device or the district).
Status require_station_device(const sync::ReplicaInfo& info);
// OK on a station device or the district's; PermissionDenied err.station_device_only on a
// spokesperson device.
Status require_station_or_district(const sync::ReplicaInfo& info);

// "f" or "m" as stored; nullopt when blank; err.bad_gender otherwise.
Result<std::optional<std::string>> optional_gender(std::string_view text);

// The ids in the order given, trimmed, without repeats; err.bad_id for a malformed one.
Result<std::vector<std::string>> distinct_ids(const std::vector<std::string>& ids);

}  // namespace liaison::app
