// Reports as .xlsx workbooks, through libxlsxwriter.
#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "shared/app/files.h"
#include "shared/app/output.h"
#include "shared/app/report_doc.h"

namespace liaison::app {

namespace {

constexpr size_t kSheetNameMax = 31;    // Excel's limit, in characters
constexpr double kMaxColumnWidth = 60;  // in character widths
constexpr size_t kMaxWorkbookBytes = size_t{1} << 30;

// The first n code points of a UTF-8 text.
std::string first_chars(const std::string& text, size_t n) {
  size_t i = 0;
  for (size_t chars = 0; i < text.size() && chars < n; ++chars) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return text.substr(0, i);
}

// A sheet name Excel accepts, unique in the workbook: no []:*?/\ and at most 31 characters.
std::string sheet_name(const std::string& title, std::set<std::string>& used) {
  std::string base;
  for (char c : title)
    base += std::string_view("[]:*?/\\").find(c) == std::string_view::npos ? c : '_';
  if (base.empty()) base = "Sheet";
  std::string name = first_chars(base, kSheetNameMax);
  for (int n = 2; used.count(name); ++n) {
    std::string suffix = fmt::format(" ({})", n);
    name = first_chars(base, kSheetNameMax - suffix.size()) + suffix;
  }
  used.insert(name);
  return name;
}

Status xlsx_error(const std::string& path, const std::string& why) {
  return Status(Code::kIo, "err.xlsx", fmt::format("{} ({})", path, why));
}

// Writes one table: its title in the first row, the header in the second, then the rows.
Status write_sheet(lxw_workbook* wb, const DocTable& table, const std::string& name,
                   lxw_format* bold) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
  if (ws == nullptr) return Status::internal("sheet name refused: " + name);
  std::vector<double> widths(table.header.size(), 8);
  auto widen = [&](size_t col, const std::string& text) {
    if (col < widths.size())
      widths[col] = std::min(kMaxColumnWidth, std::max(widths[col], display_width(text) + 2.0));
  };
  worksheet_write_string(ws, 0, 0, table.title.c_str(), bold);
  for (size_t c = 0; c < table.header.size(); ++c) {
    worksheet_write_string(ws, 1, static_cast<lxw_col_t>(c), table.header[c].c_str(), bold);
    widen(c, table.header[c]);
  }
  for (size_t r = 0; r < table.rows.size(); ++r) {
    auto row = static_cast<lxw_row_t>(r + 2);
    for (size_t c = 0; c < table.rows[r].size(); ++c) {
      const DocCell& cell = table.rows[r][c];
      auto col = static_cast<lxw_col_t>(c);
      if (cell.number) {
        worksheet_write_number(ws, row, col, static_cast<double>(*cell.number), nullptr);
      } else {
        worksheet_write_string(ws, row, col, cell.text.c_str(), nullptr);
      }
      widen(c, cell.text);
    }
  }
  for (size_t c = 0; c < widths.size(); ++c)
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), widths[c],
                         nullptr);
  return {};
}

// Builds the workbook in the file at tmp (which libxlsxwriter replaces).
Status build(const ReportDoc& doc, const std::string& tmp, const std::string& path) {
  lxw_workbook* wb = workbook_new(tmp.c_str());
  if (wb == nullptr) return xlsx_error(path, "cannot create the workbook");
  lxw_doc_properties properties{};
  std::string title = doc.title;
  properties.title = title.data();
  workbook_set_properties(wb, &properties);
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  std::set<std::string> used;
  Status status;
  for (const DocTable& table : doc.tables) {
    status = write_sheet(wb, table, sheet_name(table.title, used), bold);
    if (!status.is_ok()) break;
  }
  lxw_error closed = workbook_close(wb);  // writes the file and frees the workbook
  if (!status.is_ok()) return status;
  if (closed != LXW_NO_ERROR) return xlsx_error(path, lxw_strerror(closed));
  return {};
}

}  // namespace

Status write_xlsx(const ReportDoc& doc, const std::string& path) {
  std::string tmp =
      (std::filesystem::temp_directory_path() / "liaison-report-XXXXXX.xlsx").string();
  int fd = ::mkstemps(tmp.data(), 5);
  if (fd < 0) return xlsx_error(path, "no temporary file");
  ::close(fd);
  Status status = build(doc, tmp, path);
  Result<std::string> bytes =
      status.is_ok() ? read_file(tmp, kMaxWorkbookBytes) : Result<std::string>(status);
  ::unlink(tmp.c_str());
  if (!bytes) return bytes.status();
  return write_file_atomic(path, *bytes);
}

}  // namespace liaison::app
