// The commands both programs offer in the same form: the conflict log, changeset files, sync
// bundles and the opinion list. Each add_* registers its command words and actions on a Program.
#pragma once

#include "shared/cli/program.h"

namespace liaison::cli {

// conflicts                            every conflict kept here, open and decided
// conflicts resolve CID --keep kept|lost   re-decides one
void add_conflict_commands(Program& program);

// changes vector                       this replica's version vector as JSON
// changes export --out FILE [--since VV.json]
// changes import FILE
void add_change_commands(Program& program);

// bundle export --out FILE            a request bundle: what the server has not acknowledged
// bundle import FILE                   an answer bundle, made for this device
// bundle import FILE --answer OUT      a request bundle of a device provisioned here; writes
//                                      the answer to OUT
// (bundle_commands.cpp) device: the device program, which alone exports and imports answers;
// otherwise --answer is required.
void add_bundle_commands(Program& program, bool device);

// opinion list [--status S] [--category C] [--search TEXT] [--overdue] [--overdue-days N]
// under the group opinion; with_station adds [--station ID] (the district's consolidated view).
void add_opinion_list(Program& program, CLI::App& opinion, bool with_station);

// opinion show ID: one opinion with its steps, amendments and conflicts, under the group opinion.
void add_opinion_show(Program& program, CLI::App& opinion);

// device add [--station ID] [--role R] [--spokesperson ID] | list | revoke DEVICE
void add_device_commands(Program& program);

// serve [--listen HOST:PORT] [--port-file F] [--tls-cert F --tls-key F] [--grace S]
// attachment list ID | get ID|SHA256 --out FILE: the scans and photos attached to a record.
void add_attachment_commands(Program& program);

// companion, when set, runs beside the sync server for as long as it serves (the district
// dashboard): it is started before the sync server (a failure stops everything before it
// starts) and what it returns is destroyed, stopping it, after the sync server has drained.
// Returns the command, so that a program can add the companion's options to it.
using ServeCompanion = std::function<Result<std::shared_ptr<void>>(Context& ctx)>;
CLI::App* add_serve_command(Program& program, ServeCompanion companion = {});

// HOST:PORT ("127.0.0.1:0", "[::1]:8750") split; InvalidArgument err.bad_listen otherwise.
Result<std::pair<std::string, uint16_t>> parse_listen(const std::string& text);

}  // namespace liaison::cli
