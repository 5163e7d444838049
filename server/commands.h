// The command groups of `liaison-server` (the district office program), one file each. The
// groups shared with liaison (conflicts, changes, opinion list) are in shared/cli.
#pragma once

#include "shared/cli/program.h"

namespace liaison::server {

// The program: its name, default database and every command (main.cpp); the dashboard runs the
// same commands in-process.
const cli::ProgramSpec& program_spec();
void add_commands(cli::Program& program);

// init: creates the district replica.
void add_init_command(cli::Program& program);
// home add|list, station add|list, deputy add|list
void add_reference_commands(cli::Program& program);
// compact (device add|list|revoke and serve are shared with the station hub: shared/cli)
void add_compact_command(cli::Program& program);
// report overview | month --month YYYY-MM, with [--format text|csv|xlsx] [--out F] [--public]
// [--overdue-days N]
void add_report_commands(cli::Program& program);
// meeting plan|add|held|list|show|void; deputy set|show|report|archive (after
// add_reference_commands, whose deputy group they join); category add|list
void add_duty_commands(cli::Program& program);
// audit [--device ID] [--since TIME] [--event E] [--limit N]: the audit log, newest first
void add_audit_command(cli::Program& program);
// user add NAME | passwd NAME (the password on standard input) | list | remove NAME: the
// dashboard's accounts
void add_user_commands(cli::Program& program);
// serve ... [--dashboard HOST:PORT [--dashboard-port-file F]]: the sync server, and beside it
// the district dashboard (docs/web.md)
void add_serve_with_dashboard(cli::Program& program);

}  // namespace liaison::server
