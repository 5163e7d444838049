// A report laid out for people: titled tables in one language, every label from the message
// catalogue, which report_render.cpp prints as text or CSV and report_xlsx.cpp writes as a
// spreadsheet (one sheet per table). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared/app/report.h"
#include "shared/util/status.h"

namespace liaison::app {

// Text, or a whole number (a number cell in a spreadsheet).
struct DocCell {
  DocCell(std::string t) : text(std::move(t)) {}              // NOLINT: implicit by design
  DocCell(const char* t) : text(t) {}                         // NOLINT
  DocCell(int64_t n) : text(std::to_string(n)), number(n) {}  // NOLINT
  std::string text;                                           // what the cell shows
  std::optional<int64_t> number;                              // set for a number
};

struct DocTable {
  std::string title;                // the section's title
  std::vector<std::string> header;  // one label per column
  std::vector<std::vector<DocCell>> rows;
};

struct ReportDoc {
  std::string title;
  std::vector<DocTable> tables;  // the first is the summary: (item, value) rows
};

// The report in lang ("zh" or "en"). public_view leaves out the voter and phone columns.
ReportDoc report_doc(const Report& report, std::string_view lang, bool public_view);

// For people, in lang: the title, then each table under its title with aligned columns (long
// cells clipped), "(none)" for an empty one.
void write_text(const ReportDoc& doc, std::string_view lang, std::ostream& out);
// RFC 4180: a line with the title, then per table an empty line, a line with its title, the
// header and the rows; CRLF line ends; fields quoted when they hold a comma, a quote or a line
// break.
std::string to_csv(const ReportDoc& doc);
// An .xlsx workbook, one sheet per table (named by its title), written atomically: to a
// temporary file beside path, then renamed over it. Io err.xlsx naming the path on failure.
Status write_xlsx(const ReportDoc& doc, const std::string& path);

}  // namespace liaison::app
