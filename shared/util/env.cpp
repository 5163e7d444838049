#include "shared/util/env.h"

#include <chrono>
#include <cstring>
#include <stdexcept>

#include <openssl/rand.h>

namespace liaison {

uint64_t Random::next_u64() {
  uint64_t v = 0;
  uint8_t buf[8];
  fill(buf, sizeof buf);
  std::memcpy(&v, buf, sizeof v);
  return v;
}

int64_t SystemClock::now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

void SystemRandom::fill(uint8_t* out, size_t n) {
  // RAND_bytes only fails when the OS entropy source is gone; nothing sensible can continue.
  if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
}

SystemRandom& SystemRandom::instance() {
  static SystemRandom random;
  return random;
}

void SeededRandom::fill(uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = engine_();
    std::memcpy(out + i, &v, n - i < 8 ? n - i : 8);
  }
}

}  // namespace liaison
