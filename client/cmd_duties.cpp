// reception plan | add | held | list | show | void; deputy list | show | report | archive;
// category list: reception days and the deputies who hold them, on a station device. Deputies
// and categories are reference data the district office maintains; they arrive with a sync.
#include <memory>

#include "client/commands.h"
#include "shared/app/activities.h"
#include "shared/app/categories.h"
#include "shared/app/reference.h"
#include "shared/app/render.h"
#include "shared/app/render_records.h"
#include "shared/cli/record_commands.h"

namespace liaison::client {

void add_duty_commands(cli::Program& program) {
  CLI::App* reception = program.group(program.app(), "reception", "label.cmd.reception");
  cli::add_activity_commands(program, *reception, app::kReception);

  CLI::App* deputy = program.group(program.app(), "deputy", "label.cmd.deputy");
  cli::add_deputy_record_commands(program, *deputy);

  CLI::App* category = program.group(program.app(), "category", "label.cmd.category");
  CLI::App* list = program.command(*category, "list", "label.cmd.category_list");
  program.on_run(list, [](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    LIAISON_ASSIGN_OR_RETURN(std::vector<app::Category> categories, app::list_categories(*r));
    app::print_category_list(ctx.out(), categories);
    return {};
  });
}

}  // namespace liaison::client
