// Internal to shared/app: the checks of a deputy's public profile, shared by registration
// (reference.cpp) and later edits (deputies.cpp, which defines them).
#pragma once

#include "shared/app/reference.h"
#include "shared/app/tables.h"
#include "shared/util/status.h"

namespace liaison::app {

// Adds the profile fields given (gender, term_start, term_end; blank ones are left out) to f.
// InvalidArgument err.bad_gender, err.bad_date, err.term_order (the term ends before it starts).
Status collect_deputy_profile(const DeputyProfile& profile, FieldList& f);

}  // namespace liaison::app
