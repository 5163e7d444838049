// Printing deputies' reports to voters, their performance archives, and categories.
#include <fmt/format.h>

#include "shared/app/render.h"
#include "shared/app/render_records.h"

namespace liaison::app {

namespace {

constexpr size_t kTopicColumns = 24;
constexpr size_t kMatterColumns = 40;

Json opt(const OptText& text) { return text ? Json(*text) : Json(nullptr); }
std::string or_empty(const OptText& text) { return text.value_or(""); }

std::string form_text(const Output& out, const OptText& form) {
  return form ? vocab_text(out, "report_form", *form) : "";
}

void print_section(Output& out, const std::string& label_key) {
  out.print_line("");
  out.print_line(out.text(label_key) + (out.lang() == "zh" ? "：" : ":"));
}

void print_ledger(Output& out, const DeputyArchive& a) {
  print_section(out, "label.ledger");
  if (a.activities.empty()) return out.print_line("  " + out.text("label.none"));
  for (const MonthCount& m : a.by_month)
    out.print_line("  " + out.format("msg.month_activities", m.month, m.activities));
  std::vector<std::vector<std::string>> rows;
  for (const Activity& act : a.activities)
    rows.push_back({activity_date(act), vocab_text(out, "activity", act.kind),
                    act.station ? *act.station : or_empty(act.home), or_empty(act.place),
                    clip(or_empty(act.topic), kTopicColumns), act.id});
  out.print_table({"label.date", "label.activity_kind", "label.fixed_to", "label.place",
                   "label.topic", "label.id"},
                  rows);
}

void print_reports(Output& out, const DeputyArchive& a) {
  print_section(out, "label.reports");
  if (a.reports_in_term)
    out.print_line("  " + out.format("msg.reports_in_term", *a.reports_in_term));
  if (a.reports.empty()) return out.print_line("  " + out.text("label.none"));
  for (const DeputyReport& r : a.reports)
    out.print_line(fmt::format("  {}  {}  {}", r.reported_on, form_text(out, r.form),
                               or_empty(r.note)));
}

void print_opinions(Output& out, const DeputyArchive& a) {
  print_section(out, "label.opinions_taken");
  if (a.opinions.empty()) return out.print_line("  " + out.text("label.none"));
  std::vector<std::vector<std::string>> rows;
  for (const ArchivedOpinion& o : a.opinions)
    rows.push_back({o.id, o.at, vocab_text(out, "status", o.status), or_empty(o.category),
                    clip(o.matter, kMatterColumns)});
  out.print_table({"label.id", "label.at", "label.status", "label.category", "label.matter"},
                  rows);
}

}  // namespace

Json to_json(const DeputyReport& r) {
  return {{"id", r.id},         {"deputy", r.deputy},          {"station", opt(r.station)},
          {"reported_on", r.reported_on}, {"form", opt(r.form)}, {"note", opt(r.note)}};
}

void print_report_list(Output& out, const std::vector<DeputyReport>& reports) {
  if (out.json()) {
    Json a = Json::array();
    for (const DeputyReport& r : reports) a.push_back(to_json(r));
    return out.print_json(a);
  }
  if (reports.empty()) return out.print_line(out.text("msg.no_reports"));
  std::vector<std::vector<std::string>> rows;
  for (const DeputyReport& r : reports)
    rows.push_back({r.id, r.reported_on, r.deputy, form_text(out, r.form), or_empty(r.note)});
  out.print_table({"label.id", "label.date", "label.deputy", "label.report_form", "label.note"},
                  rows);
}

Json to_json(const DeputyArchive& a) {
  Json activities = Json::array();
  for (const Activity& act : a.activities) activities.push_back(to_json(act));
  Json months = Json::array();
  for (const MonthCount& m : a.by_month)
    months.push_back({{"month", m.month}, {"activities", m.activities}});
  Json reports = Json::array();
  for (const DeputyReport& r : a.reports) reports.push_back(to_json(r));
  Json opinions = Json::array();
  for (const ArchivedOpinion& o : a.opinions)
    opinions.push_back({{"id", o.id},
                        {"activity", o.activity},
                        {"at", o.at},
                        {"status", o.status},
                        {"category", opt(o.category)},
                        {"matter", o.matter}});
  return {{"deputy", to_json(a.deputy)},
          {"activities", std::move(activities)},
          {"by_month", std::move(months)},
          {"reports", std::move(reports)},
          {"opinions", std::move(opinions)},
          {"reports_in_term", a.reports_in_term ? Json(*a.reports_in_term) : Json(nullptr)}};
}

void print_deputy_archive(Output& out, const DeputyArchive& a) {
  if (out.json()) return out.print_json(to_json(a));
  out.print_line(out.text("label.deputy_archive"));
  print_deputy(out, a.deputy);
  print_ledger(out, a);
  print_reports(out, a);
  print_opinions(out, a);
}

Json to_json(const Category& c) {
  return {{"id", c.id}, {"name", c.name}, {"void_reason", opt(c.void_reason)},
          {"created_at", c.created_at}};
}

void print_category_list(Output& out, const std::vector<Category>& categories) {
  if (out.json()) {
    Json a = Json::array();
    for (const Category& c : categories) a.push_back(to_json(c));
    return out.print_json(a);
  }
  if (categories.empty()) return out.print_line(out.text("label.none"));
  std::vector<std::vector<std::string>> rows;
  for (const Category& c : categories) rows.push_back({c.id, c.name});
  out.print_table({"label.id", "label.name"}, rows);
}

void print_category(Output& out, const Category& c) {
  if (out.json()) return out.print_json(to_json(c));
  out.print_fields({{"label.id", c.id}, {"label.name", c.name}});
}

}  // namespace liaison::app
