#include "shared/cli/common_commands.h"

#include <memory>

#include "shared/app/exchange.h"
#include "shared/app/json.h"
#include "shared/app/opinion_query.h"
#include "shared/app/parse.h"
#include "shared/app/render.h"

namespace liaison::cli {

namespace {

struct ResolveInput {
  std::string id, keep;
};

Status resolve(Context& ctx, const ResolveInput& in) {
  if (in.keep != "kept" && in.keep != "lost") return Status::invalid("err.bad_keep", in.keep);
  LIAISON_ASSIGN_OR_RETURN(int64_t id, app::parse_count(in.id));
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(sync::Conflict c, r->resolve(id, in.keep == "lost"));
  if (!ctx.out().json()) ctx.out().print_line(ctx.out().text("msg.resolved"));
  app::print_conflict(ctx.out(), c);
  return {};
}

struct ExportInput {
  std::string out;
  std::optional<std::string> since;
};

Status export_changes(Context& ctx, const ExportInput& in) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(size_t n, app::export_changes(*r, in.out, in.since));
  if (ctx.out().json()) ctx.out().print_json({{"exported", n}, {"file", in.out}});
  else ctx.out().print_line(ctx.out().format("msg.exported", n, in.out));
  return {};
}

}  // namespace

void add_conflict_commands(Program& program) {
  CLI::App* conflicts = program.command(program.app(), "conflicts", "label.cmd.conflicts");
  conflicts->require_subcommand(0, 1);
  program.on_run(conflicts, [](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<sync::Conflict> list, r->conflicts(false));
    app::print_conflict_list(ctx.out(), list);
    return {};
  });
  auto in = std::make_shared<ResolveInput>();
  CLI::App* cmd = program.command(*conflicts, "resolve", "label.cmd.conflicts_resolve");
  cmd->add_option("cid", in->id)->required();
  cmd->add_option("--keep", in->keep)->required();
  program.on_run(cmd, [in](Context& ctx) { return resolve(ctx, *in); });
}

void add_change_commands(Program& program) {
  CLI::App* changes = program.group(program.app(), "changes", "label.cmd.changes");
  CLI::App* vector = program.command(*changes, "vector", "label.cmd.changes_vector");
  program.on_run(vector, [](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    ctx.out().print_json(app::to_json(r->version_vector()));
    return {};
  });

  auto ex = std::make_shared<ExportInput>();
  CLI::App* exp = program.command(*changes, "export", "label.cmd.changes_export");
  exp->add_option("--out", ex->out)->required();
  optional_option(exp, "--since", ex->since);
  program.on_run(exp, [ex](Context& ctx) { return export_changes(ctx, *ex); });

  auto file = std::make_shared<std::string>();
  CLI::App* imp = program.command(*changes, "import", "label.cmd.changes_import");
  imp->add_option("file", *file)->required();
  program.on_run(imp, [file](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(sync::ApplyStats stats, app::import_changes(*r, *file));
    app::print_apply_stats(ctx.out(), stats);
    return {};
  });
}

void add_opinion_list(Program& program, CLI::App& opinion, bool with_station) {
  auto filter = std::make_shared<app::OpinionFilter>();
  CLI::App* cmd = program.command(opinion, "list", "label.cmd.opinion_list");
  cmd->add_option("--status", filter->status);
  cmd->add_option("--category", filter->category);
  cmd->add_option("--search", filter->search);
  cmd->add_flag("--overdue", filter->overdue);
  cmd->add_option("--overdue-days", filter->overdue_days);
  if (with_station) cmd->add_option("--station", filter->station);
  program.on_run(cmd, [filter](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<app::Opinion> list, app::list_opinions(*r, *filter));
    app::print_opinion_list(ctx.out(), list);
    return {};
  });
}


void add_opinion_show(Program& program, CLI::App& opinion) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = program.command(opinion, "show", "label.cmd.opinion_show");
  cmd->add_option("id", *id)->required();
  program.on_run(cmd, [id](Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(app::OpinionDetail d, app::show_opinion(*r, *id));
    app::print_opinion_detail(ctx.out(), d);
    return {};
  });
}

}  // namespace liaison::cli
