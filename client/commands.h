// The command groups of `liaison` (the station and spokesperson program), one file each. The
// groups shared with liaison-server (conflicts, changes, opinion list) are in shared/cli.
#pragma once

#include "shared/cli/program.h"

namespace liaison::client {

// The program: its name, default database and every command (main.cpp); the desk runs the same
// commands in-process.
const cli::ProgramSpec& program_spec();
void add_commands(cli::Program& program);

// init --station ID [--server URL] [--token T] [--spokesperson ID]
void add_init_command(cli::Program& program);
// opinion add | import | list | show | set, and (cmd_handling.cpp) amend | step | void
void add_opinion_commands(cli::Program& program);
void add_handling_commands(cli::Program& program, CLI::App& opinion);
// status
void add_status_command(cli::Program& program);
// attach ID FILE; attachment list ID; attachment get ID|SHA256 --out FILE
void add_attach_commands(cli::Program& program);
// report month --month YYYY-MM [--format text|csv|xlsx] [--out F] [--public] [--overdue-days N]
void add_report_commands(cli::Program& program);
// reception plan|add|held|list|show|void; deputy list|show|report|archive; category list
void add_duty_commands(cli::Program& program);
// spokesperson add|list|show|set|void|coverage; visit add|list
void add_spokesperson_commands(cli::Program& program);

// sync [--server URL] [--token T] [--retries N] [--ca-file F] [--insecure]; refused
void add_sync_commands(cli::Program& program);
// ui [--listen HOST:PORT] [--port-file F]: the station desk, a page for this computer's browser
void add_ui_command(cli::Program& program);

}  // namespace liaison::client
