// report overview | month: the district's view of every station, with the flags.
#include <memory>

#include "server/commands.h"
#include "shared/app/parse.h"
#include "shared/app/report.h"
#include "shared/app/report_output.h"

namespace liaison::server {

namespace {

struct ReportInput {
  std::string month;  // month reports only
  app::ReportOutputOptions output;
};

void add_output_options(CLI::App* cmd, app::ReportOutputOptions& output) {
  cmd->add_option("--format", output.format);
  cmd->add_option("--out", output.out);
  cmd->add_flag("--public", output.public_view);
  cmd->add_option("--overdue-days", output.overdue_days);
}

Status overview(cli::Context& ctx, const ReportInput& in) {
  LIAISON_ASSIGN_OR_RETURN(int64_t days, app::check_report_options(in.output, ctx.out().json()));
  LIAISON_ASSIGN_OR_RETURN(sync::Replica * r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(app::Report report, app::build_overview(*r, days));
  return app::emit_report(ctx.out(), report, in.output);
}

Status month_report(cli::Context& ctx, const ReportInput& in) {
  LIAISON_ASSIGN_OR_RETURN(app::Month month, app::parse_month(app::trim(in.month)));
  LIAISON_ASSIGN_OR_RETURN(int64_t days, app::check_report_options(in.output, ctx.out().json()));
  LIAISON_ASSIGN_OR_RETURN(sync::Replica * r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(app::Report report, app::build_month_report(*r, month, days, ""));
  return app::emit_report(ctx.out(), report, in.output);
}

}  // namespace

void add_report_commands(cli::Program& program) {
  CLI::App* report = program.group(program.app(), "report", "label.cmd.report");
  auto all = std::make_shared<ReportInput>();
  CLI::App* cmd = program.command(*report, "overview", "label.cmd.report_overview");
  add_output_options(cmd, all->output);
  program.on_run(cmd, [all](cli::Context& ctx) { return overview(ctx, *all); });

  auto in = std::make_shared<ReportInput>();
  CLI::App* month = program.command(*report, "month", "label.cmd.report_month_district");
  month->add_option("--month", in->month)->required();
  add_output_options(month, in->output);
  program.on_run(month, [in](cli::Context& ctx) { return month_report(ctx, *in); });
}

}  // namespace liaison::server
