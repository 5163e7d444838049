// Commands over deputies' activities and reports that both programs offer in the same form:
// reception days on station devices (`liaison reception ...`) and home meetings at the district
// (`liaison-server meeting ...`) share one set of words; `deputy report` and `deputy archive`
// are the same on both programs. Each add_* registers its command words and actions.
#pragma once

#include <string_view>

#include "shared/cli/program.h"

namespace liaison::cli {

// Under group, for activities of kind (app::kReception or app::kHomeMeeting; a home meeting
// takes --home ID where an activity is created and as a list filter):
//   plan --date D --place P --topic T [--note N]               announced in advance
//   add --date D --place P --topic T [--planned] [--voters N] [--deputy ID]...
//       [--spokesperson ID]... [--opinion ID]... [--note N]    logged (held, unless --planned)
//   held ID --date D [--voters N] [--deputy ID]... [--spokesperson ID]... [--opinion ID]...
//       [--note N]                                             recorded as held
//   list [--state planned|held|void]
//   show ID
//   void ID --reason TEXT                                      cancelled (the record stays)
void add_activity_commands(Program& program, CLI::App& group, std::string_view kind);

// Under the group deputy:
//   list                            the deputies (reference data)
//   show ID                         one deputy
//   report add --deputy ID --date D [--form meeting|written|online|other] [--note T]
//   report list [--deputy ID]
//   archive ID                      the performance archive
void add_deputy_record_commands(Program& program, CLI::App& deputy);

}  // namespace liaison::cli
