// Deputies' duties beyond the reference record of reference.h: the public profile the district
// office keeps up to date (contact details, gender, term), reports to voters (履职报告, table
// deputy_report) and the performance archive (代表履职档案): the activities attended by month,
// the reports to voters and the opinions taken at the reception days attended.
//
// Rows: deputy_report is append-only: deputy_id, reported_on (YYYY-MM-DD), form (one of
// kReportForms), note, and station_id: the recording station on a station device; at the
// district, the deputy's own station (NULL for a city deputy, whose report belongs to the
// district). A station device records reports of the deputies it knows; the district any.
//
// A station device holds only its own station's activities, so its archive of a deputy shows
// what happened at that station; the district's shows everything. Not thread-safe (see Replica).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/app/activities.h"
#include "shared/app/model.h"
#include "shared/app/reference.h"
#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

// How a deputy reported to voters: at a voters' meeting, in writing, online, otherwise.
inline constexpr std::array<std::string_view, 4> kReportForms = {"meeting", "written", "online",
                                                                "other"};

struct DeputyReport {
  std::string id, deputy, reported_on;
  OptText station, form, note;
};

// A report as typed; empty strings mean "not given".
struct ReportInput {
  std::string deputy, date;  // required; date YYYY-MM-DD
  std::string form, note;    // form: one of kReportForms
};
// Records a report to voters; returns its id. InvalidArgument err.unknown_deputy (not here),
// err.bad_date, err.bad_report_form, err.utf8, err.bad_id; PermissionDenied
// err.station_device_only on a spokesperson's device.
Result<std::string> add_deputy_report(sync::Replica& replica, const ReportInput& in);
// The reports of one deputy (every report when empty), newest first. NotFound
// err.unknown_deputy for a deputy not known here.
Result<std::vector<DeputyReport>> list_deputy_reports(sync::Replica& replica,
                                                      const std::string& deputy);

// Changes to the public profile; nullopt leaves a field alone, an empty string clears it.
struct DeputyEdit {
  std::optional<std::string> phone, work_unit, gender, term_start, term_end;
};
// District only (PermissionDenied err.district_only). NotFound err.unknown_deputy;
// InvalidArgument err.no_change, err.bad_phone, err.bad_gender, err.bad_date,
// err.term_order (the term would end before it starts). Returns the deputy as stored.
Result<Deputy> set_deputy(sync::Replica& replica, const std::string& id, const DeputyEdit& edit);

struct MonthCount {
  std::string month;  // YYYY-MM
  int64_t activities = 0;
};

// An opinion taken at an activity the deputy attended, without the voter's personal details.
struct ArchivedOpinion {
  std::string id, activity, at, status, matter;
  OptText category;
};

struct DeputyArchive {
  Deputy deputy;
  std::vector<Activity> activities;  // held and not voided, oldest first
  std::vector<MonthCount> by_month;  // months with at least one activity, in order
  std::vector<DeputyReport> reports;  // newest first
  std::vector<ArchivedOpinion> opinions;  // by activity date, then time
  // Reports dated within the term; nullopt when the term's start is not recorded.
  std::optional<int64_t> reports_in_term;
};
// The performance archive of one deputy as far as this replica knows it.
// NotFound err.unknown_deputy.
Result<DeputyArchive> deputy_archive(sync::Replica& replica, const std::string& id);

}  // namespace liaison::app
