#include "shared/util/env.h"

#include <algorithm>
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
  // RAND_bytes costs about a microsecond per call, which dominated making ids; draw it in
  // blocks. The buffer is per thread, so no lock is needed.
  thread_local uint8_t buf[4096];
  thread_local size_t left = 0;
  while (n > 0) {
    if (left == 0) {
      // RAND_bytes only fails when the OS entropy source is gone; nothing sensible can continue.
      if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("RAND_bytes failed");
      left = sizeof buf;
    }
    size_t take = std::min(n, left);
    std::memcpy(out, buf + sizeof buf - left, take);
    // Bytes handed out are wiped so that they cannot be handed out again or leak later.
    std::memset(buf + sizeof buf - left, 0, take);
    left -= take;
    out += take;
    n -= take;
  }
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
