// init: creates this device's replica. It never overwrites an existing one.
#include <memory>

#include "client/commands.h"
#include "shared/app/parse.h"
#include "shared/app/render.h"

namespace liaison::client {

namespace {

struct InitInput {
  std::string station, server, token, spokesperson;
};

Status init(cli::Context& ctx, const InitInput& in) {
  LIAISON_RETURN_IF_ERROR(app::check_id(in.station));
  if (!in.spokesperson.empty()) LIAISON_RETURN_IF_ERROR(app::check_id(in.spokesperson));
  sync::ReplicaInfo info;
  info.role = in.spokesperson.empty() ? sync::Role::kStation : sync::Role::kSpokesperson;
  info.station_id = in.station;
  info.spokesperson_id = in.spokesperson;
  info.server = in.server;
  info.token = in.token;
  LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<sync::Replica> replica,
                           sync::Replica::create(ctx.globals().db, info));
  app::print_replica_created(ctx.out(), replica->info());
  return {};
}

}  // namespace

void add_init_command(cli::Program& program) {
  auto in = std::make_shared<InitInput>();
  CLI::App* cmd = program.command(program.app(), "init", "label.cmd.init");
  cmd->add_option("--station", in->station)->required();
  cmd->add_option("--server", in->server);
  cmd->add_option("--token", in->token);
  cmd->add_option("--spokesperson", in->spokesperson);
  program.on_run(cmd, [in](cli::Context& ctx) { return init(ctx, *in); });
}

}  // namespace liaison::client
