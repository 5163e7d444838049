// The command groups of `liaison-server` (the district office program), one file each. The
// groups shared with liaison (conflicts, changes, opinion list) are in shared/cli.
#pragma once

#include "shared/cli/program.h"

namespace liaison::server {

// init: creates the district replica.
void add_init_command(cli::Program& program);
// home add|list, station add|list, deputy add|list
void add_reference_commands(cli::Program& program);
// device add|list|revoke
void add_device_commands(cli::Program& program);

// serve --listen HOST:PORT [--port-file F] [--tls-cert F --tls-key F] [--grace SECONDS]
void add_serve_command(cli::Program& program);

}  // namespace liaison::server
