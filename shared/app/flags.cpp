#include "shared/app/flags.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "shared/app/report_query.h"
#include "shared/app/tables.h"
#include "shared/util/i18n.h"

namespace liaison::app {

namespace {

constexpr std::array<std::pair<FlagCode, const char*>, 8> kCodes = {{
    {FlagCode::kOverdueOpinions, "overdue_opinions"},
    {FlagCode::kNoReception, "no_reception"},
    {FlagCode::kNoHomeMeeting, "no_home_meeting"},
    {FlagCode::kNoDeputyReport, "no_deputy_report"},
    {FlagCode::kVotersUncovered, "voters_uncovered"},
    {FlagCode::kNoSpokespersons, "no_spokespersons"},
    {FlagCode::kNoWomenSpokespersons, "no_women_spokespersons"},
    {FlagCode::kNoPartyMemberSpokespersons, "no_party_member_spokespersons"},
}};

// What every check needs: the replica, the options, today and the stations covered.
struct Checker {
  sync::Replica& replica;
  const FlagOptions& options;
  std::string today;
  std::vector<StationSubject> stations;
  std::vector<Flag> flags;

  bool one_station() const { return !options.station.empty(); }
  void add(FlagCode code, std::string kind, std::string subject, std::string station,
           std::string period, std::string name) {
    Flag f;
    f.code = code;
    f.subject_kind = std::move(kind);
    f.subject = std::move(subject);
    f.station = std::move(station);
    f.period = std::move(period);
    f.name = std::move(name);
    flags.push_back(std::move(f));
  }
  void add_station(FlagCode code, const StationSubject& s, std::string period) {
    add(code, "station", s.id, s.id, std::move(period), s.name);
  }
};

// " AND <column> = ?" with the station as a parameter when one station is covered.
std::string station_clause(const Checker& c, const char* column, std::vector<Value>& params) {
  if (!c.one_station()) return "";
  params.emplace_back(c.options.station);
  return fmt::format(" AND {} = ?", column);
}

Status overdue_flags(Checker& c, FlagResult& result) {
  OpinionFilter filter;
  filter.station = c.options.station;
  filter.overdue = true;
  filter.overdue_days = std::to_string(c.options.overdue_days);
  LIAISON_ASSIGN_OR_RETURN(result.overdue, list_opinions(c.replica, filter));
  std::map<std::string, int64_t> per_station;
  for (const Opinion& o : result.overdue) ++per_station[o.station];
  for (const StationSubject& s : c.stations) {
    auto it = per_station.find(s.id);
    if (it == per_station.end()) continue;
    c.add_station(FlagCode::kOverdueOpinions, s, c.today);
    c.flags.back().count = it->second;
    c.flags.back().days = c.options.overdue_days;
  }
  return {};
}

Status reception_flags(Checker& c) {
  Month m = c.options.month ? *c.options.month : previous_month(month_of(c.today));
  if (c.today < first_day(next_month(m))) return {};  // the month is not over yet
  std::vector<Value> params = {std::string(kReception), first_day(m), first_day(next_month(m))};
  std::string sql =
      "SELECT DISTINCT station_id FROM activity WHERE kind = ? AND void_reason IS NULL "
      "AND station_id IS NOT NULL AND held_on >= ? AND held_on < ?" +
      station_clause(c, "station_id", params);
  std::set<std::string> held;
  LIAISON_RETURN_IF_ERROR(each_row(c.replica, sql, params,
                                   [&](const storage::Stmt& q) { held.insert(q.column_text(0)); }));
  std::string end = first_day(next_month(m));
  for (const StationSubject& s : c.stations) {
    bool registered_later = !s.registered_on.empty() && s.registered_on >= end;
    if (!held.count(s.id) && !registered_later)
      c.add_station(FlagCode::kNoReception, s, month_name(m));
  }
  return {};
}

Status home_flags(Checker& c) {
  if (c.one_station()) return {};  // a station's replica holds no home-level records
  Month q = c.options.month ? quarter_start(*c.options.month)
                            : quarter_start(previous_month(quarter_start(month_of(c.today))));
  if (c.today < first_day(next_quarter(q))) return {};  // the quarter is not over yet
  std::set<std::string> held;
  LIAISON_RETURN_IF_ERROR(
      each_row(c.replica,
               "SELECT DISTINCT home_id FROM activity WHERE kind = ? AND home_id IS NOT NULL "
               "AND station_id IS NULL AND void_reason IS NULL AND held_on >= ? AND held_on < ?",
               {std::string(kHomeMeeting), first_day(q), first_day(next_quarter(q))},
               [&](const storage::Stmt& s) { held.insert(s.column_text(0)); }));
  std::string end = first_day(next_quarter(q));
  return each_row(c.replica,
                  "SELECT id, name FROM home WHERE void_reason IS NULL "
                  "AND substr(created_at, 1, 10) < ? ORDER BY id",
                  {end}, [&](const storage::Stmt& s) {
                    std::string id = s.column_text(0);
                    if (held.count(id)) return;
                    c.add(FlagCode::kNoHomeMeeting, "home", id, "", quarter_name(q),
                          opt_text(s, 1).value_or(""));
                  });
}

// The district's default term holding day: five-year terms counted from kTermAnchorYear.
std::pair<std::string, std::string> default_term(const std::string& day) {
  int offset = month_of(day).year - kTermAnchorYear;
  int terms = offset >= 0 ? offset / kTermYears : -((kTermYears - 1 - offset) / kTermYears);
  int first = kTermAnchorYear + terms * kTermYears;
  return {fmt::format("{:04}-01-01", first), fmt::format("{:04}-12-31", first + kTermYears - 1)};
}

Status deputy_flags(Checker& c) {
  std::string day = c.today;
  if (c.options.month) day = std::min(day, last_day(*c.options.month));
  std::map<std::string, std::vector<std::string>> reports;
  LIAISON_RETURN_IF_ERROR(each_row(
      c.replica, "SELECT deputy_id, substr(reported_on, 1, 10) FROM deputy_report", {},
      [&](const storage::Stmt& q) { reports[q.column_text(0)].push_back(q.column_text(1)); }));
  std::vector<Value> params;
  std::string sql = fmt::format(
      "SELECT id, name, station_id, "
      "COALESCE(date(substr(term_start, 1, 10)), date(term_end, '-{0} years', '+1 day')), "
      "COALESCE(date(substr(term_end, 1, 10)), date(term_start, '+{0} years', '-1 day')) "
      "FROM deputy WHERE void_reason IS NULL AND level IN ('district', 'township')",
      kTermYears);
  sql += station_clause(c, "station_id", params) + " ORDER BY id";
  return each_row(c.replica, sql, params, [&](const storage::Stmt& q) {
    std::pair<std::string, std::string> term = default_term(day);
    if (!q.column_is_null(3) && !q.column_is_null(4)) term = {q.column_text(3), q.column_text(4)};
    if (day < term.first || day > term.second) return;  // not serving on the reference day
    std::string id = q.column_text(0);
    for (const std::string& on : reports[id])
      if (on >= term.first && on <= term.second) return;
    c.add(FlagCode::kNoDeputyReport, "deputy", id, opt_text(q, 2).value_or(""),
          term.first + "/" + term.second, opt_text(q, 1).value_or(""));
  });
}

struct Roster {
  int64_t people = 0, voters = 0, women = 0, party_members = 0;
};

Status roster_flags(Checker& c) {
  std::vector<Value> params;
  std::string sql =
      "SELECT station_id, COUNT(*), COALESCE(SUM(voters), 0), COALESCE(SUM(gender = 'f'), 0), "
      "COALESCE(SUM(party_member = 1), 0) FROM spokesperson WHERE void_reason IS NULL" +
      station_clause(c, "station_id", params) + " GROUP BY station_id";
  std::map<std::string, Roster> rosters;
  LIAISON_RETURN_IF_ERROR(each_row(c.replica, sql, params, [&](const storage::Stmt& q) {
    rosters[q.column_text(0)] = {q.column_int(1), q.column_int(2), q.column_int(3),
                                 q.column_int(4)};
  }));
  params.clear();
  sql = "SELECT id, voters FROM station WHERE voters IS NOT NULL" + station_clause(c, "id", params);
  std::map<std::string, int64_t> voters;
  LIAISON_RETURN_IF_ERROR(each_row(c.replica, sql, params, [&](const storage::Stmt& q) {
    voters[q.column_text(0)] = q.column_int(1);
  }));
  for (const StationSubject& s : c.stations) {
    Roster r = rosters.count(s.id) ? rosters[s.id] : Roster{};
    auto v = voters.find(s.id);
    if (v != voters.end() && v->second > r.voters) {
      c.add_station(FlagCode::kVotersUncovered, s, c.today);
      c.flags.back().count = v->second - r.voters;
      c.flags.back().total = v->second;
    }
    if (r.people == 0) {
      c.add_station(FlagCode::kNoSpokespersons, s, c.today);
      continue;
    }
    if (r.women == 0) c.add_station(FlagCode::kNoWomenSpokespersons, s, c.today);
    if (r.party_members == 0) c.add_station(FlagCode::kNoPartyMemberSpokespersons, s, c.today);
  }
  return {};
}

// "name（id）", or the id alone when the name is unknown.
std::string named(const Flag& f, std::string_view lang) {
  if (f.name.empty()) return f.subject;
  return lang == "en" ? fmt::format("{} ({})", f.name, f.subject)
                      : fmt::format("{}（{}）", f.name, f.subject);
}

}  // namespace

const char* flag_code_name(FlagCode code) {
  for (const auto& [c, name] : kCodes)
    if (c == code) return name;
  return "unknown";
}

std::string flag_text(const Flag& f, std::string_view lang) {
  std::string key = std::string("flag.") + flag_code_name(f.code);
  switch (f.code) {
    case FlagCode::kOverdueOpinions:
      return i18n::format(lang, key, f.count.value_or(0), f.days.value_or(0));
    case FlagCode::kNoReception:
      return i18n::format(lang, key, f.period);
    case FlagCode::kNoHomeMeeting:
    case FlagCode::kNoDeputyReport:
      return i18n::format(lang, key, named(f, lang), f.period);
    case FlagCode::kVotersUncovered: {
      int64_t total = f.total.value_or(0), uncovered = f.count.value_or(0);
      return i18n::format(lang, key, uncovered, total, total - uncovered);
    }
    default:
      return i18n::text(lang, key);
  }
}

Result<std::vector<StationSubject>> report_stations(sync::Replica& replica,
                                                    const std::string& station) {
  std::map<std::string, StationSubject> found;
  std::set<std::string> voided;
  std::vector<Value> params;
  std::string sql =
      "SELECT id, name, void_reason IS NOT NULL, substr(created_at, 1, 10) FROM station";
  if (!station.empty()) {
    found[station] = {station, "", ""};
    sql += " WHERE id = ?";
    params.emplace_back(station);
  }
  LIAISON_RETURN_IF_ERROR(each_row(replica, sql, params, [&](const storage::Stmt& q) {
    std::string id = q.column_text(0);
    if (q.column_int(2) != 0 && station.empty())
      voided.insert(id);
    else
      found[id] = {id, opt_text(q, 1).value_or(""), q.column_text(3)};
  }));
  if (station.empty()) {
    LIAISON_RETURN_IF_ERROR(each_row(replica, "SELECT DISTINCT station_id FROM opinion", {},
                                     [&](const storage::Stmt& q) {
                                       std::string id = q.column_text(0);
                                       if (!found.count(id)) found[id] = {id, "", ""};
                                     }));
  }
  // A station's records can be older than its registration here (entered before the district
  // registered it): it answers for every month since the earlier of the two.
  std::vector<Value> first_params;
  std::string first_sql = "SELECT station_id, MIN(substr(at, 1, 10)) FROM opinion";
  if (!station.empty()) {
    first_sql += " WHERE station_id = ?";
    first_params.emplace_back(station);
  }
  first_sql += " GROUP BY station_id";
  LIAISON_RETURN_IF_ERROR(each_row(replica, first_sql, first_params, [&](const storage::Stmt& q) {
    auto it = found.find(q.column_text(0));
    if (it == found.end() || it->second.registered_on.empty()) return;
    it->second.registered_on = std::min(it->second.registered_on, q.column_text(1));
  }));
  std::vector<StationSubject> out;
  for (auto& [id, s] : found) out.push_back(std::move(s));
  return out;
}

Result<FlagResult> compute_flags(sync::Replica& replica, const FlagOptions& options) {
  FlagResult result;
  LIAISON_ASSIGN_OR_RETURN(result.today, local_date(replica.db(), replica.now_iso()));
  Checker c{replica, options, result.today, {}, {}};
  LIAISON_ASSIGN_OR_RETURN(c.stations, report_stations(replica, options.station));
  LIAISON_RETURN_IF_ERROR(overdue_flags(c, result));
  LIAISON_RETURN_IF_ERROR(reception_flags(c));
  LIAISON_RETURN_IF_ERROR(deputy_flags(c));
  LIAISON_RETURN_IF_ERROR(roster_flags(c));
  LIAISON_RETURN_IF_ERROR(home_flags(c));
  result.flags = std::move(c.flags);
  std::stable_sort(result.flags.begin(), result.flags.end(), [](const Flag& a, const Flag& b) {
    return std::make_tuple(a.station.empty(), a.station, a.code, a.subject) <
           std::make_tuple(b.station.empty(), b.station, b.code, b.subject);
  });
  return result;
}

}  // namespace liaison::app
