// The layout of each report: which tables, in which order, with which columns.
#include "shared/app/report_doc.h"

#include <functional>

#include "shared/util/i18n.h"

namespace liaison::app {

namespace {

using Counts = std::map<std::string, int64_t>;
using Labeler = std::function<std::string(const std::string&)>;

struct Layout {
  const Report& report;
  std::string_view lang;
  bool public_view;

  std::string t(std::string_view key) const { return i18n::text(lang, key); }
  // The catalogue text of a vocabulary word, or the word itself when there is none.
  std::string vocab(std::string_view group, const std::string& word) const {
    std::string key = "label." + std::string(group) + "." + word;
    std::string text = t(key);
    return text == key ? word : text;
  }
  std::string category(const std::string& c) const {
    return c.empty() ? t("report.no_category") : c;
  }
  std::string source(const std::string& s) const { return vocab("source", s); }
  std::string status(size_t i) const {
    return vocab("status", status_name(static_cast<OpinionStatus>(i)));
  }
  bool by_station() const { return report.district; }
};

DocTable table(const Layout& l, std::string_view title_key, std::vector<std::string> header_keys) {
  DocTable out{l.t(title_key), {}, {}};
  for (const std::string& key : header_keys) out.header.push_back(l.t(key));
  return out;
}

DocTable summary(const Layout& l) {
  const Report& r = l.report;
  DocTable out = table(l, "report.section.summary", {"report.item", "report.value"});
  auto row = [&](std::string_view key, DocCell value) {
    out.rows.push_back({l.t(key), std::move(value)});
  };
  if (!r.district && !r.stations.empty()) {
    const StationSubject& s = r.stations.front().station;
    row("label.station", s.name.empty() ? s.id : s.id + " " + s.name);
  } else {
    row("report.stations", static_cast<int64_t>(r.stations.size()));
  }
  if (r.kind == ReportKind::kMonth) row("report.month", r.month);
  row("report.generated_at", r.generated_at);
  row("report.today", r.today);
  row("report.overdue_days", r.overdue_days);
  row("report.edition", l.t(l.public_view ? "report.edition.public" : "report.edition.internal"));
  row(r.kind == ReportKind::kMonth ? "report.opinions_in_month" : "report.opinions",
      r.total.opinions.total);
  row("report.overdue", static_cast<int64_t>(r.overdue_total));
  if (r.kind == ReportKind::kMonth)
    row("report.receptions", static_cast<int64_t>(r.receptions_total));
  row("report.flags", static_cast<int64_t>(r.flags_total));
  return out;
}

// (label, count) rows of one station, or (label, total, per station...) rows of the district.
DocTable breakdown(const Layout& l, std::string_view title_key, const char* label_key,
                   const std::function<const Counts&(const OpinionCounts&)>& pick,
                   const Labeler& label) {
  DocTable out = table(l, title_key, {label_key, "report.count"});
  if (l.by_station()) {
    out.header[1] = l.t("report.total");
    for (const StationReport& s : l.report.stations) out.header.push_back(s.station.id);
  }
  for (const auto& [name, n] : pick(l.report.total.opinions)) {
    std::vector<DocCell> row = {label(name), n};
    if (l.by_station()) {
      for (const StationReport& s : l.report.stations) {
        const Counts& c = pick(s.opinions);
        auto it = c.find(name);
        row.push_back(it == c.end() ? int64_t{0} : it->second);
      }
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

DocTable by_status(const Layout& l) {
  DocTable out = table(l, "report.section.by_status", {"label.status", "report.count"});
  if (l.by_station()) {
    out.header[1] = l.t("report.total");
    for (const StationReport& s : l.report.stations) out.header.push_back(s.station.id);
  }
  for (size_t i = 0; i < kStatusCount; ++i) {
    std::vector<DocCell> row = {l.status(i), l.report.total.opinions.by_status[i]};
    if (l.by_station())
      for (const StationReport& s : l.report.stations) row.push_back(s.opinions.by_status[i]);
    out.rows.push_back(std::move(row));
  }
  return out;
}

// One row per station with its numbers, and a total row.
DocTable stations(const Layout& l) {
  bool month = l.report.kind == ReportKind::kMonth;
  std::vector<std::string> keys = {"label.station", "label.name"};
  if (!month) keys.push_back("label.last_sync");
  keys.push_back(month ? "report.opinions_in_month" : "report.opinions");
  DocTable out = table(l, "report.section.by_station", keys);
  for (size_t i = 0; i < kStatusCount; ++i) out.header.push_back(l.status(i));
  for (const char* key : {"report.overdue", "report.receptions", "report.flags"})
    if (month || std::string_view(key) != "report.receptions") out.header.push_back(l.t(key));
  // last: the last contact, "-" for none, empty on the total row.
  auto row = [&](std::string id, std::string name, std::string last, const OpinionCounts& c,
                 size_t overdue, size_t receptions, size_t flags) {
    std::vector<DocCell> cells = {std::move(id), std::move(name)};
    if (!month) cells.push_back(std::move(last));
    cells.push_back(c.total);
    for (int64_t n : c.by_status) cells.push_back(n);
    cells.push_back(static_cast<int64_t>(overdue));
    if (month) cells.push_back(static_cast<int64_t>(receptions));
    cells.push_back(static_cast<int64_t>(flags));
    out.rows.push_back(std::move(cells));
  };
  for (const StationReport& s : l.report.stations)
    row(s.station.id, s.station.name, s.last_sync.value_or("-"), s.opinions, s.overdue.size(),
        s.receptions.size(), s.flags.size());
  const Report& r = l.report;
  row(l.t("report.total"), "", "", r.total.opinions, r.overdue_total, r.receptions_total,
      r.flags_total);
  return out;
}

DocTable receptions(const Layout& l) {
  std::vector<std::string> keys = {"report.held_on", "label.place", "report.topic",
                                   "report.voters_received"};
  if (l.by_station()) keys.insert(keys.begin(), "label.station");
  DocTable out = table(l, "report.section.receptions", keys);
  for (const StationReport& s : l.report.stations) {
    for (const Reception& r : s.receptions) {
      std::vector<DocCell> row = {r.held_on, r.place.value_or(""), r.topic.value_or("")};
      row.push_back(r.voters ? DocCell(*r.voters) : DocCell(""));
      if (l.by_station()) row.insert(row.begin(), r.station);
      out.rows.push_back(std::move(row));
    }
  }
  return out;
}

DocTable flags(const Layout& l) {
  std::vector<std::string> keys = {"report.subject", "report.flag", "report.period"};
  if (l.by_station()) keys.insert(keys.begin(), "label.station");
  DocTable out = table(l, "report.section.flags", keys);
  auto add = [&](const Flag& f) {
    std::string subject = l.t("report.subject." + f.subject_kind) + " " + f.subject;
    std::vector<DocCell> row = {subject, flag_text(f, l.lang), f.period};
    if (l.by_station()) row.insert(row.begin(), f.station);
    out.rows.push_back(std::move(row));
  };
  for (const StationReport& s : l.report.stations)
    for (const Flag& f : s.flags) add(f);
  for (const Flag& f : l.report.home_flags) add(f);
  return out;
}

DocTable overdue(const Layout& l) {
  std::vector<std::string> keys = {"label.id",       "label.at",    "label.status",
                                   "label.category", "label.place", "label.matter"};
  if (!l.public_view) keys.insert(keys.end(), {"label.voter", "label.phone"});
  if (l.by_station()) keys.insert(keys.begin(), "label.station");
  DocTable out = table(l, "report.section.overdue", keys);
  for (const StationReport& s : l.report.stations) {
    for (const Opinion& o : s.overdue) {
      std::vector<DocCell> row = {o.id,
                                  o.at,
                                  l.vocab("status", status_name(o.status)),
                                  l.category(o.category.value_or("")),
                                  o.place.value_or(""),
                                  o.matter};
      if (!l.public_view) row.insert(row.end(), {o.voter, o.phone.value_or("")});
      if (l.by_station()) row.insert(row.begin(), o.station);
      out.rows.push_back(std::move(row));
    }
  }
  return out;
}

std::string title(const Layout& l) {
  const Report& r = l.report;
  if (r.kind == ReportKind::kOverview) return l.t("report.title.overview");
  if (r.district) return i18n::format(l.lang, "report.title.district_month", r.month);
  std::string station = r.stations.empty() ? "" : r.stations.front().station.id;
  return i18n::format(l.lang, "report.title.station_month", station, r.month);
}

}  // namespace

ReportDoc report_doc(const Report& report, std::string_view lang, bool public_view) {
  Layout l{report, lang, public_view};
  ReportDoc doc{title(l), {summary(l)}};
  if (report.district) doc.tables.push_back(stations(l));
  if (report.kind == ReportKind::kMonth) {
    doc.tables.push_back(by_status(l));
    auto category = [](const OpinionCounts& c) -> const Counts& { return c.by_category; };
    auto source = [](const OpinionCounts& c) -> const Counts& { return c.by_source; };
    doc.tables.push_back(breakdown(l, "report.section.by_category", "label.category", category,
                                   [&](const std::string& c) { return l.category(c); }));
    doc.tables.push_back(breakdown(l, "report.section.by_source", "label.source", source,
                                   [&](const std::string& s) { return l.source(s); }));
    doc.tables.push_back(receptions(l));
  }
  doc.tables.push_back(flags(l));
  if (report.kind == ReportKind::kMonth) doc.tables.push_back(overdue(l));
  return doc;
}

}  // namespace liaison::app
