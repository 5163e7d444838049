// liaison-server: the district office's consolidated replica of every station's records and the
// reference data. Commands: /work/shared/CLI.md; exit status: shared/cli/program.h.
#include "server/commands.h"
#include "shared/cli/common_commands.h"

namespace liaison::server {

const cli::ProgramSpec& program_spec() {
  static const cli::ProgramSpec kSpec{"liaison-server", "LIAISON_SERVER_DB", "district.db",
                                      add_commands};
  return kSpec;
}

void add_commands(cli::Program& program) {
  add_init_command(program);
  add_reference_commands(program);
  add_duty_commands(program);
  cli::add_device_commands(program);
  add_compact_command(program);
  add_report_commands(program);
  add_audit_command(program);
  add_user_commands(program);
  cli::add_attachment_commands(program);
  add_serve_with_dashboard(program);
  CLI::App* opinion = program.group(program.app(), "opinion", "label.cmd.opinion");
  cli::add_opinion_list(program, *opinion, /*with_station=*/true);
  cli::add_opinion_show(program, *opinion);
  cli::add_conflict_commands(program);
  cli::add_change_commands(program);
  cli::add_bundle_commands(program, /*device=*/false);
}

}  // namespace liaison::server

int main(int argc, char** argv) {
  return liaison::cli::program_main(liaison::server::program_spec(), argc, argv);
}
