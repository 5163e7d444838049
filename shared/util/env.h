// Clock and random source interfaces, so that tests inject fake ones (as leveldb's Env does).
// SystemClock and SystemRandom are thread-safe; the fakes are not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

namespace liaison {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t now_ms() = 0;
};

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(uint8_t* out, size_t n) = 0;
  uint64_t next_u64();
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() override;
  static SystemClock& instance();
};

// Cryptographic randomness from OpenSSL.
class SystemRandom final : public Random {
 public:
  void fill(uint8_t* out, size_t n) override;
  static SystemRandom& instance();
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms) : now_(start_ms) {}
  int64_t now_ms() override { return now_; }
  void advance(int64_t ms) { now_ += ms; }
  void set(int64_t ms) { now_ = ms; }

 private:
  int64_t now_;
};

// Deterministic randomness for tests and generators.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : engine_(seed) {}
  void fill(uint8_t* out, size_t n) override;
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace liaison
