#include "shared/cli/record_commands.h"

#include <memory>
#include <string>
#include <vector>

#include "shared/app/activities.h"
#include "shared/app/deputies.h"
#include "shared/app/reference.h"
#include "shared/app/render.h"
#include "shared/app/render_records.h"

namespace liaison::cli {

namespace {

// --name VALUE, which may be given again to add more values; each occurrence takes one value,
// so that a positional argument after it is not taken as another.
void repeated_option(CLI::App* cmd, const std::string& name, std::vector<std::string>& target) {
  cmd->add_option(name, target)->allow_extra_args(false);
}

// The options of what is recorded once an activity is held.
void held_options(CLI::App* cmd, app::HeldInput& held) {
  cmd->add_option("--voters", held.voters);
  repeated_option(cmd, "--deputy", held.deputies);
  repeated_option(cmd, "--spokesperson", held.spokespersons);
  repeated_option(cmd, "--opinion", held.opinions);
}

// The options every new activity has.
void activity_options(CLI::App* cmd, app::ActivityInput& in, bool home) {
  cmd->add_option("--date", in.held.date)->required();
  cmd->add_option("--place", in.place)->required();
  cmd->add_option("--topic", in.topic)->required();
  cmd->add_option("--note", in.held.note);
  if (home) cmd->add_option("--home", in.home)->required();
}

Status create(Context& ctx, const app::ActivityInput& in) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(std::string id, app::add_activity(*r, in));
  app::print_new_id(ctx.out(), in.planned ? "msg.activity_planned" : "msg.activity_added", id);
  return {};
}

void add_plan_and_add(Program& program, CLI::App& group, std::string_view kind) {
  bool home = kind == app::kHomeMeeting;
  auto plan = std::make_shared<app::ActivityInput>();
  plan->kind = kind;
  plan->planned = true;
  CLI::App* plan_cmd = program.command(group, "plan", "label.cmd.activity_plan");
  activity_options(plan_cmd, *plan, home);
  program.on_run(plan_cmd, [plan](Context& ctx) { return create(ctx, *plan); });

  auto add = std::make_shared<app::ActivityInput>();
  add->kind = kind;
  CLI::App* add_cmd = program.command(group, "add", "label.cmd.activity_add");
  activity_options(add_cmd, *add, home);
  add_cmd->add_flag("--planned", add->planned);
  held_options(add_cmd, add->held);
  program.on_run(add_cmd, [add](Context& ctx) { return create(ctx, *add); });
}

// NotFound when id is not an activity of kind: `reception held` takes no home meeting's id, and
// the other way round.
Status require_kind(sync::Replica& r, const std::string& id, const std::string& kind) {
  LIAISON_ASSIGN_OR_RETURN(app::Activity a, app::get_activity(r, id));
  if (a.kind != kind) return Status::not_found("err.not_found", id);
  return {};
}

struct HeldCommand {
  std::string id;
  app::HeldInput held;
};

struct VoidCommand {
  std::string id, reason;
};

void add_held_and_void(Program& program, CLI::App& group, const std::string& kind) {
  auto held = std::make_shared<HeldCommand>();
  CLI::App* held_cmd = program.command(group, "held", "label.cmd.activity_held");
  held_cmd->add_option("id", held->id)->required();
  held_cmd->add_option("--date", held->held.date)->required();
  held_cmd->add_option("--note", held->held.note);
  held_options(held_cmd, held->held);
  program.on_run(held_cmd, [held, kind](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_RETURN_IF_ERROR(require_kind(*r, held->id, kind));
    LIAISON_RETURN_IF_ERROR(app::record_held(*r, held->id, held->held));
    LIAISON_ASSIGN_OR_RETURN(app::ActivityDetail d, app::show_activity(*r, held->id));
    if (!ctx.out().json()) ctx.out().print_line(ctx.out().text("msg.activity_held"));
    app::print_activity_detail(ctx.out(), d);
    return {};
  });

  auto cancel = std::make_shared<VoidCommand>();
  CLI::App* void_cmd = program.command(group, "void", "label.cmd.activity_void");
  void_cmd->add_option("id", cancel->id)->required();
  void_cmd->add_option("--reason", cancel->reason)->required();
  program.on_run(void_cmd, [cancel, kind](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_RETURN_IF_ERROR(require_kind(*r, cancel->id, kind));
    LIAISON_RETURN_IF_ERROR(app::void_activity(*r, cancel->id, cancel->reason));
    LIAISON_ASSIGN_OR_RETURN(app::ActivityDetail d, app::show_activity(*r, cancel->id));
    if (!ctx.out().json()) ctx.out().print_line(ctx.out().text("msg.voided"));
    app::print_activity_detail(ctx.out(), d);
    return {};
  });
}

void add_list_and_show(Program& program, CLI::App& group, std::string_view kind) {
  auto filter = std::make_shared<app::ActivityFilter>();
  filter->kind = kind;
  CLI::App* list = program.command(group, "list", "label.cmd.activity_list");
  list->add_option("--state", filter->state);
  if (kind == app::kHomeMeeting) list->add_option("--home", filter->home);
  program.on_run(list, [filter](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<app::Activity> found, app::list_activities(*r, *filter));
    app::print_activity_list(ctx.out(), found);
    return {};
  });

  auto id = std::make_shared<std::string>();
  CLI::App* show = program.command(group, "show", "label.cmd.activity_show");
  show->add_option("id", *id)->required();
  program.on_run(show, [id, kind = std::string(kind)](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_RETURN_IF_ERROR(require_kind(*r, *id, kind));
    LIAISON_ASSIGN_OR_RETURN(app::ActivityDetail d, app::show_activity(*r, *id));
    app::print_activity_detail(ctx.out(), d);
    return {};
  });
}

void add_report_commands(Program& program, CLI::App& deputy) {
  CLI::App* report = program.group(deputy, "report", "label.cmd.deputy_report");
  auto in = std::make_shared<app::ReportInput>();
  CLI::App* add = program.command(*report, "add", "label.cmd.deputy_report_add");
  add->add_option("--deputy", in->deputy)->required();
  add->add_option("--date", in->date)->required();
  add->add_option("--form", in->form);
  add->add_option("--note", in->note);
  program.on_run(add, [in](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::string id, app::add_deputy_report(*r, *in));
    app::print_new_id(ctx.out(), "msg.report_added", id);
    return {};
  });

  auto of = std::make_shared<std::string>();
  CLI::App* list = program.command(*report, "list", "label.cmd.deputy_report_list");
  list->add_option("--deputy", *of);
  program.on_run(list, [of](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<app::DeputyReport> reports,
                             app::list_deputy_reports(*r, *of));
    app::print_report_list(ctx.out(), reports);
    return {};
  });
}

}  // namespace

void add_activity_commands(Program& program, CLI::App& group, std::string_view kind) {
  add_plan_and_add(program, group, kind);
  add_held_and_void(program, group, std::string(kind));
  add_list_and_show(program, group, kind);
}

void add_deputy_record_commands(Program& program, CLI::App& deputy) {
  CLI::App* list = program.command(deputy, "list", "label.cmd.deputy_list");
  program.on_run(list, [](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<app::Deputy> deputies, app::list_deputies(*r));
    app::print_deputy_list(ctx.out(), deputies);
    return {};
  });
  add_report_commands(program, deputy);
  auto shown = std::make_shared<std::string>();
  CLI::App* show = program.command(deputy, "show", "label.cmd.deputy_show");
  show->add_option("id", *shown)->required();
  program.on_run(show, [shown](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::Deputy d, app::get_deputy(*r, *shown));
    app::print_deputy(ctx.out(), d);
    return {};
  });
  auto id = std::make_shared<std::string>();
  CLI::App* archive = program.command(deputy, "archive", "label.cmd.deputy_archive");
  archive->add_option("id", *id)->required();
  program.on_run(archive, [id](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::DeputyArchive a, app::deputy_archive(*r, *id));
    app::print_deputy_archive(ctx.out(), a);
    return {};
  });
}

}  // namespace liaison::cli
