// Where a command's results go: JSON on stdout with --json, text for people otherwise (Chinese
// by default, English with --lang en, every string from the catalogue in shared/util/i18n.cpp),
// and on failure exactly one line on stderr. Not thread-safe: one Output per command run.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "shared/util/i18n.h"
#include "shared/util/status.h"

namespace liaison::app {

// Exit status for a failure: 2 for bad input or usage (InvalidArgument, NotFound,
// AlreadyExists, LimitExceeded), 1 for everything else. 0 for OK.
int exit_status(const Status& status);

// Columns the text takes in a terminal: CJK and full-width characters count two.
size_t display_width(std::string_view text);
// text on one line (line breaks become spaces), cut to at most width columns with "…".
std::string clip(std::string_view text, size_t width);

class Output {
 public:
  // lang is normalised ("en" or "zh"); out and err must outlive the Output.
  Output(std::string_view lang, bool json, std::ostream& out, std::ostream& err);

  bool json() const { return json_; }
  const std::string& lang() const { return lang_; }
  std::string text(std::string_view key) const { return i18n::text(lang_, key); }
  template <typename... Args>
  std::string format(std::string_view key, Args&&... args) const {
    return i18n::format(lang_, key, std::forward<Args>(args)...);
  }
  // "text：detail" in Chinese, "text: detail" in English.
  std::string with_detail(std::string_view key, std::string_view detail) const;

  // Pretty-printed, UTF-8 as is. Throws nlohmann::json::type_error on invalid UTF-8 (caught in
  // main(): text is checked on the way in, so only a damaged database can cause it).
  void print_json(const nlohmann::ordered_json& value);
  void print_line(std::string_view line);
  // A table with a header row of labels (catalogue keys), each column padded to its widest cell.
  void print_table(const std::vector<std::string>& header_keys,
                   const std::vector<std::vector<std::string>>& rows);
  // One "label：value" line per pair (label a catalogue key), labels aligned.
  void print_fields(const std::vector<std::pair<std::string, std::string>>& fields);

  // Prints the one error line on stderr, "错误：..." or "error: ...", with the text of
  // context_key (when given) before the status message. Returns exit_status(status).
  int fail(const Status& status, std::string_view context_key = {});

 private:
  std::string lang_;
  bool json_;
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace liaison::app
