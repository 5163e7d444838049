#include "shared/app/report.h"

#include <fmt/format.h>

#include <map>
#include <utility>

#include "shared/app/report_query.h"
#include "shared/app/status.h"
#include "shared/app/tables.h"

namespace liaison::app {

namespace {

using CountMap = std::map<std::string, OpinionCounts>;

// One opinion's facts as the counts need them, gathered from its rows of the join below.
struct Tally {
  std::string id, station, category, source;
  bool is_void = false;
  std::vector<StepEvent> steps;
};

void count(CountMap& counts, Tally& t) {
  if (t.id.empty()) return;
  OpinionStatus status = derive_status(std::move(t.steps), t.is_void);
  OpinionCounts& c = counts[t.station];
  ++c.total;
  ++c.by_status[static_cast<size_t>(status)];
  ++c.by_category[t.category];
  ++c.by_source[t.source];
}

// Counts the opinions per station in one pass over opinion joined with its steps (the
// opinion_step_opinion index). With a month, only the opinions whose time falls in it, local
// time: the text bounds two days wider than the month let the (station_id, at) index narrow
// the scan whatever the zone the time was written in; julianday() then decides exactly.
Result<CountMap> count_opinions(sync::Replica& r, const std::string& station,
                                const std::optional<Month>& month) {
  std::string sql =
      "SELECT o.id, o.station_id, COALESCE(o.category, ''), o.source, o.void_reason IS NOT NULL, "
      "s.id, s.step, s.at FROM opinion o LEFT JOIN opinion_step s ON s.opinion_id = o.id "
      "WHERE 1 = 1";
  std::vector<Value> params;
  auto param = [&params](std::string value) {
    params.emplace_back(std::move(value));
    return "?" + std::to_string(params.size());
  };
  if (!station.empty()) sql += " AND o.station_id = " + param(station);
  if (month) {
    std::string from = param(first_day(*month)), to = param(first_day(next_month(*month)));
    sql += fmt::format(
        " AND o.at >= date({0}, '-2 days') AND o.at < date({1}, '+2 days')"
        " AND julianday(o.at) >= julianday({0}, 'utc') AND julianday(o.at) < julianday({1}, 'utc')",
        from, to);
  }
  sql += " ORDER BY o.id";
  CountMap counts;
  Tally t;
  LIAISON_RETURN_IF_ERROR(each_row(r, sql, params, [&](const storage::Stmt& q) {
    std::string id = q.column_text(0);
    if (id != t.id) {
      count(counts, t);
      t = Tally{id, q.column_text(1), q.column_text(2), q.column_text(3), q.column_int(4) != 0, {}};
    }
    if (!q.column_is_null(5))
      t.steps.push_back({q.column_text(7), q.column_text(5), q.column_text(6)});
  }));
  count(counts, t);
  return counts;
}

Result<std::vector<Reception>> receptions_in(sync::Replica& r, const std::string& station,
                                             Month month) {
  std::vector<Value> params = {std::string(kReception), first_day(month),
                               first_day(next_month(month))};
  std::string sql =
      "SELECT id, station_id, held_on, place, topic, voters_received FROM activity "
      "WHERE kind = ? AND void_reason IS NULL AND station_id IS NOT NULL "
      "AND held_on >= ? AND held_on < ?";
  if (!station.empty()) {
    sql += " AND station_id = ?";
    params.emplace_back(station);
  }
  sql += " ORDER BY station_id, held_on, id";
  std::vector<Reception> out;
  LIAISON_RETURN_IF_ERROR(each_row(r, sql, params, [&](const storage::Stmt& q) {
    out.push_back({q.column_text(0), q.column_text(1), q.column_text(2), opt_text(q, 3),
                   opt_text(q, 4), opt_int(q, 5)});
  }));
  return out;
}

// The latest contact of each station's devices, from the district's device table.
Result<std::map<std::string, std::string>> last_contacts(sync::Replica& r) {
  std::map<std::string, std::string> out;
  LIAISON_RETURN_IF_ERROR(
      each_row(r,
               "SELECT station_id, MAX(last_seen_at) FROM _device WHERE station_id IS NOT NULL "
               "AND last_seen_at IS NOT NULL GROUP BY station_id",
               {}, [&](const storage::Stmt& q) { out[q.column_text(0)] = q.column_text(1); }));
  return out;
}

// Spreads the flags and overdue opinions over the station reports, and sums the totals.
void assemble(Report& report, FlagResult flags, CountMap counts) {
  std::map<std::string, StationReport*> by_id;
  for (StationReport& s : report.stations) {
    by_id[s.station.id] = &s;
    if (auto it = counts.find(s.station.id); it != counts.end()) s.opinions = std::move(it->second);
  }
  for (Opinion& o : flags.overdue)
    if (auto it = by_id.find(o.station); it != by_id.end())
      it->second->overdue.push_back(std::move(o));
  for (Flag& f : flags.flags) {
    auto it = by_id.find(f.station);
    if (it != by_id.end())
      it->second->flags.push_back(std::move(f));
    else
      report.home_flags.push_back(std::move(f));
  }
  report.flags_total = report.home_flags.size();
  for (const StationReport& s : report.stations) {
    report.total.opinions.add(s.opinions);
    report.overdue_total += s.overdue.size();
    report.receptions_total += s.receptions.size();
    report.flags_total += s.flags.size();
  }
}

Result<Report> start(sync::Replica& replica, ReportKind kind, int64_t overdue_days,
                     const std::string& station, const std::optional<Month>& month,
                     FlagResult& flags) {
  Report report;
  report.kind = kind;
  report.district = station.empty();
  report.overdue_days = overdue_days;
  report.generated_at = replica.now_iso();
  if (month) report.month = month_name(*month);
  FlagOptions options;
  options.overdue_days = overdue_days;
  options.month = month;
  options.station = station;
  LIAISON_ASSIGN_OR_RETURN(flags, compute_flags(replica, options));
  report.today = flags.today;
  LIAISON_ASSIGN_OR_RETURN(std::vector<StationSubject> stations, report_stations(replica, station));
  for (StationSubject& s : stations) report.stations.push_back({std::move(s), {}, {}, {}, {}, {}});
  return report;
}

}  // namespace

void OpinionCounts::add(const OpinionCounts& other) {
  total += other.total;
  for (size_t i = 0; i < kStatusCount; ++i) by_status[i] += other.by_status[i];
  for (const auto& [k, n] : other.by_category) by_category[k] += n;
  for (const auto& [k, n] : other.by_source) by_source[k] += n;
}

Result<Report> build_month_report(sync::Replica& replica, Month month, int64_t overdue_days,
                                  const std::string& station) {
  FlagResult flags;
  LIAISON_ASSIGN_OR_RETURN(Report report,
                           start(replica, ReportKind::kMonth, overdue_days, station, month, flags));
  LIAISON_ASSIGN_OR_RETURN(CountMap counts, count_opinions(replica, station, month));
  LIAISON_ASSIGN_OR_RETURN(std::vector<Reception> held, receptions_in(replica, station, month));
  std::map<std::string, std::vector<Reception>> per_station;
  for (Reception& h : held) per_station[h.station].push_back(std::move(h));
  for (StationReport& s : report.stations) s.receptions = std::move(per_station[s.station.id]);
  assemble(report, std::move(flags), std::move(counts));
  return report;
}

Result<Report> build_overview(sync::Replica& replica, int64_t overdue_days) {
  FlagResult flags;
  LIAISON_ASSIGN_OR_RETURN(
      Report report, start(replica, ReportKind::kOverview, overdue_days, "", std::nullopt, flags));
  LIAISON_ASSIGN_OR_RETURN(CountMap counts, count_opinions(replica, "", std::nullopt));
  LIAISON_ASSIGN_OR_RETURN(auto contacts, last_contacts(replica));
  for (StationReport& s : report.stations)
    if (auto it = contacts.find(s.station.id); it != contacts.end()) s.last_sync = it->second;
  assemble(report, std::move(flags), std::move(counts));
  return report;
}

}  // namespace liaison::app
