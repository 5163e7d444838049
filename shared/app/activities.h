// Activities of deputies with voters (接待选民日、代表之家活动): announced in advance with a planned
// date, then recorded as held with the deputies and spokespersons present, the number of voters
// received and the opinions taken. Attendance feeds each deputy's activity ledger (deputies.h).
//
// How the rows are written (table activity and its append-only companions):
// - activity.kind names the kind:
//     "reception"    a station's monthly reception day (月进站): station_id is the station,
//                    home_id is NULL; written on a station device.
//     "home_meeting" a deputies' home's quarterly meeting (季回家): home_id is the home,
//                    station_id is NULL; written by the district office.
// - planned_on: the date announced in advance (事先预告), NULL when the activity was logged only
//   after it was held. held_on: the date it was held, NULL while it is only planned. Both are
//   YYYY-MM-DD. "Held in a month" means held_on in that month and void_reason NULL.
// - voters_received: the voters received (a count), NULL when not recorded.
// - attendance: one row per person present, person_kind "deputy" (person_id a deputy id) or
//   "spokesperson" (a spokesperson id); station_id is the activity's station.
// - activity_opinion: one row per opinion taken at the activity, station_id as above.
// - A cancelled activity is voided (void_reason), never erased.
//
// Every writer checks all of its input before it writes and writes in one Replica::write(), so a
// failure leaves the replica as it was. Not thread-safe (see Replica).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shared/app/model.h"
#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

inline constexpr std::string_view kReception = "reception";
inline constexpr std::string_view kHomeMeeting = "home_meeting";
inline constexpr std::array<std::string_view, 2> kActivityKinds = {kReception, kHomeMeeting};
// attendance.person_kind
inline constexpr std::string_view kDeputyAttendee = "deputy";
inline constexpr std::string_view kSpokespersonAttendee = "spokesperson";

struct Activity {
  std::string id, kind, created_at;
  OptText station, home, planned_on, held_on, place, topic, note, void_reason;
  std::optional<int64_t> voters;  // voters received
  int64_t deputies = 0, spokespersons = 0, opinions = 0;  // attendance and opinion links here
};
// "void", "held" or "planned".
const char* activity_state(const Activity& activity);
// held_on, else planned_on: the date people know the activity by.
std::string activity_date(const Activity& activity);

struct Attendee {
  std::string person_kind, person_id;
  OptText name;  // the deputy's or spokesperson's name, when that record is here
};

struct ActivityDetail {
  Activity activity;
  std::vector<Attendee> attendees;     // deputies first, then spokespersons, each by id
  std::vector<Opinion> opinions;       // taken at the activity, by time
  std::vector<Attachment> attachments;  // photos and scans, in (at, id) order
};

// What is recorded once the activity is held; empty strings mean "not given".
struct HeldInput {
  std::string date;    // YYYY-MM-DD, required
  std::string voters;  // voters received, a count
  std::string note;
  std::vector<std::string> deputies, spokespersons, opinions;  // ids known here
};

// A new activity as typed; empty strings mean "not given".
struct ActivityInput {
  std::string kind;  // one of kActivityKinds
  std::string home;  // home_meeting: the home; a reception belongs to this device's station
  bool planned = false;  // announced in advance: held.date is the planned date, and nothing of
                         // held but the date may be given
  std::string place, topic;  // required
  HeldInput held;
};

// Records a new activity; returns its id. A reception is written on a station device
// (PermissionDenied err.station_device_only elsewhere), a home meeting by the district
// (PermissionDenied err.meeting_district_only). InvalidArgument: err.bad_activity_kind,
// err.empty (place, topic), err.bad_date, err.bad_number, err.bad_id, err.utf8,
// err.unknown_home, err.unknown_deputy, err.unknown_spokesperson, err.unknown_opinion (an id not
// here, or a record of another station), err.planned_attendance (attendance, voters or opinions
// given with planned).
Result<std::string> add_activity(sync::Replica& replica, const ActivityInput& in);

// Records that the activity was held: sets held_on (and voters received and the note when
// given) and adds the attendance and opinion links not yet recorded (ones already there are
// skipped, so it may be run again to add someone forgotten). Errors as add_activity, plus
// NotFound err.not_found for an unknown activity and err.activity_void for a voided one.
Status record_held(sync::Replica& replica, const std::string& id, const HeldInput& in);

// Cancels an activity with a reason; the record stays. NotFound err.not_found; err.empty;
// err.activity_void when it was cancelled already (the first reason stays).
Status void_activity(sync::Replica& replica, const std::string& id, const std::string& reason);

// Filters as typed; empty strings mean "any".
struct ActivityFilter {
  std::string kind;   // one of kActivityKinds, else err.bad_activity_kind
  std::string state;  // planned, held or void, else err.bad_activity_state
  std::string home;   // exact home id
};
// Activities that pass the filter, newest first (by held_on or planned_on, then id).
Result<std::vector<Activity>> list_activities(sync::Replica& replica, const ActivityFilter& filter);

// One activity; NotFound err.not_found when the id is unknown here.
Result<Activity> get_activity(sync::Replica& replica, const std::string& id);
// One activity with its attendees, opinions and attachments.
Result<ActivityDetail> show_activity(sync::Replica& replica, const std::string& id);

// The held, not voided activities the person attended, oldest first (by held_on, then id).
Result<std::vector<Activity>> activities_attended(sync::Replica& replica,
                                                 const std::string& person_id);
// The ids of the opinions taken at an activity, by the opinion's time (opinions not here yet
// last), then id.
Result<std::vector<std::string>> activity_opinion_ids(sync::Replica& replica,
                                                      const std::string& activity_id);

}  // namespace liaison::app
