// LEB128 unsigned varints for compact local encodings (row clocks). Decoding is bounds-checked:
// get_varint returns false, consuming nothing useful, on truncated or over-long input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace liaison {

inline void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads one varint from in at pos, advancing pos. False on truncation or more than 10 bytes.
inline bool get_varint(std::string_view in, size_t& pos, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= in.size()) return false;
    uint8_t b = static_cast<uint8_t>(in[pos++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace liaison
