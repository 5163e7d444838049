// Reports as text for people and as CSV.
#include <algorithm>

#include "shared/app/output.h"
#include "shared/app/report_doc.h"
#include "shared/util/i18n.h"

namespace liaison::app {

namespace {

// Wider cells (a long matter, a long flag) are clipped in text; CSV and xlsx keep them whole.
constexpr size_t kTextCellColumns = 64;

std::string pad(const std::string& cell, size_t width) {
  size_t w = display_width(cell);
  return w >= width ? cell : cell + std::string(width - w, ' ');
}

void write_table(const DocTable& table, std::string_view lang, std::ostream& out) {
  if (lang == "en")
    out << "== " << table.title << " ==\n";
  else
    out << "【" << table.title << "】\n";
  if (table.rows.empty()) {
    out << i18n::text(lang, "label.none") << '\n';
    return;
  }
  std::vector<std::vector<std::string>> lines = {table.header};
  for (const auto& row : table.rows) {
    std::vector<std::string> line;
    for (const DocCell& cell : row) line.push_back(clip(cell.text, kTextCellColumns));
    lines.push_back(std::move(line));
  }
  std::vector<size_t> widths(table.header.size(), 0);
  for (const auto& line : lines)
    for (size_t i = 0; i < line.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(line[i]));
  for (const auto& line : lines) {
    std::string text;
    for (size_t i = 0; i < line.size() && i < widths.size(); ++i)
      text += i + 1 == line.size() ? line[i] : pad(line[i], widths[i]) + "  ";
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << '\n';
  }
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void csv_line(const std::vector<std::string>& fields, std::string& out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(fields[i]);
  }
  out += "\r\n";
}

}  // namespace

void write_text(const ReportDoc& doc, std::string_view lang, std::ostream& out) {
  out << doc.title << '\n';
  for (const DocTable& table : doc.tables) {
    out << '\n';
    write_table(table, lang, out);
  }
}

std::string to_csv(const ReportDoc& doc) {
  std::string out;
  csv_line({doc.title}, out);
  for (const DocTable& table : doc.tables) {
    out += "\r\n";
    csv_line({table.title}, out);
    csv_line(table.header, out);
    for (const auto& row : table.rows) {
      std::vector<std::string> fields;
      for (const DocCell& cell : row) fields.push_back(cell.text);
      csv_line(fields, out);
    }
  }
  return out;
}

}  // namespace liaison::app
