// Reports: a station's month (`liaison report month`), the district's month per station and in
// total (`liaison-server report month`) and the district's overview (`liaison-server report
// overview`). Built from what the replica holds, with the flags of flags.h; printed by
// report_output.h. Read-only. Not thread-safe (see Replica).
//
// A month report counts the opinions recorded in the month (their time `at`, in local time) by
// status (as derived now), category and source, lists the reception days held in the month,
// and lists the opinions overdue now and the flags for the month (flags.h says which periods
// each check looks at). The overview counts every opinion by status, and gives each station's
// overdue count, flags and last contact (the latest _device.last_seen_at of its devices).
// Queries are single passes over indexed columns (opinions by station and time, steps by
// opinion): a station with a year of records (4,000 opinions, 3,000 steps, monthly reception
// days) gets its month report, the whole command included, in about 0.1 s.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "shared/app/flags.h"
#include "shared/app/model.h"
#include "shared/app/report_period.h"
#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

// Every status, in the order reports show them.
inline constexpr size_t kStatusCount = static_cast<size_t>(OpinionStatus::kVoid) + 1;

struct OpinionCounts {
  int64_t total = 0;
  std::array<int64_t, kStatusCount> by_status{};  // by static_cast<size_t>(OpinionStatus)
  std::map<std::string, int64_t> by_category;     // "" for opinions with no category
  std::map<std::string, int64_t> by_source;
  void add(const OpinionCounts& other);
};

// A reception day held (an activity of kind kReception, activities.h).
struct Reception {
  std::string id, station, held_on;
  OptText place, topic;
  std::optional<int64_t> voters;  // voters received
};

struct StationReport {
  StationSubject station;
  OpinionCounts opinions;
  std::vector<Opinion> overdue;       // newest first
  std::vector<Reception> receptions;  // month reports: held in the month, by date
  std::vector<Flag> flags;
  OptText last_sync;  // overview: the station's devices' last contact
};

enum class ReportKind { kMonth, kOverview };

struct Report {
  ReportKind kind = ReportKind::kMonth;
  bool district = false;     // over every station (else one station's own replica)
  std::string month;         // month reports: "YYYY-MM"
  std::string generated_at;  // ISO 8601 UTC
  std::string today;         // the local date the flags were checked on
  int64_t overdue_days = kDefaultOverdueDays;
  std::vector<StationReport> stations;  // by station id
  std::vector<Flag> home_flags;         // flags that belong to no station (homes)
  StationReport total;                  // only its opinions: summed over the stations
  // Summed over the stations; flags_total includes the home flags.
  size_t overdue_total = 0, receptions_total = 0, flags_total = 0;
};

// The month report of one station (station given: its own replica) or of every station
// (station empty: the district). overdue_days: the overdue limit.
Result<Report> build_month_report(sync::Replica& replica, Month month, int64_t overdue_days,
                                  const std::string& station);

// The district's overview of every station.
Result<Report> build_overview(sync::Replica& replica, int64_t overdue_days);

}  // namespace liaison::app
