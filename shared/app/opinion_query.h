// Reading opinions: filtered lists, one opinion, one opinion with its steps, amendments and
// conflicts. Read-only; the status of each opinion is derived from its steps (status.h).
// Not thread-safe (see Replica).
#pragma once

#include <string>
#include <vector>

#include "shared/app/model.h"
#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

constexpr int kDefaultOverdueDays = 30;

// Filters as typed; empty strings mean "any".
struct OpinionFilter {
  std::string status;    // one of the status names; err.bad_status otherwise
  std::string category;  // exact match
  std::string search;    // substring of matter, place or voter
  std::string station;   // exact station id
  bool overdue = false;  // not replied, closed or void, and older than overdue_days
  std::string overdue_days;  // whole number of days (implies overdue); empty: the default
};

// Opinions that pass every filter, newest first (by at, then id). Voided opinions are listed,
// with status void. err.bad_status or err.bad_number for a malformed filter.
Result<std::vector<Opinion>> list_opinions(sync::Replica& replica, const OpinionFilter& filter);

// One opinion; NotFound err.not_found when the id is unknown here.
Result<Opinion> get_opinion(sync::Replica& replica, const std::string& id);

// One opinion with its steps, amendments and conflicts (open and decided).
Result<OpinionDetail> show_opinion(sync::Replica& replica, const std::string& id);

}  // namespace liaison::app
