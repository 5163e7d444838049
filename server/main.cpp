// liaison-server: the district office's consolidated replica of every station's records and the
// reference data. Commands: /work/shared/CLI.md; exit status: shared/cli/program.h.
#include "server/commands.h"
#include "shared/cli/common_commands.h"

int main(int argc, char** argv) {
  liaison::cli::Program program("liaison-server", "LIAISON_SERVER_DB", "district.db", argc, argv);
  try {
    liaison::server::add_init_command(program);
    liaison::server::add_reference_commands(program);
    liaison::server::add_duty_commands(program);
    liaison::cli::add_device_commands(program);
    liaison::server::add_compact_command(program);
    liaison::server::add_report_commands(program);
    liaison::server::add_audit_command(program);
    liaison::cli::add_serve_command(program);
    CLI::App* opinion = program.group(program.app(), "opinion", "label.cmd.opinion");
    liaison::cli::add_opinion_list(program, *opinion, /*with_station=*/true);
    liaison::cli::add_opinion_show(program, *opinion);
    liaison::cli::add_conflict_commands(program);
    liaison::cli::add_change_commands(program);
    liaison::cli::add_bundle_commands(program, /*device=*/false);
    return program.run(argc, argv);
  } catch (const CLI::ParseError& e) {
    return program.usage_error(e);
  } catch (const std::exception& e) {
    return program.crash(e);
  }
}
