#include "shared/app/csv.h"

#include <fmt/format.h>

namespace liaison::app {

namespace {

class CsvParser {
 public:
  CsvParser(std::string_view text, std::string_view name) : s_(text), name_(name) {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") s_.remove_prefix(3);
  }

  Result<std::vector<CsvRecord>> run() {
    std::vector<CsvRecord> out;
    while (pos_ < s_.size()) {
      CsvRecord record{line_, {}};
      for (;;) {
        std::string field;
        LIAISON_RETURN_IF_ERROR(peek() == '"' ? quoted(field) : unquoted(field));
        record.fields.push_back(std::move(field));
        if (peek() != ',') break;
        ++pos_;
      }
      end_of_line();
      bool blank = record.fields.size() == 1 && record.fields[0].empty();
      if (!blank) out.push_back(std::move(record));
    }
    return out;
  }

 private:
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool at_line_end() const {
    return pos_ >= s_.size() || s_[pos_] == '\n' ||
           (s_[pos_] == '\r' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n');
  }
  void end_of_line() {
    if (peek() == '\r') ++pos_;
    if (peek() == '\n') {
      ++pos_;
      ++line_;
    }
  }
  Status bad(size_t line) const {
    return Status::invalid("err.csv_quote", fmt::format("{}:{}", name_, line));
  }

  Status unquoted(std::string& field) {
    size_t start = pos_;
    while (!at_line_end() && s_[pos_] != ',') {
      if (s_[pos_] == '"') return bad(line_);
      ++pos_;
    }
    field.assign(s_.substr(start, pos_ - start));
    return {};
  }

  Status quoted(std::string& field) {
    size_t start_line = line_;
    ++pos_;  // opening quote
    for (;;) {
      if (pos_ >= s_.size()) return bad(start_line);
      char c = s_[pos_++];
      if (c == '"') {
        if (peek() != '"') break;
        ++pos_;
      } else if (c == '\n') {
        ++line_;
      }
      field += c;
    }
    if (!at_line_end() && peek() != ',') return bad(line_);
    return {};
  }

  std::string_view s_;
  std::string_view name_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

}  // namespace

Result<std::vector<CsvRecord>> parse_csv(std::string_view text, std::string_view name) {
  return CsvParser(text, name).run();
}

}  // namespace liaison::app
