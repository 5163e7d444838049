// Printing reception days and home meetings, the spokesperson archive, deputies' reports and
// archives, and categories: the JSON shapes below with --json (keys and enum values in English,
// absent values null), otherwise tables and labelled lines for people, every word from the
// message catalogue. Not thread-safe.
#pragma once

#include <vector>

#include "shared/app/activities.h"
#include "shared/app/deputies.h"
#include "shared/app/json.h"
#include "shared/app/output.h"
#include "shared/app/spokespersons.h"

namespace liaison::app {

// {id, kind, state, station, home, planned_on, held_on, place, topic, voters_received, note,
//  void_reason, deputies_present, spokespersons_present, opinions_taken, created_at};
// state: planned, held or void.
Json to_json(const Activity& activity);
// The activity object plus "attendees" [{kind, id, name}], "opinions" [opinion objects] and
// "attachments".
Json to_json(const ActivityDetail& detail);
void print_activity_list(Output& out, const std::vector<Activity>& activities);
void print_activity_detail(Output& out, const ActivityDetail& detail);

// {id, station, name, phone, gender, party_member, area, voters, households, visit_count,
//  void_reason, created_at}
Json to_json(const Spokesperson& spokesperson);
// The spokesperson object plus "visits" [visit objects], "attachments" and "opinion_count".
Json to_json(const SpokespersonDetail& detail);
// {id, spokesperson, station, visited_on, households, note, recorded_by}
Json to_json(const Visit& visit);
void print_spokesperson_list(Output& out, const std::vector<Spokesperson>& roster);
void print_spokesperson(Output& out, const Spokesperson& spokesperson);
void print_spokesperson_detail(Output& out, const SpokespersonDetail& detail);
void print_visit_list(Output& out, const std::vector<Visit>& visits);

// {station, registered_voters, covered_voters, uncovered_voters, households, spokespersons,
//  without_area, women, men, party_members, flags}; flags, each present when it holds:
// "registered_voters_unknown", "voters_uncovered", "areas_missing", "no_women",
// "no_party_members".
Json to_json(const Coverage& coverage);
std::vector<std::string> coverage_flags(const Coverage& coverage);
void print_coverage(Output& out, const Coverage& coverage);

// {id, deputy, station, reported_on, form, note}
Json to_json(const DeputyReport& report);
void print_report_list(Output& out, const std::vector<DeputyReport>& reports);
// {deputy: {...}, activities: [activity objects], by_month: [{month, activities}],
//  reports: [report objects], opinions: [{id, activity, at, status, category, matter}],
//  reports_in_term}
Json to_json(const DeputyArchive& archive);
void print_deputy_archive(Output& out, const DeputyArchive& archive);

// {id, name, void_reason, created_at}
Json to_json(const Category& category);
void print_category_list(Output& out, const std::vector<Category>& categories);
void print_category(Output& out, const Category& category);

}  // namespace liaison::app
