// A field value as stored in SQLite and carried in changesets: null, integer, real or text.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace liaison {

using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }
// A short, human-readable rendering ("null", "42", the text itself).
std::string value_to_display(const Value& v);

}  // namespace liaison
