// Hybrid logical clock (Kulkarni et al.): a 64-bit timestamp whose upper 48 bits are Unix
// milliseconds and lower 16 bits a logical counter. It never goes backwards on one replica, it
// stays close to wall time, and observing a remote timestamp moves it past that timestamp, so a
// change made after seeing another always orders after it, whatever the devices' clocks say.
// Not thread-safe: one Hlc belongs to one replica connection.
#pragma once

#include <cstdint>
#include <string>

#include "shared/util/env.h"

namespace liaison {

class Hlc {
 public:
  static constexpr int kCounterBits = 16;
  static constexpr uint64_t kCounterMask = (uint64_t{1} << kCounterBits) - 1;

  Hlc(Clock& clock, uint64_t last) : clock_(clock), last_(last) {}

  static uint64_t pack(int64_t ms, uint64_t counter) {
    return (static_cast<uint64_t>(ms) << kCounterBits) | (counter & kCounterMask);
  }
  static int64_t millis(uint64_t hlc) { return static_cast<int64_t>(hlc >> kCounterBits); }
  static uint64_t counter(uint64_t hlc) { return hlc & kCounterMask; }
  // ISO 8601 UTC time of the physical part, with the counter: "2026-11-26T06:37:04.123Z+5".
  static std::string to_string(uint64_t hlc);

  // A timestamp for a local event: greater than every timestamp issued or observed before.
  uint64_t tick();
  // Merges a timestamp received from another replica.
  void observe(uint64_t remote);
  uint64_t last() const { return last_; }

 private:
  Clock& clock_;
  uint64_t last_;
};

}  // namespace liaison
