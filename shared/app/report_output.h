// How the report commands of both programs deliver a report: --format text|csv|xlsx, --out FILE,
// --public and the global --json. Not thread-safe (one Output per command run).
//
// - Without --json: text (the default) or CSV goes to stdout, or with --out to the file, and
//   then one line on stdout says where; xlsx needs --out. A CSV file starts with a UTF-8 byte
//   order mark, so that spreadsheet programs read its Chinese text right (stdout gets none).
// - With --json: the report as JSON on stdout (report_json.h); with --out the file is written
//   as well, in the --format asked for. A CSV or xlsx report then needs --out, since stdout
//   holds the JSON.
// - --public leaves voter names and phone numbers out of every output, the overdue list too.
// Files are replaced atomically (files.h).
#pragma once

#include <cstdint>
#include <string>

#include "shared/app/output.h"
#include "shared/app/report.h"
#include "shared/util/status.h"

namespace liaison::app {

struct ReportOutputOptions {
  std::string format = "text";  // text, csv or xlsx
  std::string out;              // a file; empty: stdout
  bool public_view = false;
  std::string overdue_days;  // as typed; empty: kDefaultOverdueDays
};

// Checks the options before anything is read and returns the overdue limit in days:
// err.bad_format, err.xlsx_needs_out, err.report_json_stdout, err.bad_number.
Result<int64_t> check_report_options(const ReportOutputOptions& options, bool json);

// Prints or writes the report as the options say (see above). REQUIRES: the options passed
// check_report_options(). Io err.file or err.xlsx when the file cannot be written.
Status emit_report(Output& out, const Report& report, const ReportOutputOptions& options);

}  // namespace liaison::app
