// attach ID FILE: a scan or photo of a paper record, attached to a record
// (shared/app/attachments.h); `attachment list|get` are shared with liaison-server (shared/cli).
#include <memory>

#include "client/commands.h"
#include "shared/app/attachments.h"
#include "shared/cli/common_commands.h"

namespace liaison::client {

namespace {

struct AttachInput {
  std::string id, file;
};

Status attach(cli::Context& ctx, const AttachInput& in) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(app::Attached a, app::attach_file(*r, in.id, in.file));
  app::Output& out = ctx.out();
  if (out.json()) out.print_json({{"id", a.id}, {"sha256", a.sha256}});
  else out.print_line(out.format("msg.attached", a.id, a.sha256));
  return {};
}

}  // namespace

void add_attach_commands(cli::Program& program) {
  auto in = std::make_shared<AttachInput>();
  CLI::App* cmd = program.command(program.app(), "attach", "label.cmd.attach");
  cmd->add_option("id", in->id)->required();
  cmd->add_option("file", in->file)->required();
  program.on_run(cmd, [in](cli::Context& ctx) { return attach(ctx, *in); });
  cli::add_attachment_commands(program);
}

}  // namespace liaison::client
