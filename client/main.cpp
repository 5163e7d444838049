// liaison: records voters' opinions on a station or spokesperson device, offline, and exchanges
// them with the district office. Commands: /work/shared/CLI.md; exit status: shared/cli/program.h.
#include "client/commands.h"
#include "shared/cli/common_commands.h"

namespace liaison::client {

const cli::ProgramSpec& program_spec() {
  static const cli::ProgramSpec kSpec{"liaison", "LIAISON_DB", "liaison.db", add_commands};
  return kSpec;
}

void add_commands(cli::Program& program) {
  add_init_command(program);
  add_opinion_commands(program);
  add_attach_commands(program);
  add_report_commands(program);
  add_duty_commands(program);
  add_spokesperson_commands(program);
  cli::add_conflict_commands(program);
  add_status_command(program);
  add_sync_commands(program);
  cli::add_device_commands(program);
  cli::add_serve_command(program);
  cli::add_change_commands(program);
  cli::add_bundle_commands(program, /*device=*/true);
  add_ui_command(program);
}

}  // namespace liaison::client

int main(int argc, char** argv) {
  return liaison::cli::program_main(liaison::client::program_spec(), argc, argv);
}
