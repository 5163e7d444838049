// device add|list|revoke: the devices the district server lets sync, and their tokens; compact:
// the change log up to what every live device has acknowledged.
#include <memory>

#include "server/commands.h"
#include "shared/app/compaction.h"
#include "shared/app/devices.h"
#include "shared/app/render_device.h"

namespace liaison::server {

void add_device_commands(cli::Program& program) {
  CLI::App& group = *program.group(program.app(), "device", "label.cmd.device");

  auto in = std::make_shared<app::DeviceInput>();
  CLI::App* add = program.command(group, "add", "label.cmd.device_add");
  add->add_option("--station", in->station);
  add->add_option("--role", in->role);
  add->add_option("--spokesperson", in->spokesperson);
  program.on_run(add, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::NewDevice added, app::add_device(*r, *in));
    app::print_new_device(ctx.out(), added);
    return {};
  });

  CLI::App* list = program.command(group, "list", "label.cmd.device_list");
  program.on_run(list, [](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<app::Device> devices, app::list_devices(*r));
    app::print_device_list(ctx.out(), devices);
    return {};
  });

  auto device = std::make_shared<std::string>();
  CLI::App* revoke = program.command(group, "revoke", "label.cmd.device_revoke");
  revoke->add_option("DEVICE", *device)->required();
  program.on_run(revoke, [device](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::Device d, app::revoke_device(*r, *device));
    app::print_revoked_device(ctx.out(), d);
    return {};
  });

  CLI::App* compact = program.command(program.app(), "compact", "label.cmd.compact");
  program.on_run(compact, [](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::Compaction c, app::compact_change_log(*r));
    app::print_compaction(ctx.out(), c);
    return {};
  });
}

}  // namespace liaison::server
