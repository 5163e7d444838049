// report month: a station's month in numbers, its overdue opinions and its flags.
#include <memory>

#include "client/commands.h"
#include "shared/app/parse.h"
#include "shared/app/report.h"
#include "shared/app/report_output.h"

namespace liaison::client {

namespace {

struct MonthInput {
  std::string month;
  app::ReportOutputOptions output;
};

Status month_report(cli::Context& ctx, const MonthInput& in) {
  LIAISON_ASSIGN_OR_RETURN(app::Month month, app::parse_month(app::trim(in.month)));
  LIAISON_ASSIGN_OR_RETURN(int64_t days, app::check_report_options(in.output, ctx.out().json()));
  LIAISON_ASSIGN_OR_RETURN(sync::Replica * r, ctx.replica());
  // A spokesperson's device holds only its own records: its report would undercount.
  if (r->info().role != sync::Role::kStation)
    return Status(Code::kPermissionDenied, "err.report_station_only");
  LIAISON_ASSIGN_OR_RETURN(app::Report report,
                           app::build_month_report(*r, month, days, r->info().station_id));
  return app::emit_report(ctx.out(), report, in.output);
}

}  // namespace

void add_report_commands(cli::Program& program) {
  CLI::App* report = program.group(program.app(), "report", "label.cmd.report");
  auto in = std::make_shared<MonthInput>();
  CLI::App* month = program.command(*report, "month", "label.cmd.report_month");
  month->add_option("--month", in->month)->required();
  month->add_option("--format", in->output.format);
  month->add_option("--out", in->output.out);
  month->add_flag("--public", in->output.public_view);
  month->add_option("--overdue-days", in->output.overdue_days);
  program.on_run(month, [in](cli::Context& ctx) { return month_report(ctx, *in); });
}

}  // namespace liaison::client
