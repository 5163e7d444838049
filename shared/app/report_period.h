// The calendar periods of reports and flags: months ("2026-09"), quarters ("2026-Q3") and days
// ("2026-09-30"), always in this machine's local time, the time zone the stations work in.
// Periods are half-open: a month runs from its first day up to, not including, the first day of
// the next. Pure value functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "shared/storage/db.h"
#include "shared/util/status.h"

namespace liaison::app {

struct Month {
  int year = 0;
  int month = 0;  // 1..12
};

// "YYYY-MM" with a month from 01 to 12 and a year from 1900 to 9999; InvalidArgument
// err.bad_month naming the text otherwise.
Result<Month> parse_month(std::string_view text);
// The month of a date or time written "YYYY-MM-..."; REQUIRES: date starts that way.
Month month_of(std::string_view date);

std::string month_name(Month m);  // "2026-09"
std::string first_day(Month m);   // "2026-09-01"
std::string last_day(Month m);    // "2026-09-30"
Month next_month(Month m);
Month previous_month(Month m);

// The quarter holding a month, as its first month and its name.
Month quarter_start(Month m);       // 2026-08 -> 2026-07
std::string quarter_name(Month m);  // 2026-08 -> "2026-Q3"
Month next_quarter(Month m);        // the first month of the quarter after m's

// The local calendar date ("YYYY-MM-DD") of an ISO 8601 time (any form SQLite reads, with or
// without a zone; a time without a zone is taken as UTC, as Replica::now_iso() writes it).
// InvalidArgument err.bad_time when the time cannot be read.
Result<std::string> local_date(storage::Db& db, const std::string& iso_time);

}  // namespace liaison::app
