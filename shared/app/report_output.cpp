#include "shared/app/report_output.h"

#include <sstream>

#include "shared/app/files.h"
#include "shared/app/parse.h"
#include "shared/app/report_doc.h"
#include "shared/app/report_json.h"

namespace liaison::app {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Writes the report to the options' file in the options' format.
Status write_file(const ReportDoc& doc, std::string_view lang, const ReportOutputOptions& options) {
  if (options.format == "xlsx") return write_xlsx(doc, options.out);
  std::string bytes;
  if (options.format == "csv") {
    bytes = std::string(kUtf8Bom) + to_csv(doc);
  } else {
    std::ostringstream text;
    write_text(doc, lang, text);
    bytes = text.str();
  }
  return write_file_atomic(options.out, bytes);
}

}  // namespace

Result<int64_t> check_report_options(const ReportOutputOptions& options, bool json) {
  const std::string& f = options.format;
  if (f != "text" && f != "csv" && f != "xlsx") return Status::invalid("err.bad_format", f);
  if (f == "xlsx" && options.out.empty()) return Status::invalid("err.xlsx_needs_out");
  if (json && f != "text" && options.out.empty()) return Status::invalid("err.report_json_stdout");
  if (options.overdue_days.empty()) return int64_t{kDefaultOverdueDays};
  return parse_count(options.overdue_days);
}

Status emit_report(Output& out, const Report& report, const ReportOutputOptions& options) {
  ReportDoc doc = report_doc(report, out.lang(), options.public_view);
  if (!options.out.empty()) {
    LIAISON_RETURN_IF_ERROR(write_file(doc, out.lang(), options));
    if (!out.json()) out.print_line(out.format("msg.report_written", options.out));
  }
  if (out.json()) {
    out.print_json(to_json(report, options.public_view));
    return {};
  }
  if (!options.out.empty()) return {};
  std::string text;
  if (options.format == "csv") {
    text = to_csv(doc);
  } else {
    std::ostringstream s;
    write_text(doc, out.lang(), s);
    text = s.str();
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  out.print_line(text);
  return {};
}

}  // namespace liaison::app
