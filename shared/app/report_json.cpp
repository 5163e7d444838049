#include "shared/app/report_json.h"

namespace liaison::app {

namespace {

Json opt(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }
Json opt(const OptText& text) { return text ? Json(*text) : Json(nullptr); }
Json opt(const std::optional<int64_t>& n) { return n ? Json(*n) : Json(nullptr); }

Json by_status(const OpinionCounts& c) {
  Json out = Json::object();
  for (size_t i = 0; i < kStatusCount; ++i)
    out[status_name(static_cast<OpinionStatus>(i))] = c.by_status[i];
  return out;
}

// [{key: name, count: n}...]; an empty name (no category) is null.
Json counted(const std::map<std::string, int64_t>& counts, const char* key) {
  Json out = Json::array();
  for (const auto& [name, n] : counts) out.push_back({{key, opt(name)}, {"count", n}});
  return out;
}

Json opinions(const OpinionCounts& c, bool with_breakdown) {
  Json out = {{"total", c.total}, {"by_status", by_status(c)}};
  if (with_breakdown) {
    out["by_category"] = counted(c.by_category, "category");
    out["by_source"] = counted(c.by_source, "source");
  }
  return out;
}

Json flags(const std::vector<Flag>& list) {
  Json out = Json::array();
  for (const Flag& f : list) out.push_back(to_json(f));
  return out;
}

Json overdue(const std::vector<Opinion>& list, bool public_view) {
  Json out = Json::array();
  for (const Opinion& o : list) {
    Json j = to_json(o);
    if (public_view) {
      j.erase("voter");
      j.erase("phone");
    }
    out.push_back(std::move(j));
  }
  return out;
}

Json receptions(const std::vector<Reception>& list) {
  Json out = Json::array();
  for (const Reception& r : list)
    out.push_back({{"id", r.id},
                   {"held_on", r.held_on},
                   {"place", opt(r.place)},
                   {"topic", opt(r.topic)},
                   {"voters_received", opt(r.voters)}});
  return out;
}

// The fields of one station's part of a report, after its station and name.
void station_fields(Json& out, const Report& report, const StationReport& s, bool public_view) {
  bool month = report.kind == ReportKind::kMonth;
  if (!month) out["last_sync"] = opt(s.last_sync);
  out["opinions"] = opinions(s.opinions, month);
  out["overdue_count"] = s.overdue.size();
  if (month) {
    out["overdue"] = overdue(s.overdue, public_view);
    out["receptions"] = receptions(s.receptions);
  }
  out["flags"] = flags(s.flags);
}

}  // namespace

Json to_json(const Flag& f) {
  return {{"code", flag_code_name(f.code)},
          {"subject_kind", f.subject_kind},
          {"subject", f.subject},
          {"station", opt(f.station)},
          {"period", f.period},
          {"name", opt(f.name)},
          {"count", opt(f.count)},
          {"total", opt(f.total)},
          {"days", opt(f.days)}};
}

Json to_json(const Report& report, bool public_view) {
  bool month = report.kind == ReportKind::kMonth;
  Json out = {{"kind", month ? "month" : "overview"}};
  if (!report.district && !report.stations.empty()) {
    out["station"] = report.stations.front().station.id;
    out["name"] = opt(report.stations.front().station.name);
  }
  if (month) out["month"] = report.month;
  out["generated_at"] = report.generated_at;
  out["today"] = report.today;
  out["overdue_days"] = report.overdue_days;
  out["public"] = public_view;
  if (!report.district && !report.stations.empty()) {
    station_fields(out, report, report.stations.front(), public_view);
    return out;
  }
  Json stations = Json::array();
  for (const StationReport& s : report.stations) {
    Json j = {{"station", s.station.id}, {"name", opt(s.station.name)}};
    station_fields(j, report, s, public_view);
    stations.push_back(std::move(j));
  }
  out["stations"] = std::move(stations);
  out["home_flags"] = flags(report.home_flags);
  Json total = {{"opinions", opinions(report.total.opinions, month)},
                {"overdue_count", report.overdue_total}};
  if (month) total["receptions_count"] = report.receptions_total;
  total["flags_count"] = report.flags_total;
  out["total"] = std::move(total);
  return out;
}

}  // namespace liaison::app
