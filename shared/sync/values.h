// Checks of field values against the table policy, shared by capture and apply.
#pragma once

#include <vector>

#include "shared/sync/policy.h"
#include "shared/util/status.h"
#include "shared/util/value.h"

namespace liaison::sync {

// InvalidArgument when value does not fit the column's type (null always fits).
Status check_type(const TablePolicy& table, int column, const Value& value);
// InvalidArgument naming the first required column that is null or empty.
Status check_required(const TablePolicy& table, const std::vector<Value>& values);

}  // namespace liaison::sync
