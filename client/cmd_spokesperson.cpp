// spokesperson add | list | show | set | void | coverage; visit add | list: the spokesperson
// archive (shared/app/spokespersons.h).
#include <memory>

#include "client/commands.h"
#include "shared/app/render.h"
#include "shared/app/render_records.h"
#include "shared/app/spokespersons.h"

namespace liaison::client {

namespace {

void add_add(cli::Program& program, CLI::App& group) {
  auto in = std::make_shared<app::SpokespersonInput>();
  CLI::App* cmd = program.command(group, "add", "label.cmd.spokesperson_add");
  cmd->add_option("--name", in->name)->required();
  cmd->add_option("--phone", in->phone);
  cmd->add_option("--gender", in->gender);
  cmd->add_flag("--party-member", in->party_member);
  cmd->add_option("--area", in->area);
  cmd->add_option("--voters", in->voters);
  cmd->add_option("--households", in->households);
  program.on_run(cmd, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::string id, app::add_spokesperson(*r, *in));
    app::print_new_id(ctx.out(), "msg.spokesperson_added", id);
    return {};
  });
}

struct SetCommand {
  std::string id;
  app::SpokespersonEdit edit;
  bool party = false, not_party = false;
};

void add_set(cli::Program& program, CLI::App& group) {
  auto in = std::make_shared<SetCommand>();
  CLI::App* cmd = program.command(group, "set", "label.cmd.spokesperson_set");
  cmd->add_option("id", in->id)->required();
  cli::optional_option(cmd, "--name", in->edit.name);
  cli::optional_option(cmd, "--phone", in->edit.phone);
  cli::optional_option(cmd, "--gender", in->edit.gender);
  cli::optional_option(cmd, "--area", in->edit.area);
  cli::optional_option(cmd, "--voters", in->edit.voters);
  cli::optional_option(cmd, "--households", in->edit.households);
  CLI::Option* party = cmd->add_flag("--party-member", in->party);
  cmd->add_flag("--not-party-member", in->not_party)->excludes(party);
  program.on_run(cmd, [in](cli::Context& ctx) -> Status {
    if (in->party || in->not_party) in->edit.party_member = in->party;
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_RETURN_IF_ERROR(app::set_spokesperson(*r, in->id, in->edit));
    LIAISON_ASSIGN_OR_RETURN(app::Spokesperson s, app::get_spokesperson(*r, in->id));
    if (!ctx.out().json()) ctx.out().print_line(ctx.out().text("msg.saved"));
    app::print_spokesperson(ctx.out(), s);
    return {};
  });
}

struct VoidCommand {
  std::string id, reason;
};

void add_void(cli::Program& program, CLI::App& group) {
  auto in = std::make_shared<VoidCommand>();
  CLI::App* cmd = program.command(group, "void", "label.cmd.spokesperson_void");
  cmd->add_option("id", in->id)->required();
  cmd->add_option("--reason", in->reason)->required();
  program.on_run(cmd, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_RETURN_IF_ERROR(app::void_spokesperson(*r, in->id, in->reason));
    LIAISON_ASSIGN_OR_RETURN(app::Spokesperson s, app::get_spokesperson(*r, in->id));
    if (!ctx.out().json()) ctx.out().print_line(ctx.out().text("msg.voided"));
    app::print_spokesperson(ctx.out(), s);
    return {};
  });
}

void add_reads(cli::Program& program, CLI::App& group) {
  CLI::App* list = program.command(group, "list", "label.cmd.spokesperson_list");
  program.on_run(list, [](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<app::Spokesperson> roster, app::list_spokespersons(*r));
    app::print_spokesperson_list(ctx.out(), roster);
    return {};
  });

  auto id = std::make_shared<std::string>();
  CLI::App* show = program.command(group, "show", "label.cmd.spokesperson_show");
  show->add_option("id", *id)->required();
  program.on_run(show, [id](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::SpokespersonDetail d, app::show_spokesperson(*r, *id));
    app::print_spokesperson_detail(ctx.out(), d);
    return {};
  });

  CLI::App* coverage = program.command(group, "coverage", "label.cmd.spokesperson_coverage");
  program.on_run(coverage, [](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::Coverage c, app::spokesperson_coverage(*r));
    app::print_coverage(ctx.out(), c);
    return {};
  });
}

void add_visit_commands(cli::Program& program) {
  CLI::App* group = program.group(program.app(), "visit", "label.cmd.visit");
  auto in = std::make_shared<app::VisitInput>();
  CLI::App* add = program.command(*group, "add", "label.cmd.visit_add");
  add->add_option("--spokesperson", in->spokesperson);
  add->add_option("--date", in->date)->required();
  add->add_option("--households", in->households);
  add->add_option("--note", in->note);
  program.on_run(add, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::string id, app::add_visit(*r, *in));
    app::print_new_id(ctx.out(), "msg.visit_added", id);
    return {};
  });

  auto of = std::make_shared<std::string>();
  CLI::App* list = program.command(*group, "list", "label.cmd.visit_list");
  list->add_option("--spokesperson", *of);
  program.on_run(list, [of](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<app::Visit> visits, app::list_visits(*r, *of));
    app::print_visit_list(ctx.out(), visits);
    return {};
  });
}

}  // namespace

void add_spokesperson_commands(cli::Program& program) {
  CLI::App* group = program.group(program.app(), "spokesperson", "label.cmd.spokesperson");
  add_add(program, *group);
  add_reads(program, *group);
  add_set(program, *group);
  add_void(program, *group);
  add_visit_commands(program);
}

}  // namespace liaison::client
