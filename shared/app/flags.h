// Flags: what the regulation asks of stations, homes, deputies and spokesperson rosters and the
// records show was not done. One implementation serves a station (over its own replica, for its
// own station) and the district office (over every station and home it holds), so both see the
// same flags for the same records. Read-only. Not thread-safe (see Replica).
//
// The checks, with "today" the local date of the replica's clock:
// - overdue_opinions (station): opinions not replied, closed or void and older than N days
//   (default 30), exactly the ones `opinion list --overdue --overdue-days N` lists. Period:
//   today; count: how many.
// - no_reception (station): no reception day held in the month (activities of kind kReception,
//   not void, with the station and a held_on date in the month; activities.h). A month is
//   checked once it is over: the report's month, or without one the month before today's;
//   a station registered after the month ended, with no opinion recorded before its end, is
//   not flagged for it.
// - no_home_meeting (home; only when every station is covered, since a station's replica holds
//   no home-level records): no meeting of the home (kind kHomeMeeting, home_id the home, no
//   station, not void) held in the quarter. The quarter of the report's month once that quarter is
//   over, or without a month the last quarter that ended before today; a home registered
//   after the quarter ended is not flagged for it.
// - no_deputy_report (deputy, with the deputy's station): a district or township deputy with
//   no report to voters (deputy_report.reported_on) in the term. The term is the deputy's
//   term_start..term_end; with only one of them known the other is five years away (terms of
//   district and township congresses are five years); with neither, the district's current
//   term: five-year terms from 2022-01-01 (the congresses elected at the end of 2021). A deputy
//   is checked when the term holds the reference day (the report month's last day, or today
//   when that is later or no month is given), and flagged from the term's first day until a
//   report in the term is recorded, so that it is seen while it can still be done.
// - voters_uncovered (station): the station's voters (station.voters) exceed the sum of its
//   spokespersons' voters; count: voters not covered, total: the station's voters. Not checked
//   while the station's voters are unknown.
// - no_spokespersons, no_women_spokespersons, no_party_member_spokespersons (station): the
//   roster (spokespersons not void) is empty, or has no woman (gender f), or no party member.
// Rosters, coverage and overdue opinions are states: their period is today.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/app/activities.h"
#include "shared/app/model.h"
#include "shared/app/opinion_query.h"
#include "shared/app/report_period.h"
#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

// The length of a district or township congress term, and the first day of the term the
// district's deputies serve when their own term is not recorded (see above).
inline constexpr int kTermYears = 5;
inline constexpr int kTermAnchorYear = 2022;

enum class FlagCode {
  kOverdueOpinions,
  kNoReception,
  kNoHomeMeeting,
  kNoDeputyReport,
  kVotersUncovered,
  kNoSpokespersons,
  kNoWomenSpokespersons,
  kNoPartyMemberSpokespersons
};
// The English code used in JSON ("overdue_opinions", ...).
const char* flag_code_name(FlagCode code);

struct Flag {
  FlagCode code = FlagCode::kOverdueOpinions;
  std::string subject_kind;      // "station", "home" or "deputy"
  std::string subject;           // the subject's id
  std::string station;           // the station the flag belongs to; empty for a home's
  std::string period;            // "2026-09", "2026-Q3", "2022-01-01/2026-12-31" or a day
  std::string name;              // the subject's name when known
  std::optional<int64_t> count;  // overdue opinions; voters not covered
  std::optional<int64_t> total;  // voters_uncovered: the station's voters
  std::optional<int64_t> days;   // overdue_opinions: the number of days
};

// The flag in words, in lang ("zh" or "en"), without the station it belongs to.
std::string flag_text(const Flag& flag, std::string_view lang);

// A station the flags and reports cover.
struct StationSubject {
  std::string id;
  std::string name;  // empty when the station is not registered here
  // The day it was registered (created_at's date) or, when earlier, of its first opinion;
  // empty when it is not registered here.
  std::string registered_on;
};

// With station given, that station alone. Otherwise every station registered here and not
// void, and every other station that opinions here name, by id.
Result<std::vector<StationSubject>> report_stations(sync::Replica& replica,
                                                    const std::string& station);

struct FlagOptions {
  int64_t overdue_days = kDefaultOverdueDays;  // the overdue limit, in days
  std::optional<Month> month;                  // the report's month, if any (see above)
  std::string station;                         // one station's flags; empty: every station and home
};

struct FlagResult {
  std::vector<Flag> flags;       // by station (homes last), then check, then subject
  std::vector<Opinion> overdue;  // the overdue opinions, as `opinion list --overdue` lists them
  std::string today;             // the local date the checks were made on
};

Result<FlagResult> compute_flags(sync::Replica& replica, const FlagOptions& options);

}  // namespace liaison::app
