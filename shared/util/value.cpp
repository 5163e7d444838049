#include "shared/util/value.h"

#include <fmt/format.h>

namespace liaison {

std::string value_to_display(const Value& v) {
  switch (v.index()) {
    case 0: return "null";
    case 1: return std::to_string(std::get<int64_t>(v));
    case 2: return fmt::format("{}", std::get<double>(v));
    default: return std::get<std::string>(v);
  }
}

}  // namespace liaison
