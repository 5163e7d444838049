// report overview | month | stats: the district's view of every station, with the flags.
#include <map>
#include <memory>

#include "server/commands.h"
#include "shared/app/opinion_query.h"
#include "shared/app/parse.h"
#include "shared/app/render.h"
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

// Opinions counted by status, category (empty: none), station and month of `at`; void ones
// count only under status. For the dashboard's charts.
Status stats(cli::Context& ctx) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica * r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(std::vector<app::Opinion> opinions, app::list_opinions(*r, {}));
  std::map<std::string, int64_t> by_status, by_category, by_station, by_month;
  int64_t total = 0;
  for (const app::Opinion& o : opinions) {
    ++by_status[app::status_name(o.status)];
    if (o.status == app::OpinionStatus::kVoid) continue;
    ++total;
    ++by_category[o.category.value_or("")];
    ++by_station[o.station];
    ++by_month[o.at.substr(0, 7)];
  }
  app::Output& out = ctx.out();
  if (out.json()) {
    out.print_json({{"total", total}, {"by_status", by_status}, {"by_category", by_category},
                    {"by_station", by_station}, {"by_month", by_month}});
    return {};
  }
  std::vector<std::vector<std::string>> rows;
  auto add = [&](const char* group, const std::map<std::string, int64_t>& counts) {
    for (const auto& [key, n] : counts) {
      std::string label = key;
      if (std::string_view(group) == "status") label = app::vocab_text(out, "status", key);
      rows.push_back({out.text(std::string("label.stats.") + group), label, std::to_string(n)});
    }
  };
  add("status", by_status);
  add("category", by_category);
  add("station", by_station);
  add("month", by_month);
  out.print_table({"label.stats.group", "label.stats.key", "label.count"}, rows);
  return {};
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

  CLI::App* st = program.command(*report, "stats", "label.cmd.report_stats");
  program.on_run(st, stats);
}

}  // namespace liaison::server
