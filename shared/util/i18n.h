// The one message catalogue: every text a person reads comes from here, Chinese by default and
// English with --lang en. Keys are stable English identifiers ("err.not_found"); JSON output never
// goes through the catalogue. Thread-safe: the catalogue is immutable after static initialisation.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace liaison::i18n {

// Normalises a --lang value: "en" stays "en", everything else is "zh".
std::string normalize(std::string_view lang);

// The text for key in lang; an unknown key returns the key itself, so a missing entry is visible
// but never fatal.
std::string text(std::string_view lang, std::string_view key);

// The text for key with {} placeholders filled in order.
template <typename... Args>
std::string format(std::string_view lang, std::string_view key, Args&&... args) {
  std::string pattern = text(lang, key);
  try {
    return fmt::vformat(pattern, fmt::make_format_args(args...));
  } catch (const fmt::format_error&) {
    return pattern;
  }
}

}  // namespace liaison::i18n
