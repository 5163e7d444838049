// Checks of field values against the table policy, shared by capture and apply.
#pragma once

#include <vector>

#include "shared/sync/policy.h"
#include "shared/util/status.h"
#include "shared/util/value.h"

namespace liaison::sync {

// InvalidArgument when value does not fit the column's type (null always fits).
Status check_type(const TablePolicy& table, int column, const Value& value);
// InvalidArgument naming the first required column that is null or empty. With
// immutable_only, editable columns are not checked: a creation received from a peer leaves out
// values that later edits replaced, and those edits arrive with it.
Status check_required(const TablePolicy& table, const std::vector<Value>& values,
                      bool immutable_only = false);

}  // namespace liaison::sync
