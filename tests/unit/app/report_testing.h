// Helpers of the flag and report tests: times as milliseconds, the station's time zone, and
// records written through change capture (Replica::write + insert), as the programs write them.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "shared/app/tables.h"
#include "shared/sync/replica.h"
#include "tests/common/status_testing.h"

namespace liaison::test {

// The stations' zone (UTC+8) as a POSIX TZ string, which needs no time zone database. SQLite's
// 'localtime' follows TZ, so month and day edges in the tests are the same on every machine.
inline void use_station_time_zone() {
  ::setenv("TZ", "CST-8", 1);
  ::tzset();
}

// Milliseconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ".
inline int64_t utc_ms(const std::string& iso) {
  std::tm tm{};
  ::strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return static_cast<int64_t>(::timegm(&tm)) * 1000;
}

constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;
constexpr int64_t kMinuteMs = 60 * 1000;

// "YYYY-MM-DDTHH:MM:SSZ" of milliseconds since the epoch.
inline std::string utc_iso(int64_t ms) {
  std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

using Columns = std::vector<std::pair<std::string, Value>>;

// Inserts one row through change capture and returns its id (id given, or a new one).
inline std::string insert_row(sync::Replica& r, const std::string& table, const Columns& columns,
                              const std::string& id = {}) {
  const sync::TablePolicy& t = app::table_named(table);
  app::FieldList f(t);
  for (const auto& [column, value] : columns) f.set(column, value);
  std::string out;
  EXPECT_OK(r.write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(out, r.insert(t, f.fields(), id));
    return {};
  })) << table;
  return out;
}

// A station's reception day held on held_on (NULL held_on: only planned), optionally voided.
inline std::string add_reception(sync::Replica& r, const std::string& station,
                                 const std::string& held_on, const std::string& void_reason = {}) {
  Columns c = {{"station_id", station},
               {"kind", std::string("reception")},
               {"place", std::string("活动室")},
               {"topic", std::string("接待选民")},
               {"created_at", r.now_iso()}};
  c.emplace_back(held_on.empty() ? "planned_on" : "held_on",
                 held_on.empty() ? Value(std::string("2026-09-20")) : Value(held_on));
  if (!void_reason.empty()) c.emplace_back("void_reason", void_reason);
  return insert_row(r, "activity", c);
}

inline std::string add_home_meeting(sync::Replica& r, const std::string& home,
                                    const std::string& held_on) {
  return insert_row(r, "activity",
                    {{"home_id", home},
                     {"kind", std::string("home_meeting")},
                     {"held_on", held_on},
                     {"place", std::string("代表之家")},
                     {"topic", std::string("学习研讨")},
                     {"created_at", r.now_iso()}});
}

}  // namespace liaison::test
