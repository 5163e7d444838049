// status: what this device is and what it holds that the district may not have seen yet.
#include <nlohmann/json.hpp>

#include "client/commands.h"
#include "shared/app/devices.h"
#include "shared/app/render.h"
#include "shared/sync/protocol_client.h"

namespace liaison::client {

namespace {

constexpr int64_t kSkewWarnMs = 5 * 60 * 1000;

struct LastSync {
  std::string at, result;
  std::optional<int64_t> skew_ms;
};

// The most recent sync attempt recorded in _sync_run.
Result<LastSync> last_sync(sync::Replica& r) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           r.db().prepare("SELECT COALESCE(finished_at, started_at), "
                                          "COALESCE(result, ''), clock_skew_ms FROM _sync_run "
                                          "ORDER BY id DESC LIMIT 1"));
  LastSync last;
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (found) {
    last.at = q.column_text(0);
    last.result = q.column_text(1);
    if (!q.column_is_null(2)) last.skew_ms = q.column_int(2);
  }
  return last;
}

nlohmann::ordered_json hub_json(const std::vector<app::Device>& devices) {
  auto opt = [](const std::optional<std::string>& s) {
    return s ? nlohmann::ordered_json(*s) : nlohmann::ordered_json(nullptr);
  };
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const app::Device& d : devices)
    a.push_back({{"device", d.id},
                 {"spokesperson", opt(d.spokesperson)},
                 {"last_sync", opt(d.last_seen_at)},
                 {"revoked", d.revoked_at.has_value()}});
  return a;
}

Status status(cli::Context& ctx) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  const sync::ReplicaInfo& info = r->info();
  LIAISON_ASSIGN_OR_RETURN(std::vector<sync::Conflict> open, r->conflicts(true));
  LIAISON_ASSIGN_OR_RETURN(uint64_t local, sync::unacknowledged_changes(*r));
  LIAISON_ASSIGN_OR_RETURN(LastSync last, last_sync(*r));
  // A station hub's spokesperson devices, each with its last sync with the hub.
  std::vector<app::Device> hub;
  if (info.role == sync::Role::kStation) {
    LIAISON_ASSIGN_OR_RETURN(hub, app::list_devices(*r));
  }
  app::Output& out = ctx.out();
  auto opt = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s); };
  if (out.json()) {
    out.print_json({{"replica", info.id.str()},
                    {"station", opt(info.station_id)},
                    {"role", sync::role_name(info.role)},
                    {"spokesperson", opt(info.spokesperson_id)},
                    {"server", opt(info.server)},
                    {"unacknowledged", local},
                    {"last_sync", opt(last.at)},
                    {"last_sync_result", opt(last.result)},
                    {"clock_skew_ms", last.skew_ms ? nlohmann::ordered_json(*last.skew_ms)
                                                   : nlohmann::ordered_json(nullptr)},
                    {"clock_warning", last.skew_ms && std::llabs(*last.skew_ms) > kSkewWarnMs},
                    {"conflicts_open", open.size()},
                    {"hub_devices", hub_json(hub)}});
    return {};
  }
  out.print_fields({{"label.replica", info.id.str()},
                    {"label.station", info.station_id},
                    {"label.role", app::vocab_text(out, "role", sync::role_name(info.role))},
                    {"label.spokesperson", info.spokesperson_id},
                    {"label.server", info.server},
                    {"label.unacknowledged", std::to_string(local)},
                    {"label.last_sync", last.at.empty() ? "-" : last.at + " (" + last.result + ")"},
                    {"label.clock_skew", last.skew_ms ? std::to_string(*last.skew_ms) : "-"},
                    {"label.conflicts_open", std::to_string(open.size())}});
  for (const app::Device& d : hub) {
    std::string when = d.last_seen_at ? *d.last_seen_at : out.text("label.never");
    if (d.revoked_at) when += " (" + out.text("label.revoked") + ")";
    out.print_line(out.format("msg.hub_device", d.spokesperson.value_or("-"), d.id, when));
  }
  return {};
}

}  // namespace

void add_status_command(cli::Program& program) {
  CLI::App* cmd = program.command(program.app(), "status", "label.cmd.status");
  program.on_run(cmd, status);
}

}  // namespace liaison::client
