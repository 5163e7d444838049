// init: creates the district replica. It never overwrites an existing one.
#include <memory>

#include "server/commands.h"
#include "shared/app/render.h"

namespace liaison::server {

void add_init_command(cli::Program& program) {
  CLI::App* cmd = program.command(program.app(), "init", "label.cmd.server_init");
  program.on_run(cmd, [](cli::Context& ctx) -> Status {
    sync::ReplicaInfo info;
    info.role = sync::Role::kDistrict;
    LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<sync::Replica> replica,
                             sync::Replica::create(ctx.globals().db, info));
    app::print_replica_created(ctx.out(), replica->info());
    return {};
  });
}

}  // namespace liaison::server
