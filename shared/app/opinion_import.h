// Importing opinions from a spreadsheet export: a UTF-8 CSV file with a header row naming some of
// the columns voter, phone, place, matter, category, source, at (in any order; voter and matter
// are required). Every row is checked as `opinion add` checks its options before anything is
// written, and then all rows are recorded in one write: all or none.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

// The largest CSV file accepted.
constexpr size_t kMaxCsvBytes = size_t{64} << 20;

// The new opinion rows described by CSV text, recorded on this device at time now. Errors name
// the place as "<name>:<line>" in their detail: err.csv_empty, err.csv_quote, err.csv_header
// (unknown column), err.csv_duplicate_column, err.csv_missing_column, err.csv_fields (a row with
// another number of fields than the header), and every error of new_opinion_fields().
Result<std::vector<sync::Fields>> opinions_from_csv(std::string_view text, std::string_view name,
                                                    const sync::ReplicaInfo& info,
                                                    const std::string& now);

// Reads the file at path and records every opinion in it; returns how many. A file with the same
// bytes as one imported here before is refused (AlreadyExists err.csv_imported, naming when and
// how many), unless again is set: importing a spreadsheet twice would record each opinion twice.
Result<size_t> import_opinions_csv(sync::Replica& replica, const std::string& path,
                                   bool again = false);

}  // namespace liaison::app
