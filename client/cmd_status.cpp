// status: what this device is and what it holds that the district may not have seen yet.
#include <nlohmann/json.hpp>

#include "client/commands.h"
#include "shared/app/render.h"

namespace liaison::client {

namespace {

Status status(cli::Context& ctx) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  const sync::ReplicaInfo& info = r->info();
  LIAISON_ASSIGN_OR_RETURN(std::vector<sync::Conflict> open, r->conflicts(true));
  // Until the sync protocol acknowledges changes, every local change counts as unacknowledged.
  sync::VersionVector vv = r->version_vector();
  uint64_t local = vv.count(info.id) ? vv.at(info.id) : 0;
  app::Output& out = ctx.out();
  auto opt = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s); };
  if (out.json()) {
    out.print_json({{"replica", info.id.str()},
                    {"station", opt(info.station_id)},
                    {"role", sync::role_name(info.role)},
                    {"spokesperson", opt(info.spokesperson_id)},
                    {"server", opt(info.server)},
                    {"unacknowledged", local},
                    {"conflicts_open", open.size()}});
    return {};
  }
  out.print_fields({{"label.replica", info.id.str()},
                    {"label.station", info.station_id},
                    {"label.role", app::vocab_text(out, "role", sync::role_name(info.role))},
                    {"label.spokesperson", info.spokesperson_id},
                    {"label.server", info.server},
                    {"label.unacknowledged", std::to_string(local)},
                    {"label.conflicts_open", std::to_string(open.size())}});
  return {};
}

}  // namespace

void add_status_command(cli::Program& program) {
  CLI::App* cmd = program.command(program.app(), "status", "label.cmd.status");
  program.on_run(cmd, status);
}

}  // namespace liaison::client
