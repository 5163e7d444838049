#include "shared/util/uuid.h"

#include <cassert>
#include <cstring>

namespace liaison {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Uuid Uuid::v7(Clock& clock, Random& random) {
  Uuid u;
  uint64_t ms = static_cast<uint64_t>(clock.now_ms());
  for (int i = 0; i < 6; ++i) u.bytes[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  random.fill(u.bytes.data() + 6, 10);
  u.bytes[6] = static_cast<uint8_t>(0x70 | (u.bytes[6] & 0x0f));
  u.bytes[8] = static_cast<uint8_t>(0x80 | (u.bytes[8] & 0x3f));
  return u;
}

Uuid Uuid::v7() { return v7(SystemClock::instance(), SystemRandom::instance()); }

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Uuid u;
  size_t out = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = hex_value(text[i]);
    int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    u.bytes[out++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return u;
}

Uuid Uuid::from_bytes(std::string_view raw) {
  assert(raw.size() == 16);
  Uuid u;
  std::memcpy(u.bytes.data(), raw.data(), 16);
  return u;
}

std::string Uuid::str() const {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[bytes[i] >> 4]);
    s.push_back(kHex[bytes[i] & 0x0f]);
  }
  return s;
}

bool Uuid::is_nil() const {
  for (uint8_t b : bytes)
    if (b != 0) return false;
  return true;
}

bool is_uuid_text(std::string_view text) { return Uuid::parse(text).has_value(); }

}  // namespace liaison
