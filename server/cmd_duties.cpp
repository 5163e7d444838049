// meeting plan | add | held | list | show | void: the deputies' homes' quarterly meetings;
// deputy set | show | report | archive beside `deputy add|list` (cmd_reference.cpp);
// category add | list: the opinion categories every station uses.
#include <memory>

#include "server/commands.h"
#include "shared/app/activities.h"
#include "shared/app/categories.h"
#include "shared/app/deputies.h"
#include "shared/app/render.h"
#include "shared/app/render_records.h"
#include "shared/cli/record_commands.h"

namespace liaison::server {

namespace {

struct SetCommand {
  std::string id;
  app::DeputyEdit edit;
};

void add_deputy_set(cli::Program& program, CLI::App& deputy) {
  auto in = std::make_shared<SetCommand>();
  CLI::App* set = program.command(deputy, "set", "label.cmd.deputy_set");
  set->add_option("id", in->id)->required();
  cli::optional_option(set, "--phone", in->edit.phone);
  cli::optional_option(set, "--work-unit", in->edit.work_unit);
  cli::optional_option(set, "--gender", in->edit.gender);
  cli::optional_option(set, "--term-start", in->edit.term_start);
  cli::optional_option(set, "--term-end", in->edit.term_end);
  program.on_run(set, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::Deputy d, app::set_deputy(*r, in->id, in->edit));
    if (!ctx.out().json()) ctx.out().print_line(ctx.out().text("msg.saved"));
    app::print_deputy(ctx.out(), d);
    return {};
  });
}

struct CategoryInput {
  std::string id, name;
};

void add_category_commands(cli::Program& program) {
  CLI::App* group = program.group(program.app(), "category", "label.cmd.category");
  auto in = std::make_shared<CategoryInput>();
  CLI::App* add = program.command(*group, "add", "label.cmd.category_add");
  add->add_option("--id", in->id)->required();
  add->add_option("--name", in->name)->required();
  program.on_run(add, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::Category c, app::add_category(*r, in->id, in->name));
    if (!ctx.out().json()) ctx.out().print_line(ctx.out().text("msg.saved"));
    app::print_category(ctx.out(), c);
    return {};
  });
  CLI::App* list = program.command(*group, "list", "label.cmd.category_list");
  program.on_run(list, [](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<app::Category> categories, app::list_categories(*r));
    app::print_category_list(ctx.out(), categories);
    return {};
  });
}

}  // namespace

void add_duty_commands(cli::Program& program) {
  CLI::App* meeting = program.group(program.app(), "meeting", "label.cmd.meeting");
  cli::add_activity_commands(program, *meeting, app::kHomeMeeting);
  // The group of `deputy add|list`, registered by add_reference_commands before this.
  CLI::App* deputy = program.app().get_subcommand("deputy");
  add_deputy_set(program, *deputy);
  cli::add_deputy_record_commands(program, *deputy);
  add_category_commands(program);
}

}  // namespace liaison::server
