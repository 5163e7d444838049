// Reading CSV as RFC 4180 defines it: comma-separated fields, records ending in CRLF or LF,
// quoted fields that may hold commas, line breaks and doubled quotes (""). A UTF-8 byte order
// mark at the start is skipped and blank lines are ignored. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shared/util/status.h"

namespace liaison::app {

struct CsvRecord {
  size_t line = 0;  // the 1-based line on which the record starts
  std::vector<std::string> fields;
};

// Every record of text. On malformed quoting returns InvalidArgument err.csv_quote whose detail
// is "<name>:<line>", name being how the caller calls the input (usually its file name).
Result<std::vector<CsvRecord>> parse_csv(std::string_view text, std::string_view name);

}  // namespace liaison::app
