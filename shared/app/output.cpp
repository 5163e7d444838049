#include "shared/app/output.h"

#include <algorithm>

namespace liaison::app {

namespace {

// Decodes the code point at s[i], advancing i; invalid bytes count as one narrow character.
uint32_t next_code_point(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
  if (c >= 0x80 && c < 0xC0) n = 0;
  if (i + n >= s.size()) n = 0;
  uint32_t cp = n == 0 ? c : c & (0x3F >> n);
  for (size_t k = 1; k <= n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n + 1;
  return cp;
}

bool is_wide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
         (cp >= 0x20000 && cp <= 0x3FFFD);
}

std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  return out;
}

std::string pad(const std::string& cell, size_t width) {
  size_t w = display_width(cell);
  return w >= width ? cell : cell + std::string(width - w, ' ');
}

}  // namespace

int exit_status(const Status& status) {
  switch (status.code()) {
    case Code::kOk: return 0;
    case Code::kInvalidArgument:
    case Code::kNotFound:
    case Code::kAlreadyExists:
    case Code::kLimitExceeded: return 2;
    default: return 1;
  }
}

size_t display_width(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) width += is_wide(next_code_point(text, i)) ? 2 : 1;
  return width;
}

std::string clip(std::string_view text, size_t width) {
  std::string line = one_line(text);
  if (display_width(line) <= width) return line;
  size_t used = 0, i = 0, end = 0;
  while (i < line.size()) {
    size_t w = is_wide(next_code_point(line, i)) ? 2 : 1;
    if (used + w + 1 > width) break;  // keep one column for the ellipsis
    used += w;
    end = i;
  }
  return line.substr(0, end) + "…";
}

Output::Output(std::string_view lang, bool json, std::ostream& out, std::ostream& err)
    : lang_(i18n::normalize(lang)), json_(json), out_(out), err_(err) {}

std::string Output::with_detail(std::string_view key, std::string_view detail) const {
  return text(key) + (lang_ == "zh" ? "：" : ": ") + std::string(detail);
}

void Output::print_json(const nlohmann::ordered_json& value) {
  out_ << value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::strict) << '\n';
}

void Output::print_line(std::string_view line) { out_ << line << '\n'; }

void Output::print_table(const std::vector<std::string>& header_keys,
                         const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::string> header;
  for (const std::string& key : header_keys) header.push_back(text(key));
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
      line += i + 1 == row.size() ? one_line(row[i]) : pad(one_line(row[i]), widths[i]) + "  ";
    out_ << line << '\n';
  };
  print_row(header);
  for (const auto& row : rows) print_row(row);
}

void Output::print_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, display_width(text(key)));
  const char* sep = lang_ == "zh" ? "：" : ": ";
  for (const auto& [key, value] : fields)
    out_ << pad(text(key) + sep, width + display_width(sep)) << value << '\n';
}

int Output::fail(const Status& status, std::string_view context_key) {
  std::string message = status.message(lang_);
  if (!context_key.empty()) message = with_detail(context_key, message);
  err_ << i18n::format(lang_, "err.line", one_line(message)) << '\n';
  return exit_status(status);
}

}  // namespace liaison::app
