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
void add_serve_command(Program& program);

}  // namespace liaison::cli
