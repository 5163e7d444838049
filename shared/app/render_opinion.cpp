// Printing opinions, their handling steps and amendments.
#include <fmt/format.h>

#include "shared/app/json.h"
#include "shared/app/render.h"

namespace liaison::app {

namespace {

constexpr size_t kMatterColumns = 40;

std::string or_empty(const OptText& text) { return text.value_or(""); }

std::string step_line(const Output& out, const Step& s) {
  std::string line = fmt::format("  {}  {}", s.at, vocab_text(out, "step", s.step));
  if (s.channel) line += "  " + vocab_text(out, "channel", *s.channel);
  if (s.to) line += "  " + out.with_detail("label.to", *s.to);
  if (s.note) line += "  " + out.with_detail("label.note", *s.note);
  if (s.by) line += "  " + out.with_detail("label.by", *s.by);
  return line;
}

}  // namespace

std::string vocab_text(const Output& out, std::string_view group, std::string_view word) {
  std::string key = fmt::format("label.{}.{}", group, word);
  std::string text = out.text(key);
  return text == key ? std::string(word) : text;
}

void print_new_id(Output& out, std::string_view message_key, const std::string& id) {
  if (out.json()) return out.print_json({{"id", id}});
  out.print_line(out.with_detail(message_key, id));
}

void print_opinion_list(Output& out, const std::vector<Opinion>& opinions) {
  if (out.json()) return out.print_json(to_json(opinions));
  if (opinions.empty()) return out.print_line(out.text("msg.no_opinions"));
  std::vector<std::vector<std::string>> rows;
  for (const Opinion& o : opinions)
    rows.push_back({o.id, o.at, vocab_text(out, "status", status_name(o.status)),
                    or_empty(o.category), o.voter, clip(o.matter, kMatterColumns)});
  out.print_table({"label.id", "label.at", "label.status", "label.category", "label.voter",
                   "label.matter"},
                  rows);
}

void print_opinion(Output& out, const Opinion& o) {
  if (out.json()) return out.print_json(to_json(o));
  std::vector<std::pair<std::string, std::string>> f = {
      {"label.id", o.id},
      {"label.station", o.station},
      {"label.status", vocab_text(out, "status", status_name(o.status))},
      {"label.at", o.at},
      {"label.voter", o.voter},
      {"label.phone", or_empty(o.phone)},
      {"label.place", or_empty(o.place)},
      {"label.category", or_empty(o.category)},
      {"label.source", vocab_text(out, "source", o.source)},
  };
  if (o.spokesperson) f.emplace_back("label.spokesperson", *o.spokesperson);
  if (o.void_reason) f.emplace_back("label.void_reason", *o.void_reason);
  f.emplace_back("label.created_at", o.created_at);
  f.emplace_back("label.recorded_by", o.recorded_by);
  out.print_fields(f);
  out.print_line(out.text("label.matter") + (out.lang() == "zh" ? "：" : ":"));
  out.print_line(o.matter);
}

void print_opinion_detail(Output& out, const OpinionDetail& d) {
  if (out.json()) return out.print_json(to_json(d));
  print_opinion(out, d.opinion);
  const char* colon = out.lang() == "zh" ? "：" : ":";
  out.print_line("");
  out.print_line(out.text("label.steps") + colon);
  if (d.steps.empty()) out.print_line("  " + out.text("label.none"));
  for (const Step& s : d.steps) out.print_line(step_line(out, s));
  out.print_line(out.text("label.amendments") + colon);
  if (d.amendments.empty()) out.print_line("  " + out.text("label.none"));
  for (const Amendment& a : d.amendments) out.print_line(fmt::format("  {}  {}", a.at, a.text));
  if (!d.attachments.empty()) out.print_line(out.text("label.attachments") + colon);
  for (const Attachment& a : d.attachments)
    out.print_line(fmt::format("  {}  {}  {}  {} B  {}{}", a.at, or_empty(a.name),
                               or_empty(a.mime), a.size, a.id,
                               a.present ? "" : "  " + out.text("label.not_here")));
  if (d.conflicts.empty()) return;
  out.print_line(out.text("label.conflicts") + colon);
  print_conflict_list(out, d.conflicts);
}

}  // namespace liaison::app
