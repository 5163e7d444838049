// Printing the spokesperson archive: the roster, one spokesperson, visits and coverage.
#include <fmt/format.h>

#include "shared/app/render.h"
#include "shared/app/render_records.h"

namespace liaison::app {

namespace {

constexpr size_t kAreaColumns = 20;
constexpr size_t kNoteColumns = 30;

Json opt(const OptText& text) { return text ? Json(*text) : Json(nullptr); }
Json opt(const std::optional<int64_t>& n) { return n ? Json(*n) : Json(nullptr); }
std::string or_empty(const OptText& text) { return text.value_or(""); }
std::string count_text(const std::optional<int64_t>& n) { return n ? std::to_string(*n) : ""; }

std::string gender_text(const Output& out, const OptText& gender) {
  return gender ? vocab_text(out, "gender", *gender) : "";
}

std::string party_text(const Output& out, const std::optional<bool>& party) {
  if (!party) return "";
  return out.text(*party ? "label.yes" : "label.no");
}

std::vector<std::string> visit_row(const Visit& v) {
  return {v.id, v.visited_on, v.spokesperson, count_text(v.households),
          clip(or_empty(v.note), kNoteColumns)};
}

const std::vector<std::string> kVisitHeader = {"label.id", "label.date", "label.spokesperson",
                                               "label.households", "label.note"};

}  // namespace

Json to_json(const Spokesperson& s) {
  return {{"id", s.id},
          {"station", s.station},
          {"name", s.name},
          {"phone", opt(s.phone)},
          {"gender", opt(s.gender)},
          {"party_member", s.party_member ? Json(*s.party_member) : Json(nullptr)},
          {"area", opt(s.area)},
          {"voters", opt(s.voters)},
          {"households", opt(s.households)},
          {"visit_count", s.visits},
          {"void_reason", opt(s.void_reason)},
          {"created_at", s.created_at}};
}

Json to_json(const SpokespersonDetail& d) {
  Json out = to_json(d.spokesperson);
  Json visits = Json::array();
  for (const Visit& v : d.visits) visits.push_back(to_json(v));
  out["visits"] = std::move(visits);
  Json attachments = Json::array();
  for (const Attachment& a : d.attachments) attachments.push_back(to_json(a));
  out["attachments"] = std::move(attachments);
  out["opinion_count"] = d.opinions;
  return out;
}

Json to_json(const Visit& v) {
  return {{"id", v.id},
          {"spokesperson", v.spokesperson},
          {"station", v.station},
          {"visited_on", v.visited_on},
          {"households", opt(v.households)},
          {"note", opt(v.note)},
          {"recorded_by", v.recorded_by}};
}

void print_spokesperson_list(Output& out, const std::vector<Spokesperson>& roster) {
  if (out.json()) {
    Json a = Json::array();
    for (const Spokesperson& s : roster) a.push_back(to_json(s));
    return out.print_json(a);
  }
  if (roster.empty()) return out.print_line(out.text("msg.no_spokespersons"));
  std::vector<std::vector<std::string>> rows;
  for (const Spokesperson& s : roster)
    rows.push_back({s.id, s.name + (s.void_reason ? " " + out.text("label.left_roster") : ""),
                    gender_text(out, s.gender), party_text(out, s.party_member),
                    clip(or_empty(s.area), kAreaColumns), count_text(s.voters),
                    count_text(s.households), std::to_string(s.visits)});
  out.print_table({"label.id", "label.name", "label.gender", "label.party_member", "label.area",
                   "label.voters", "label.households", "label.visits"},
                  rows);
}

void print_spokesperson(Output& out, const Spokesperson& s) {
  if (out.json()) return out.print_json(to_json(s));
  std::vector<std::pair<std::string, std::string>> f = {
      {"label.id", s.id},
      {"label.station", s.station},
      {"label.name", s.name},
      {"label.phone", or_empty(s.phone)},
      {"label.gender", gender_text(out, s.gender)},
      {"label.party_member", party_text(out, s.party_member)},
      {"label.area", or_empty(s.area)},
      {"label.voters", count_text(s.voters)},
      {"label.households", count_text(s.households)},
      {"label.visits", std::to_string(s.visits)}};
  if (s.void_reason) f.emplace_back("label.void_reason", *s.void_reason);
  out.print_fields(f);
}

void print_spokesperson_detail(Output& out, const SpokespersonDetail& d) {
  if (out.json()) return out.print_json(to_json(d));
  print_spokesperson(out, d.spokesperson);
  out.print_fields({{"label.opinion_count", std::to_string(d.opinions)}});
  const char* colon = out.lang() == "zh" ? "：" : ":";
  out.print_line("");
  out.print_line(out.text("label.visits") + colon);
  if (d.visits.empty()) out.print_line("  " + out.text("label.none"));
  for (const Visit& v : d.visits)
    out.print_line(fmt::format("  {}  {}  {}", v.visited_on, v.id,
                               v.households ? out.format("msg.households", *v.households) : "") +
                   (v.note ? "  " + *v.note : ""));
  out.print_line(out.text("label.attachments") + colon);
  if (d.attachments.empty()) out.print_line("  " + out.text("label.none"));
  for (const Attachment& a : d.attachments)
    out.print_line(fmt::format("  {}  {}  {}  {}{}", a.at, a.id, or_empty(a.name),
                               or_empty(a.mime),
                               a.present ? "" : "  " + out.text("label.not_here")));
}

void print_visit_list(Output& out, const std::vector<Visit>& visits) {
  if (out.json()) {
    Json a = Json::array();
    for (const Visit& v : visits) a.push_back(to_json(v));
    return out.print_json(a);
  }
  if (visits.empty()) return out.print_line(out.text("msg.no_visits"));
  std::vector<std::vector<std::string>> rows;
  for (const Visit& v : visits) rows.push_back(visit_row(v));
  out.print_table(kVisitHeader, rows);
}

std::vector<std::string> coverage_flags(const Coverage& c) {
  std::vector<std::string> flags;
  if (!c.registered_voters) flags.emplace_back("registered_voters_unknown");
  if (c.uncovered_voters.value_or(0) > 0) flags.emplace_back("voters_uncovered");
  if (c.without_area > 0) flags.emplace_back("areas_missing");
  if (c.women == 0) flags.emplace_back("no_women");
  if (c.party_members == 0) flags.emplace_back("no_party_members");
  return flags;
}

Json to_json(const Coverage& c) {
  return {{"station", c.station},
          {"registered_voters", opt(c.registered_voters)},
          {"covered_voters", c.covered_voters},
          {"uncovered_voters", opt(c.uncovered_voters)},
          {"households", c.households},
          {"spokespersons", c.spokespersons},
          {"without_area", c.without_area},
          {"women", c.women},
          {"men", c.men},
          {"party_members", c.party_members},
          {"flags", coverage_flags(c)}};
}

void print_coverage(Output& out, const Coverage& c) {
  if (out.json()) return out.print_json(to_json(c));
  auto share = [&](int64_t n) {
    if (c.spokespersons == 0) return std::to_string(n);
    return fmt::format("{} ({}%)", n, n * 100 / c.spokespersons);
  };
  out.print_fields({{"label.station", c.station},
                    {"label.registered_voters", count_text(c.registered_voters)},
                    {"label.covered_voters", std::to_string(c.covered_voters)},
                    {"label.uncovered_voters", count_text(c.uncovered_voters)},
                    {"label.households", std::to_string(c.households)},
                    {"label.spokespersons", std::to_string(c.spokespersons)},
                    {"label.women", share(c.women)},
                    {"label.party_members", share(c.party_members)}});
  std::vector<std::string> flags = coverage_flags(c);
  if (flags.empty()) return out.print_line(out.text("msg.coverage_ok"));
  for (const std::string& flag : flags) {
    std::string key = "label.coverage_flag." + flag;
    std::string line = out.text(key);
    if (flag == "voters_uncovered") line = out.format(key, *c.uncovered_voters);
    if (flag == "areas_missing") line = out.format(key, c.without_area);
    out.print_line(out.text("label.coverage_flag") + (out.lang() == "zh" ? "：" : ": ") + line);
  }
}

}  // namespace liaison::app
