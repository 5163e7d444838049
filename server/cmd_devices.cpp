// compact: the change log up to what every live device has acknowledged.
#include "server/commands.h"
#include "shared/app/compaction.h"

namespace liaison::server {

void add_compact_command(cli::Program& program) {
  CLI::App* compact = program.command(program.app(), "compact", "label.cmd.compact");
  program.on_run(compact, [](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::Compaction c, app::compact_change_log(*r));
    app::print_compaction(ctx.out(), c);
    return {};
  });
}

}  // namespace liaison::server
