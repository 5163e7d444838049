// Printing conflicts, reference data and the result of applying a changeset.
#include <fmt/format.h>

#include "shared/app/json.h"
#include "shared/app/render.h"

namespace liaison::app {

namespace {

constexpr size_t kValueColumns = 24;

std::string or_empty(const OptText& text) { return text.value_or(""); }

std::string decision_text(const Output& out, const std::string& decision) {
  return vocab_text(out, "decision", decision.empty() ? "open" : decision);
}

// "value (origin…)" for one side of a conflict.
std::string side(const Value& value, const std::string& origin) {
  std::string text = clip(value_to_display(value), kValueColumns);
  if (!origin.empty()) text += fmt::format(" ({}…)", origin.substr(0, 8));
  return text;
}

}  // namespace

void print_conflict_list(Output& out, const std::vector<sync::Conflict>& conflicts) {
  if (out.json()) return out.print_json(to_json(conflicts));
  if (conflicts.empty()) return out.print_line(out.text("msg.no_conflicts"));
  std::vector<std::vector<std::string>> rows;
  for (const sync::Conflict& c : conflicts)
    rows.push_back({std::to_string(c.id), c.table + "." + c.field, c.row_id,
                    side(c.kept, c.kept_origin), side(c.lost, c.lost_origin),
                    decision_text(out, c.decision)});
  out.print_table({"label.id", "label.field", "label.row", "label.kept", "label.lost",
                   "label.decision"},
                  rows);
}

void print_conflict(Output& out, const sync::Conflict& c) {
  if (out.json()) return out.print_json(to_json(c));
  out.print_fields({{"label.id", std::to_string(c.id)},
                    {"label.field", c.table + "." + c.field},
                    {"label.row", c.row_id},
                    {"label.kept", side(c.kept, c.kept_origin)},
                    {"label.lost", side(c.lost, c.lost_origin)},
                    {"label.decision", decision_text(out, c.decision)}});
}

void print_home_list(Output& out, const std::vector<Home>& homes) {
  if (out.json()) {
    Json a = Json::array();
    for (const Home& h : homes) a.push_back(to_json(h));
    return out.print_json(a);
  }
  if (homes.empty()) return out.print_line(out.text("label.none"));
  std::vector<std::vector<std::string>> rows;
  for (const Home& h : homes) rows.push_back({h.id, h.name, or_empty(h.township)});
  out.print_table({"label.id", "label.name", "label.township"}, rows);
}

void print_home(Output& out, const Home& h) {
  if (out.json()) return out.print_json(to_json(h));
  out.print_fields({{"label.id", h.id}, {"label.name", h.name},
                    {"label.township", or_empty(h.township)}});
}

void print_station_list(Output& out, const std::vector<Station>& stations) {
  if (out.json()) {
    Json a = Json::array();
    for (const Station& s : stations) a.push_back(to_json(s));
    return out.print_json(a);
  }
  if (stations.empty()) return out.print_line(out.text("label.none"));
  std::vector<std::vector<std::string>> rows;
  for (const Station& s : stations)
    rows.push_back({s.id, s.name, or_empty(s.home), s.kind ? vocab_text(out, "kind", *s.kind) : "",
                    s.voters ? std::to_string(*s.voters) : ""});
  out.print_table({"label.id", "label.name", "label.home", "label.kind", "label.voters"}, rows);
}

void print_station(Output& out, const Station& s) {
  if (out.json()) return out.print_json(to_json(s));
  out.print_fields({{"label.id", s.id},
                    {"label.name", s.name},
                    {"label.home", or_empty(s.home)},
                    {"label.kind", s.kind ? vocab_text(out, "kind", *s.kind) : ""},
                    {"label.township", or_empty(s.township)},
                    {"label.voters", s.voters ? std::to_string(*s.voters) : ""}});
}

void print_deputy_list(Output& out, const std::vector<Deputy>& deputies) {
  if (out.json()) {
    Json a = Json::array();
    for (const Deputy& d : deputies) a.push_back(to_json(d));
    return out.print_json(a);
  }
  if (deputies.empty()) return out.print_line(out.text("label.none"));
  std::vector<std::vector<std::string>> rows;
  for (const Deputy& d : deputies)
    rows.push_back({d.id, d.name, vocab_text(out, "level", d.level),
                    d.home ? *d.home : or_empty(d.station), or_empty(d.work_unit),
                    or_empty(d.phone)});
  out.print_table({"label.id", "label.name", "label.level", "label.fixed_to", "label.work_unit",
                   "label.phone"},
                  rows);
}

void print_deputy(Output& out, const Deputy& d) {
  if (out.json()) return out.print_json(to_json(d));
  out.print_fields({{"label.id", d.id},
                    {"label.name", d.name},
                    {"label.level", vocab_text(out, "level", d.level)},
                    {"label.fixed_to", d.home ? *d.home : or_empty(d.station)},
                    {"label.work_unit", or_empty(d.work_unit)},
                    {"label.phone", or_empty(d.phone)},
                    {"label.gender", d.gender ? vocab_text(out, "gender", *d.gender) : ""},
                    {"label.term", d.term_start || d.term_end
                                       ? or_empty(d.term_start) + " ~ " + or_empty(d.term_end)
                                       : ""}});
}

void print_apply_stats(Output& out, const sync::ApplyStats& s) {
  if (out.json()) return out.print_json(to_json(s));
  out.print_line(out.format("msg.applied", s.applied, s.duplicates, s.conflicts, s.pending,
                            s.refused));
  if (s.gaps > 0) out.print_line(out.format("msg.gaps", s.gaps));
}

void print_replica_created(Output& out, const sync::ReplicaInfo& info) {
  auto opt = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  if (out.json()) {
    Json j = {{"replica", info.id.str()},
                        {"station", opt(info.station_id)},
                        {"role", sync::role_name(info.role)}};
    if (!info.spokesperson_id.empty()) j["spokesperson"] = info.spokesperson_id;
    return out.print_json(j);
  }
  out.print_line(out.text("msg.replica_created"));
  std::vector<std::pair<std::string, std::string>> f = {
      {"label.replica", info.id.str()}, {"label.role", vocab_text(out, "role", sync::role_name(info.role))}};
  if (!info.station_id.empty()) f.emplace_back("label.station", info.station_id);
  if (!info.spokesperson_id.empty()) f.emplace_back("label.spokesperson", info.spokesperson_id);
  out.print_fields(f);
}

}  // namespace liaison::app
