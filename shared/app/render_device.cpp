#include "shared/app/render_device.h"

#include <string>
#include <utility>

#include "shared/app/render.h"

namespace liaison::app {

namespace {

Json opt(const OptText& text) { return text ? Json(*text) : Json(nullptr); }
std::string or_empty(const OptText& text) { return text.value_or(""); }

std::string skew_text(const Device& d) {
  return d.clock_skew_ms ? std::to_string(*d.clock_skew_ms) : "";
}

std::string state_text(const Output& out, const Device& d) {
  return out.text(d.revoked_at ? "label.device_state.revoked" : "label.device_state.active");
}

// The labelled lines of one device, for people.
std::vector<std::pair<std::string, std::string>> fields(const Output& out, const Device& d) {
  std::vector<std::pair<std::string, std::string>> f = {
      {"label.device", d.id}, {"label.role", vocab_text(out, "role", sync::role_name(d.role))}};
  if (d.station) f.emplace_back("label.station", *d.station);
  if (d.spokesperson) f.emplace_back("label.spokesperson", *d.spokesperson);
  if (d.replica) f.emplace_back("label.replica", *d.replica);
  f.emplace_back("label.provisioned_at", d.created_at);
  f.emplace_back("label.device_state", state_text(out, d));
  if (d.revoked_at) f.emplace_back("label.revoked_at", *d.revoked_at);
  return f;
}

}  // namespace

Json to_json(const Device& d) {
  return {{"device", d.id},
          {"role", sync::role_name(d.role)},
          {"station", opt(d.station)},
          {"spokesperson", opt(d.spokesperson)},
          {"replica", opt(d.replica)},
          {"created_at", d.created_at},
          {"revoked_at", opt(d.revoked_at)},
          {"last_seen_at", opt(d.last_seen_at)},
          {"last_address", opt(d.last_address)},
          {"clock_skew_ms", d.clock_skew_ms ? Json(*d.clock_skew_ms) : Json(nullptr)},
          {"syncs", d.syncs},
          {"provisioned_by", opt(d.provisioned_by)}};
}

void print_new_device(Output& out, const NewDevice& added) {
  if (out.json()) {
    Json j = to_json(added.device);
    j["token"] = added.token;
    return out.print_json(j);
  }
  out.print_line(out.text("msg.device_added"));
  auto f = fields(out, added.device);
  f.emplace_back("label.token", added.token);
  out.print_fields(f);
}

void print_device_list(Output& out, const std::vector<Device>& devices) {
  if (out.json()) {
    Json a = Json::array();
    for (const Device& d : devices) a.push_back(to_json(d));
    return out.print_json(a);
  }
  if (devices.empty()) return out.print_line(out.text("label.none"));
  std::vector<std::vector<std::string>> rows;
  for (const Device& d : devices)
    rows.push_back({d.id, vocab_text(out, "role", sync::role_name(d.role)), or_empty(d.station),
                    or_empty(d.spokesperson), state_text(out, d), or_empty(d.last_seen_at),
                    or_empty(d.last_address), skew_text(d), std::to_string(d.syncs)});
  out.print_table({"label.device", "label.role", "label.station", "label.spokesperson",
                   "label.device_state", "label.last_seen", "label.last_address",
                   "label.clock_skew", "label.syncs"},
                  rows);
}

void print_revoked_device(Output& out, const Device& d) {
  if (out.json()) return out.print_json(to_json(d));
  out.print_line(out.text("msg.device_revoked"));
  out.print_fields(fields(out, d));
}

}  // namespace liaison::app
