// Time-ordered UUIDs (RFC 9562 version 7), made offline on any device: 48 bits of Unix
// milliseconds, then 74 random bits. Text form is the usual lowercase 8-4-4-4-12.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shared/util/env.h"

namespace liaison {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  static Uuid v7(Clock& clock, Random& random);
  static Uuid v7();  // system clock and randomness
  // Parses the 36-character text form (either case). Returns nullopt for anything else.
  static std::optional<Uuid> parse(std::string_view text);
  // Builds from 16 raw bytes. REQUIRES: raw.size() == 16.
  static Uuid from_bytes(std::string_view raw);

  std::string str() const;
  std::string_view raw() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
  bool is_nil() const;
  auto operator<=>(const Uuid&) const = default;
};

// True when text is a well-formed UUID in text form.
bool is_uuid_text(std::string_view text);

}  // namespace liaison
