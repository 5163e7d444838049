// Checking and normalising the values people type: texts, ISO 8601 times and dates, phone
// numbers, ids chosen by the district office, counts. Pure functions, thread-safe. Failures are
// InvalidArgument (or LimitExceeded) Statuses whose detail names the offending value or field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "shared/util/status.h"

namespace liaison::app {

// The largest text a person may enter in one field (the changeset codec's per-value limit).
constexpr size_t kMaxText = size_t{1} << 20;

// s without leading and trailing whitespace: ASCII blanks, no-break space and the ideographic
// space U+3000 that Chinese input methods produce.
std::string trim(std::string_view s);
bool is_blank(std::string_view s);
// True when s is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_utf8(std::string_view s);

// OK when text is valid UTF-8 and at most kMaxText bytes; field names the field in the error.
Status check_text(std::string_view text, std::string_view field);
// OK when text is not blank and passes check_text; err.empty names field otherwise.
Status check_required_text(std::string_view text, std::string_view field);

// An ISO 8601 time as stored: "YYYY-MM-DD" stays a date; "YYYY-MM-DDTHH:MM[:SS[.f]][Z|±HH:MM]"
// becomes "YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM)". A time without a zone is taken as this machine's
// local time and gets its UTC offset, so that every stored time is unambiguous.
// err.bad_time for anything else, including impossible dates (2026-02-30).
Result<std::string> parse_time(std::string_view text);
// A calendar date "YYYY-MM-DD"; err.bad_date otherwise.
Result<std::string> parse_date(std::string_view text);

// A phone number as stored (trimmed): an optional leading +, then digits, dashes and spaces;
// 5 to 20 characters with at least 5 digits. err.bad_phone otherwise.
Result<std::string> parse_phone(std::string_view text);

// A whole number from 0 to 10^12 in decimal digits; err.bad_number otherwise.
Result<int64_t> parse_count(std::string_view text);

// An id chosen by a person (a station code, a deputy number): 1 to 64 characters, no
// whitespace or control characters. err.bad_id otherwise.
Status check_id(std::string_view id);

}  // namespace liaison::app
