// opinion amend | step | void: what is recorded beside an opinion after it is taken down. The
// verbatim matter never changes; amendments and handling steps are appended.
#include <memory>

#include "client/commands.h"
#include "shared/app/opinion_query.h"
#include "shared/app/opinions.h"
#include "shared/app/render.h"

namespace liaison::client {

namespace {

struct AmendInput {
  std::string id, text, by;
};

struct StepCommand {
  std::string id;
  app::StepInput step;
};

struct VoidInput {
  std::string id, reason;
};

void add_amend(cli::Program& program, CLI::App& opinion) {
  auto in = std::make_shared<AmendInput>();
  CLI::App* cmd = program.command(opinion, "amend", "label.cmd.opinion_amend");
  cmd->add_option("id", in->id)->required();
  cmd->add_option("--text", in->text)->required();
  cmd->add_option("--by", in->by);
  program.on_run(cmd, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::string id, app::add_amendment(*r, in->id, in->text, in->by));
    app::print_new_id(ctx.out(), "msg.amended", id);
    return {};
  });
}

void add_step(cli::Program& program, CLI::App& opinion) {
  auto in = std::make_shared<StepCommand>();
  CLI::App* cmd = program.command(opinion, "step", "label.cmd.opinion_step");
  cmd->add_option("id", in->id)->required();
  cmd->add_option("step", in->step.step)->required();
  cmd->add_option("--to", in->step.to);
  cmd->add_option("--channel", in->step.channel);
  cmd->add_option("--note", in->step.note);
  cmd->add_option("--by", in->step.by);
  program.on_run(cmd, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::string id, app::add_step(*r, in->id, in->step));
    app::print_new_id(ctx.out(), "msg.step_added", id);
    return {};
  });
}

void add_void(cli::Program& program, CLI::App& opinion) {
  auto in = std::make_shared<VoidInput>();
  CLI::App* cmd = program.command(opinion, "void", "label.cmd.opinion_void");
  cmd->add_option("id", in->id)->required();
  cmd->add_option("--reason", in->reason)->required();
  program.on_run(cmd, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_RETURN_IF_ERROR(app::void_opinion(*r, in->id, in->reason));
    LIAISON_ASSIGN_OR_RETURN(app::Opinion o, app::get_opinion(*r, in->id));
    if (!ctx.out().json()) ctx.out().print_line(ctx.out().text("msg.voided"));
    app::print_opinion(ctx.out(), o);
    return {};
  });
}

}  // namespace

void add_handling_commands(cli::Program& program, CLI::App& opinion) {
  add_amend(program, opinion);
  add_step(program, opinion);
  add_void(program, opinion);
}

}  // namespace liaison::client
