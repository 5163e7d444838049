// Opinion categories (类别): reference data the district office maintains, with short codes as
// ids, synced to every device so that stations classify opinions the same way. Only a district
// replica writes them (PermissionDenied err.district_only elsewhere). Not thread-safe (see
// Replica).
#pragma once

#include <string>
#include <vector>

#include "shared/app/model.h"
#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

// Registers a category and returns it as stored. InvalidArgument err.bad_id, err.empty,
// err.utf8; AlreadyExists err.id_exists.
Result<Category> add_category(sync::Replica& replica, const std::string& id,
                              const std::string& name);

// Every category known here (voided ones too), by id.
Result<std::vector<Category>> list_categories(sync::Replica& replica);

}  // namespace liaison::app
