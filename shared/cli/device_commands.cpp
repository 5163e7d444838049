// device add|list|revoke: the devices that may sync with this replica, and their tokens — at the
// district any device; at a station hub the devices of its own spokespersons
// (shared/app/hub_devices.h).
#include <memory>

#include "shared/app/devices.h"
#include "shared/app/render_device.h"
#include "shared/cli/common_commands.h"

namespace liaison::cli {

void add_device_commands(Program& program) {
  CLI::App& group = *program.group(program.app(), "device", "label.cmd.device");

  auto in = std::make_shared<app::DeviceInput>();
  CLI::App* add = program.command(group, "add", "label.cmd.device_add");
  add->add_option("--station", in->station);
  add->add_option("--role", in->role);
  add->add_option("--spokesperson", in->spokesperson);
  program.on_run(add, [in](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::NewDevice added, app::add_device(*r, *in));
    app::print_new_device(ctx.out(), added);
    return {};
  });

  CLI::App* list = program.command(group, "list", "label.cmd.device_list");
  program.on_run(list, [](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<app::Device> devices, app::list_devices(*r));
    app::print_device_list(ctx.out(), devices);
    return {};
  });

  auto device = std::make_shared<std::string>();
  CLI::App* revoke = program.command(group, "revoke", "label.cmd.device_revoke");
  revoke->add_option("DEVICE", *device)->required();
  program.on_run(revoke, [device](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::Device d, app::revoke_device(*r, *device));
    app::print_revoked_device(ctx.out(), d);
    return {};
  });
}

}  // namespace liaison::cli
