// liaison: records voters' opinions on a station or spokesperson device, offline, and exchanges
// them with the district office. Commands: /work/shared/CLI.md; exit status: shared/cli/program.h.
#include "client/commands.h"
#include "shared/cli/common_commands.h"

int main(int argc, char** argv) {
  liaison::cli::Program program("liaison", "LIAISON_DB", "liaison.db", argc, argv);
  try {
    liaison::client::add_init_command(program);
    liaison::client::add_opinion_commands(program);
    liaison::client::add_attach_commands(program);
    liaison::client::add_report_commands(program);
    liaison::client::add_duty_commands(program);
    liaison::client::add_spokesperson_commands(program);
    liaison::cli::add_conflict_commands(program);
    liaison::client::add_status_command(program);
    liaison::client::add_sync_commands(program);
    liaison::cli::add_device_commands(program);
    liaison::cli::add_serve_command(program);
    liaison::cli::add_change_commands(program);
    liaison::cli::add_bundle_commands(program, /*device=*/true);
    return program.run(argc, argv);
  } catch (const CLI::ParseError& e) {
    return program.usage_error(e);
  } catch (const std::exception& e) {
    return program.crash(e);
  }
}
