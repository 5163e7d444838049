#include "tools/gen/year.h"

#include <array>

#include <fmt/format.h>

#include "shared/app/activities.h"
#include "shared/app/deputies.h"
#include "shared/app/opinions.h"
#include "shared/app/spokespersons.h"
#include "tools/gen/calendar.h"

namespace liaison::gen {

namespace {

constexpr std::array<const char*, 6> kMeetingTopics = {
    "学习代表法和代表工作制度", "集中视察民生实事项目", "专题调研老旧小区改造",
    "分组讨论年度民生实事", "听取区政府部门情况通报", "代表建议办理情况座谈"};

// The source of an opinion that came in neither at a reception nor on a visit.
const char* other_source(Engine& e) {
  double x = std::uniform_real_distribution<double>(0, 1)(e);
  if (x < 0.35) return "mailbox";
  if (x < 0.60) return "forum";
  if (x < 0.85) return "phone";
  if (x < 0.95) return "survey";
  return "email";
}

}  // namespace

Year::Year(World& world, const Material& material, Engine& engine, const Options& options)
    : world_(world), material_(material), e_(engine), options_(options) {
  first_day_ = days_from_civil({options.year, 1, 1});
  days_ = days_from_civil({options.year + 1, 1, 1}) - first_day_;
  spokespersons_.resize(world.stations().size());
}

int64_t Year::end_ms() const { return local_ms(first_day_ + days_, 0, 0); }

int64_t Year::time_on(int64_t day, int from_hour, int to_hour) {
  return local_ms(day, 0, 0) + between(e_, from_hour * 60, to_hour * 60 - 1) * kMinuteMs;
}

void Year::schedule(Timeline& t) {
  for (size_t s = 0; s < world_.stations().size(); ++s) {
    int total = options_.opinions;
    int at_receptions = total / 4, on_visits = total * 45 / 100;
    schedule_roster(t, s);
    int not_taken = schedule_receptions(t, s, at_receptions);
    schedule_visits(t, s, on_visits);
    schedule_other_opinions(t, s, total - at_receptions - on_visits + not_taken);
    schedule_reports(t, s);
  }
  schedule_home_meetings(t);
  schedule_syncs(t);
}

void Year::schedule_roster(Timeline& t, size_t s) {
  const StationInfo& station = world_.stations()[s];
  int n = options_.spokespersons;
  spokespersons_[s].resize(static_cast<size_t>(n));
  // The areas cover 85 to 100 % of the registered voters, in shares of about equal size.
  int64_t covered = station.voters * between(e_, 85, 100) / 100;
  for (int k = 0; k < n; ++k) {
    app::SpokespersonInput in;
    char gender = chance(e_, 0.45) ? 'f' : 'm';
    in.name = person_name(e_, gender);
    in.gender = std::string(1, gender);
    in.party_member = chance(e_, 0.4);
    in.phone = fake_phone(e_);
    in.area = fmt::format("{}第{}网格", station.place.spot, k + 1);
    int64_t voters = covered / n;
    in.voters = std::to_string(voters);
    in.households = std::to_string(voters * 10 / between(e_, 24, 30));
    // Registered on 2 January, before any visit round (from the 4th).
    t.at(time_on(first_day_ + 1, 9, 11), [this, s, k, in] {
      LIAISON_ASSIGN_OR_RETURN(spokespersons_[s][static_cast<size_t>(k)],
                               app::add_spokesperson(world_.station(s), in));
      return Status{};
    });
  }
}

int Year::schedule_receptions(Timeline& t, size_t s, int opinions) {
  int left = opinions;
  for (int month = 1; month <= 12; ++month) {
    int64_t drawn = between(e_, opinions / 18, opinions / 8);
    int share = month == 12 ? left : std::min(left, static_cast<int>(drawn));
    // A month without a reception day passes its share on to the next.
    if (schedule_reception(t, s, month, share)) left -= share;
  }
  return left;
}

bool Year::schedule_reception(Timeline& t, size_t s, int month, int opinions) {
  const StationInfo& station = world_.stations()[s];
  if (chance(e_, 0.04)) return false;  // a month without a reception day: the office flags it
  // The third week of the month, on a weekday the station keeps.
  int64_t day = days_from_civil({options_.year, month, 15}) + between(e_, -2, 4);
  app::ActivityInput plan;
  plan.kind = app::kReception;
  plan.planned = chance(e_, 0.9);
  plan.place = station.place.spot + (station.place.kind == "village" ? "村委会" : "居委会");
  plan.topic = reception_topic(e_, month);
  plan.held.date = date_text(day);
  size_t slot = activity_ids_.size();
  activity_ids_.emplace_back();
  // Announced a week or so ahead; else logged on the day, before what was held is recorded.
  int64_t announced =
      plan.planned ? time_on(day - between(e_, 6, 10), 9, 17) : local_ms(day, 11, 40);
  bool cancelled = plan.planned && chance(e_, 0.03);
  t.at(announced, [this, s, slot, plan] {
    LIAISON_ASSIGN_OR_RETURN(activity_ids_[slot], app::add_activity(world_.station(s), plan));
    return Status{};
  });
  if (cancelled) {
    t.at(announced + between(e_, 1, 4) * kDayMs, [this, s, slot] {
      return app::void_activity(world_.station(s), activity_ids_[slot], "因天气原因取消，另行通知");
    });
    return false;
  }
  std::vector<size_t> opinion_slots;
  for (int k = 0; k < opinions; ++k)
    opinion_slots.push_back(schedule_opinion(t, s, time_on(day, 9, 11), "reception", -1));
  std::vector<std::string> deputies;
  for (const std::string& d : station.deputies)
    if (chance(e_, 0.75)) deputies.push_back(d);
  if (deputies.empty()) deputies.push_back(station.deputies[pick(e_, station.deputies.size())]);
  std::vector<int> present;
  for (int k = 0; k < options_.spokespersons; ++k)
    if (chance(e_, 0.3)) present.push_back(k);
  int64_t voters = opinions + between(e_, 5, 30);
  t.at(local_ms(day, 11, 45), [this, s, slot, day, deputies, present, opinion_slots, voters] {
    app::HeldInput held;
    held.date = date_text(day);
    held.voters = std::to_string(voters);
    held.deputies = deputies;
    for (int k : present) held.spokespersons.push_back(spokespersons_[s][static_cast<size_t>(k)]);
    for (size_t o : opinion_slots) held.opinions.push_back(opinion_ids_[o]);
    return app::record_held(world_.station(s), activity_ids_[slot], held);
  });
  return true;
}

void Year::schedule_visits(Timeline& t, size_t s, int opinions) {
  struct Round {
    int64_t day;
    int spokesperson;
  };
  std::vector<Round> rounds;
  for (int k = 0; k < options_.spokespersons; ++k) {
    for (int64_t day = first_day_ + between(e_, 3, 20); day < first_day_ + days_;
         day += between(e_, 14, 35)) {
      rounds.push_back({day, k});
      app::VisitInput in;
      in.date = date_text(day);
      in.households = std::to_string(between(e_, 5, 40));
      if (chance(e_, 0.6)) in.note = visit_note(e_);
      t.at(time_on(day, 14, 16), [this, s, k, in]() mutable -> Status {
        in.spokesperson = spokespersons_[s][static_cast<size_t>(k)];
        return status_of(app::add_visit(world_.station(s), in));
      });
    }
  }
  for (int k = 0; k < opinions && !rounds.empty(); ++k) {
    const Round& r = rounds[pick(e_, rounds.size())];
    schedule_opinion(t, s, time_on(r.day, 16, 19), "visit", r.spokesperson);
  }
}

void Year::schedule_other_opinions(Timeline& t, size_t s, int opinions) {
  for (int k = 0; k < opinions; ++k) {
    int64_t day = first_day_ + between(e_, 0, days_ - 1);
    schedule_opinion(t, s, time_on(day, 8, 20), other_source(e_), -1);
  }
}

size_t Year::schedule_opinion(Timeline& t, size_t s, int64_t ms, const std::string& source,
                              int spokesperson) {
  const StationInfo& station = world_.stations()[s];
  Matter matter = material_.opinion(e_, station.place);
  app::OpinionInput in;
  in.voter = person_name(e_, chance(e_, 0.5) ? 'f' : 'm');
  in.matter = matter.text;
  if (chance(e_, 0.7)) in.phone = fake_phone(e_);
  in.place = material_.place_of(e_, station.place);
  in.category = matter.category;
  in.source = source;
  in.at = time_text(ms);
  size_t slot = opinion_ids_.size();
  opinion_ids_.emplace_back();
  t.at(ms, [this, s, slot, spokesperson, in]() mutable -> Status {
    if (spokesperson >= 0) in.spokesperson = spokespersons_[s][static_cast<size_t>(spokesperson)];
    LIAISON_ASSIGN_OR_RETURN(opinion_ids_[slot], app::add_opinion(world_.station(s), in));
    return Status{};
  });
  schedule_handling(t, s, slot, ms, matter.category);
  return slot;
}

void Year::schedule_home_meetings(Timeline& t) {
  for (const HomeInfo& home : world_.homes()) {
    for (int quarter = 0; quarter < 4; ++quarter) {
      if (!chance(e_, 0.9)) continue;  // a quarter without a meeting: the office will flag it
      int64_t day = days_from_civil({options_.year, quarter * 3 + 2, 1}) + between(e_, 4, 24);
      app::ActivityInput in;
      in.kind = app::kHomeMeeting;
      in.home = home.id;
      in.place = world_.stations()[home.stations[0]].place.town + "人大代表之家";
      in.topic = kMeetingTopics[pick(e_, kMeetingTopics.size())];
      in.held.date = date_text(day);
      for (const std::string& d : home.deputies)
        if (chance(e_, 0.85)) in.held.deputies.push_back(d);
      for (size_t s : home.stations)
        for (const std::string& d : world_.stations()[s].deputies)
          if (chance(e_, 0.5)) in.held.deputies.push_back(d);
      t.at(time_on(day, 16, 18), [this, in] {
        return status_of(app::add_activity(world_.district(), in));
      });
    }
  }
  // City deputies report at the district.
  for (const HomeInfo& home : world_.homes()) {
    for (const std::string& d : home.deputies) {
      if (!chance(e_, 0.7)) continue;
      int64_t day = first_day_ + between(e_, 300, days_ - 5);
      app::ReportInput in{d, date_text(day), "written", "书面向原选区选民报告履职情况"};
      t.at(time_on(day, 10, 12), [this, in] {
        return status_of(app::add_deputy_report(world_.district(), in));
      });
    }
  }
}

void Year::schedule_syncs(Timeline& t) {
  for (int month = 1; month <= 12; ++month) {
    int64_t day = days_from_civil({options_.year, month, days_in_month(options_.year, month)});
    for (size_t s = 0; s < world_.stations().size(); ++s)
      t.at(local_ms(day, 20, 0), [this, s] { return world_.sync_station(s); });
  }
}

void Year::schedule_reports(Timeline& t, size_t s) {
  const StationInfo& station = world_.stations()[s];
  for (const std::string& deputy : station.deputies) {
    if (!chance(e_, 0.8)) continue;  // some deputies do not report this year
    int64_t day = first_day_ + between(e_, 240, days_ - 10);
    app::ReportInput in;
    in.deputy = deputy;
    in.date = date_text(day);
    double form = std::uniform_real_distribution<double>(0, 1)(e_);
    in.form = form < 0.6 ? "meeting" : form < 0.85 ? "written" : "online";
    in.note = fmt::format("向{}选民报告年度履职情况", station.place.spot);
    t.at(time_on(day, 18, 20), [this, s, in] {
      return status_of(app::add_deputy_report(world_.station(s), in));
    });
  }
}

}  // namespace liaison::gen
