#include "tools/gen/calendar.h"

#include <fmt/format.h>

namespace liaison::gen {

namespace {

constexpr int64_t kOffsetMs = 8 * kHourMs;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t days_from_civil(Civil d) {
  int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  int64_t era = floor_div(y, 400);
  int64_t yoe = y - era * 400;
  int64_t mp = (d.month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Civil civil_from_days(int64_t z) {
  z += 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

int days_in_month(int year, int month) {
  Civil next = month == 12 ? Civil{year + 1, 1, 1} : Civil{year, month + 1, 1};
  return static_cast<int>(days_from_civil(next) - days_from_civil({year, month, 1}));
}

int weekday(int64_t days) { return static_cast<int>(((days + 3) % 7 + 7) % 7); }  // 1970-01-01: Thu

int64_t local_ms(int64_t day, int hour, int minute) {
  return day * kDayMs + hour * kHourMs + minute * kMinuteMs - kOffsetMs;
}

int64_t local_day(int64_t ms) { return floor_div(ms + kOffsetMs, kDayMs); }

std::string date_text(int64_t day) {
  Civil c = civil_from_days(day);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

std::string time_text(int64_t ms) {
  int64_t day = local_day(ms);
  int64_t in_day = ms + kOffsetMs - day * kDayMs;
  return fmt::format("{}T{:02}:{:02}:{:02}+08:00", date_text(day), in_day / kHourMs,
                     in_day % kHourMs / kMinuteMs, in_day % kMinuteMs / 1000);
}

}  // namespace liaison::gen
