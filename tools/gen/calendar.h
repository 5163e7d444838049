// Calendar arithmetic for the generator, in Beijing time (UTC+08:00, no daylight saving): days
// counted from 1970-01-01, instants in Unix milliseconds, and the ISO 8601 texts the programs
// store. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace liaison::gen {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kMinuteMs = 60'000;

struct Civil {
  int year = 1970, month = 1, day = 1;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int64_t days_from_civil(Civil date);
Civil civil_from_days(int64_t days);
int days_in_month(int year, int month);
// 0 = Monday ... 6 = Sunday.
int weekday(int64_t days);

// The instant of local time (UTC+08:00) on day at hour:minute.
int64_t local_ms(int64_t day, int hour, int minute);
// The local day an instant falls on.
int64_t local_day(int64_t ms);
// "YYYY-MM-DD" of a day.
std::string date_text(int64_t day);
// "YYYY-MM-DDTHH:MM:SS+08:00" of an instant.
std::string time_text(int64_t ms);

}  // namespace liaison::gen
