// One simulated year of every station and of the district, scheduled on a Timeline with the
// app functions the programs use (so the records are exactly what they write):
// - each station registers its spokespersons in January (names, areas that cover most but not
//   always all of the station's voters, about 45 % women and 40 % party members);
// - it announces a reception day a week or so ahead every month and holds it with some of its
//   deputies and spokespersons present, voters received and the opinions taken there; now and
//   then a month is missed, or a day cancelled;
// - spokespersons make visit rounds every two to five weeks and take down opinions there;
//   more opinions arrive by mailbox, forum, phone, survey and e-mail;
// - each opinion gets handling steps in realistic proportions: most are referred and replied
//   within 30 days, some explained on the spot, redirected to a legal channel or raised as a
//   motion, some replied late, some never (overdue), a few voided as duplicates;
// - most deputies report to voters once in the year; each home meets every quarter, mostly;
// - stations sync with the district at the end of every month.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/gen/material.h"
#include "tools/gen/timeline.h"
#include "tools/gen/world.h"

namespace liaison::gen {

class Year {
 public:
  // REQUIRES: world, material and engine outlive the Year, and the Year the timeline's run.
  Year(World& world, const Material& material, Engine& engine, const Options& options);

  // Schedules the whole year on timeline. Every random draw happens here, so a seed gives one
  // schedule; the actions only write.
  void schedule(Timeline& timeline);
  // The first instant after the year: actions from then on are not run.
  int64_t end_ms() const;

 private:

  void schedule_roster(Timeline& t, size_t station);
  // Returns how many of the opinions found no reception day held to be taken at.
  int schedule_receptions(Timeline& t, size_t station, int opinions);
  // False when no reception day is held that month (missed or cancelled): then the opinions
  // were not scheduled.
  bool schedule_reception(Timeline& t, size_t station, int month, int opinions);
  void schedule_visits(Timeline& t, size_t station, int opinions);
  void schedule_other_opinions(Timeline& t, size_t station, int opinions);
  void schedule_reports(Timeline& t, size_t station);
  void schedule_home_meetings(Timeline& t);
  void schedule_syncs(Timeline& t);
  // Schedules an opinion taken down at ms and its handling; returns its slot in opinion_ids_.
  size_t schedule_opinion(Timeline& t, size_t station, int64_t ms, const std::string& source,
                          int spokesperson);
  void schedule_handling(Timeline& t, size_t station, size_t slot, int64_t at,
                         const std::string& category);
  // A random instant of day between the hours.
  int64_t time_on(int64_t day, int from_hour, int to_hour);

  World& world_;
  const Material& material_;
  Engine& e_;
  const Options& options_;
  int64_t first_day_ = 0, days_ = 365;
  std::vector<std::vector<std::string>> spokespersons_;  // per station, once registered
  std::vector<std::string> opinion_ids_;                 // by slot, once recorded
  std::vector<std::string> activity_ids_;                // by slot, once announced
};

}  // namespace liaison::gen
