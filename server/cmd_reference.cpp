// home | station | deputy add|list: the reference data the district office maintains.
#include <memory>

#include "server/commands.h"
#include "shared/app/reference.h"
#include "shared/app/render.h"

namespace liaison::server {

namespace {

void add_home(cli::Program& program, CLI::App& group) {
  auto in = std::make_shared<app::HomeInput>();
  CLI::App* cmd = program.command(group, "add", "label.cmd.home_add");
  cmd->add_option("--id", in->id)->required();
  cmd->add_option("--name", in->name)->required();
  cmd->add_option("--township", in->township);
  program.on_run(cmd, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::Home h, app::add_home(*r, *in));
    if (!ctx.out().json()) ctx.out().print_line(ctx.out().text("msg.saved"));
    app::print_home(ctx.out(), h);
    return {};
  });
  CLI::App* list = program.command(group, "list", "label.cmd.home_list");
  program.on_run(list, [](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<app::Home> homes, app::list_homes(*r));
    app::print_home_list(ctx.out(), homes);
    return {};
  });
}

void add_station(cli::Program& program, CLI::App& group) {
  auto in = std::make_shared<app::StationInput>();
  CLI::App* cmd = program.command(group, "add", "label.cmd.station_add");
  cmd->add_option("--id", in->id)->required();
  cmd->add_option("--name", in->name)->required();
  cmd->add_option("--home", in->home);
  cmd->add_option("--voters", in->voters);
  cmd->add_option("--kind", in->kind);
  cmd->add_option("--township", in->township);
  program.on_run(cmd, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::Station s, app::add_station(*r, *in));
    if (!ctx.out().json()) ctx.out().print_line(ctx.out().text("msg.saved"));
    app::print_station(ctx.out(), s);
    return {};
  });
  CLI::App* list = program.command(group, "list", "label.cmd.station_list");
  program.on_run(list, [](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<app::Station> stations, app::list_stations(*r));
    app::print_station_list(ctx.out(), stations);
    return {};
  });
}

void add_deputy(cli::Program& program, CLI::App& group) {
  auto in = std::make_shared<app::DeputyInput>();
  CLI::App* cmd = program.command(group, "add", "label.cmd.deputy_add");
  cmd->add_option("--id", in->id)->required();
  cmd->add_option("--name", in->name)->required();
  cmd->add_option("--level", in->level)->required();
  cmd->add_option("--home", in->home);
  cmd->add_option("--station", in->station);
  cmd->add_option("--work-unit", in->work_unit);
  cmd->add_option("--phone", in->phone);
  cmd->add_option("--gender", in->profile.gender);
  cmd->add_option("--term-start", in->profile.term_start);
  cmd->add_option("--term-end", in->profile.term_end);
  program.on_run(cmd, [in](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::Deputy d, app::add_deputy(*r, *in));
    if (!ctx.out().json()) ctx.out().print_line(ctx.out().text("msg.saved"));
    app::print_deputy(ctx.out(), d);
    return {};
  });
}

}  // namespace

void add_reference_commands(cli::Program& program) {
  add_home(program, *program.group(program.app(), "home", "label.cmd.home"));
  add_station(program, *program.group(program.app(), "station", "label.cmd.station"));
  add_deputy(program, *program.group(program.app(), "deputy", "label.cmd.deputy"));
}

}  // namespace liaison::server
