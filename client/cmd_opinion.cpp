// opinion add | import | list | show | set: recording opinions and reading them back.
#include <memory>

#include <nlohmann/json.hpp>

#include "client/commands.h"
#include "shared/app/opinion_import.h"
#include "shared/app/opinion_query.h"
#include "shared/app/opinions.h"
#include "shared/app/render.h"
#include "shared/cli/common_commands.h"

namespace liaison::client {

namespace {

void add_add(cli::Program& program, CLI::App& opinion) {
  auto in = std::make_shared<app::OpinionInput>();
  CLI::App* cmd = program.command(opinion, "add", "label.cmd.opinion_add");
  cmd->add_option("--voter", in->voter)->required();
  cmd->add_option("--matter", in->matter)->required();
  cmd->add_option("--phone", in->phone);
  cmd->add_option("--place", in->place);
  cmd->add_option("--category", in->category);
  cmd->add_option("--source", in->source);
  cmd->add_option("--spokesperson", in->spokesperson);
  cmd->add_option("--at", in->at);
  program.on_run(cmd, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::string id, app::add_opinion(*r, *in));
    app::print_new_id(ctx.out(), "msg.opinion_added", id);
    return {};
  });
}

void add_import(cli::Program& program, CLI::App& opinion) {
  auto path = std::make_shared<std::string>();
  auto again = std::make_shared<bool>(false);
  CLI::App* cmd = program.command(opinion, "import", "label.cmd.opinion_import");
  cmd->add_option("--csv", *path)->required();
  cmd->add_flag("--again", *again);
  program.on_run(cmd, [path, again](cli::Context& ctx) -> Status {
    ctx.set_failure_context("err.csv");
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(size_t n, app::import_opinions_csv(*r, *path, *again));
    if (ctx.out().json()) ctx.out().print_json({{"imported", n}});
    else ctx.out().print_line(ctx.out().format("msg.imported", n));
    return {};
  });
}

struct SetInput {
  std::string id;
  app::OpinionEdit edit;
};

void add_set(cli::Program& program, CLI::App& opinion) {
  auto in = std::make_shared<SetInput>();
  CLI::App* cmd = program.command(opinion, "set", "label.cmd.opinion_set");
  cmd->add_option("id", in->id)->required();
  cli::optional_option(cmd, "--category", in->edit.category);
  cli::optional_option(cmd, "--phone", in->edit.phone);
  cli::optional_option(cmd, "--place", in->edit.place);
  cli::optional_option(cmd, "--voter", in->edit.voter);
  program.on_run(cmd, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_RETURN_IF_ERROR(app::set_opinion(*r, in->id, in->edit));
    LIAISON_ASSIGN_OR_RETURN(app::Opinion o, app::get_opinion(*r, in->id));
    if (!ctx.out().json()) ctx.out().print_line(ctx.out().text("msg.saved"));
    app::print_opinion(ctx.out(), o);
    return {};
  });
}

}  // namespace

void add_opinion_commands(cli::Program& program) {
  CLI::App* opinion = program.group(program.app(), "opinion", "label.cmd.opinion");
  add_add(program, *opinion);
  add_import(program, *opinion);
  cli::add_opinion_list(program, *opinion, /*with_station=*/false);
  cli::add_opinion_show(program, *opinion);
  add_set(program, *opinion);
  add_handling_commands(program, *opinion);
}

}  // namespace liaison::client
