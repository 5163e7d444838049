// attachment list ID; attachment get ID|SHA256 --out FILE: the scans and photos attached to a
// record, and one taken back out (shared/app/attachments.h). Both programs offer them; `attach`
// itself is a station's (client/cmd_attach.cpp).
#include <memory>

#include "shared/app/attachments.h"
#include "shared/app/json.h"
#include "shared/cli/common_commands.h"

namespace liaison::cli {

namespace {

struct GetInput {
  std::string id, out;
};

Status list(Context& ctx, const std::string& owner_id) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(std::vector<app::Attachment> list, app::attachments_of(*r, owner_id));
  app::Output& out = ctx.out();
  if (out.json()) {
    app::Json items = app::Json::array();
    for (const app::Attachment& a : list) items.push_back(app::to_json(a));
    out.print_json(items);
    return {};
  }
  if (list.empty()) {
    out.print_line(out.text("msg.no_attachments"));
    return {};
  }
  std::vector<std::vector<std::string>> rows;
  for (const app::Attachment& a : list)
    rows.push_back({a.id, a.at, a.name.value_or(""), a.mime.value_or(""), std::to_string(a.size),
                    out.text(a.present ? "label.content_here" : "label.not_here")});
  out.print_table({"label.id", "label.at", "label.name", "label.mime", "label.size",
                   "label.content"},
                  rows);
  return {};
}

Status get(Context& ctx, const GetInput& in) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(app::Attachment a, app::export_attachment(*r, in.id, in.out));
  app::Output& out = ctx.out();
  if (out.json())
    out.print_json({{"id", a.id}, {"sha256", a.sha256}, {"size", a.size}, {"file", in.out}});
  else
    out.print_line(out.format("msg.attachment_saved", in.out));
  return {};
}

}  // namespace

void add_attachment_commands(Program& program) {
  CLI::App* group = program.group(program.app(), "attachment", "label.cmd.attachment");
  auto owner = std::make_shared<std::string>();
  CLI::App* ls = program.command(*group, "list", "label.cmd.attachment_list");
  ls->add_option("id", *owner)->required();
  program.on_run(ls, [owner](Context& ctx) { return list(ctx, *owner); });
  auto g = std::make_shared<GetInput>();
  CLI::App* get_cmd = program.command(*group, "get", "label.cmd.attachment_get");
  get_cmd->add_option("id", g->id)->required();
  get_cmd->add_option("--out", g->out)->required();
  program.on_run(get_cmd, [g](Context& ctx) { return get(ctx, *g); });
}

}  // namespace liaison::cli
