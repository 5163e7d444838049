// Printing reception days and home meetings.
#include <fmt/format.h>

#include "shared/app/render.h"
#include "shared/app/render_records.h"

namespace liaison::app {

namespace {

constexpr size_t kTopicColumns = 24;
constexpr size_t kMatterColumns = 40;

Json opt(const OptText& text) { return text ? Json(*text) : Json(nullptr); }
Json opt(const std::optional<int64_t>& n) { return n ? Json(*n) : Json(nullptr); }
std::string or_empty(const OptText& text) { return text.value_or(""); }
std::string count_text(const std::optional<int64_t>& n) { return n ? std::to_string(*n) : ""; }

// The station or home the activity belongs to.
std::string owner_text(const Activity& a) {
  return a.station ? *a.station : or_empty(a.home);
}

std::string attendee_line(const Output& out, const Attendee& a) {
  std::string line = "  " + vocab_text(out, "attendee", a.person_kind) + "  " + a.person_id;
  if (a.name) line += "  " + *a.name;
  return line;
}

}  // namespace

Json to_json(const Activity& a) {
  return {{"id", a.id},
          {"kind", a.kind},
          {"state", activity_state(a)},
          {"station", opt(a.station)},
          {"home", opt(a.home)},
          {"planned_on", opt(a.planned_on)},
          {"held_on", opt(a.held_on)},
          {"place", opt(a.place)},
          {"topic", opt(a.topic)},
          {"voters_received", opt(a.voters)},
          {"note", opt(a.note)},
          {"void_reason", opt(a.void_reason)},
          {"deputies_present", a.deputies},
          {"spokespersons_present", a.spokespersons},
          {"opinions_taken", a.opinions},
          {"created_at", a.created_at}};
}

Json to_json(const ActivityDetail& d) {
  Json out = to_json(d.activity);
  Json attendees = Json::array();
  for (const Attendee& a : d.attendees)
    attendees.push_back({{"kind", a.person_kind}, {"id", a.person_id}, {"name", opt(a.name)}});
  out["attendees"] = std::move(attendees);
  out["opinions"] = to_json(d.opinions);
  Json attachments = Json::array();
  for (const Attachment& a : d.attachments) attachments.push_back(to_json(a));
  out["attachments"] = std::move(attachments);
  return out;
}

void print_activity_list(Output& out, const std::vector<Activity>& activities) {
  if (out.json()) {
    Json a = Json::array();
    for (const Activity& activity : activities) a.push_back(to_json(activity));
    return out.print_json(a);
  }
  if (activities.empty()) return out.print_line(out.text("msg.no_activities"));
  std::vector<std::vector<std::string>> rows;
  for (const Activity& a : activities)
    rows.push_back({a.id, activity_date(a), vocab_text(out, "activity_state", activity_state(a)),
                    or_empty(a.place), clip(or_empty(a.topic), kTopicColumns),
                    count_text(a.voters), std::to_string(a.deputies),
                    std::to_string(a.opinions)});
  out.print_table({"label.id", "label.date", "label.status", "label.place", "label.topic",
                   "label.voters_received", "label.deputies_present", "label.opinions_taken"},
                  rows);
}

void print_activity_detail(Output& out, const ActivityDetail& d) {
  if (out.json()) return out.print_json(to_json(d));
  const Activity& a = d.activity;
  std::vector<std::pair<std::string, std::string>> f = {
      {"label.id", a.id},
      {"label.activity_kind", vocab_text(out, "activity", a.kind)},
      {"label.status", vocab_text(out, "activity_state", activity_state(a))},
      {a.station ? "label.station" : "label.home", owner_text(a)},
      {"label.planned_on", or_empty(a.planned_on)},
      {"label.held_on", or_empty(a.held_on)},
      {"label.place", or_empty(a.place)},
      {"label.topic", or_empty(a.topic)},
      {"label.voters_received", count_text(a.voters)}};
  if (a.note) f.emplace_back("label.note", *a.note);
  if (a.void_reason) f.emplace_back("label.void_reason", *a.void_reason);
  out.print_fields(f);
  const char* colon = out.lang() == "zh" ? "：" : ":";
  out.print_line(out.text("label.attendees") + colon);
  if (d.attendees.empty()) out.print_line("  " + out.text("label.none"));
  for (const Attendee& p : d.attendees) out.print_line(attendee_line(out, p));
  out.print_line(out.text("label.opinions_taken") + colon);
  if (d.opinions.empty()) out.print_line("  " + out.text("label.none"));
  for (const Opinion& o : d.opinions)
    out.print_line(fmt::format("  {}  {}  {}", o.id,
                               vocab_text(out, "status", status_name(o.status)),
                               clip(o.matter, kMatterColumns)));
  if (d.attachments.empty()) return;
  out.print_line(out.text("label.attachments") + colon);
  for (const Attachment& p : d.attachments)
    out.print_line(fmt::format("  {}  {}  {}{}", p.id, or_empty(p.name), or_empty(p.mime),
                               p.present ? "" : "  " + out.text("label.not_here")));
}

}  // namespace liaison::app
