// Internal helper of the reports and flags: running a read-only query over a replica and
// visiting its rows. Not thread-safe (see Replica).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "shared/storage/db.h"
#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

// Runs sql with params bound in order (1, 2, ...) and calls row once per result row. Returns
// the first failure of preparing or stepping the query.
Status each_row(sync::Replica& replica, const std::string& sql, const std::vector<Value>& params,
                const std::function<void(const storage::Stmt&)>& row);

}  // namespace liaison::app
