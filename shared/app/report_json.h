// The JSON of reports and flags for --json (keys and enum values in English, text as is).
// Pure functions, thread-safe.
#pragma once

#include "shared/app/flags.h"
#include "shared/app/json.h"
#include "shared/app/report.h"

namespace liaison::app {

// {code, subject_kind, subject, station, period, name, count, total, days}; absent values are
// null.
Json to_json(const Flag& flag);

// A station's month report:
//   {kind: "month", station, name, month, generated_at, today, overdue_days, public,
//    opinions, overdue_count, overdue: [opinion...], receptions: [...], flags: [...]}
// The district's month report:
//   {kind: "month", month, generated_at, today, overdue_days, public,
//    stations: [{station, name, opinions, overdue_count, overdue, receptions, flags}...],
//    home_flags: [...], total: {opinions, overdue_count, receptions_count, flags_count}}
// The overview:
//   {kind: "overview", generated_at, today, overdue_days, public,
//    stations: [{station, name, last_sync, opinions: {total, by_status}, overdue_count,
//                flags}...], home_flags: [...], total: {opinions, overdue_count, flags_count}}
// where opinions is {total, by_status: {recorded: n, ...}, by_category: [{category, count}],
// by_source: [{source, count}]} and a reception {id, held_on, place, topic, voters_received}.
// public_view leaves the voter and phone keys out of every opinion.
Json to_json(const Report& report, bool public_view);

}  // namespace liaison::app
