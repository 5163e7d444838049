// What the fault-injecting proxy (fault_proxy.h) does to the bytes it relays, as data: cuts,
// stalls, delays, fragmented writes and a bandwidth limit, per direction, with every random
// choice drawn from one seed so that a run can be repeated. No I/O here.
//
// Direction "up" is client → target, "down" is target → client. A count of bytes in one
// direction means bytes the proxy has written to the receiving side, so "cut after N" delivers
// exactly N bytes that way and then closes both sides.
//
// Examples:
//   cut every connection after 1,000 bytes from the server:
//     c.down.cut = Trigger::at(1000);
//   cut a quarter of the connections somewhere in their first MiB up:
//     c.up.cut = Trigger::between(0, 1 << 20, 0.25);
//   cut 10 bytes into the fifth turn from the server:
//     c.down.cut = Trigger::in_turn(5, 10);
//   cut 10 bytes into the fifth WebSocket message from the server:
//     c.down.cut = Trigger::in_message(5, 10);
//   a bad link (50 kbit/s, 500 ms round trip, a cut every 30 s):
//     FaultConfig c = bad_link(50'000, 500ms); c.cut_every = 30s;
//
// Plain values: copy freely; not synchronised (FaultProxy copies them under its own lock).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "shared/util/status.h"

namespace liaison::faultproxy {

// A number of bytes drawn per connection, uniformly in [min, max].
struct ByteRange {
  uint64_t min = 0, max = 0;
};

// A fault that strikes a connection at most once in one direction, after a number of bytes has
// been relayed that way: counted from the connection's start, or, when turn is set, from the
// start of that turn (1-based) in that direction. A turn is a run of bytes relayed one way with
// none relayed the other way in between; in a request-response protocol each message (or batch
// of messages) is a turn, so a turn-relative trigger lands at the same place in the exchange
// even when message sizes vary a little between runs. When message is set, bytes count from the
// start of that WebSocket message (1-based, data messages only; ws_meter.h), which lands at the
// same place even when the peers keep several messages in flight. chance 0 (the default) means
// never.
struct Trigger {
  double chance = 0;  // probability, per connection, that it strikes at all
  ByteRange after;    // bytes relayed in the direction before it strikes
  uint64_t turn = 0;  // 0: count from the connection's start; k: from the start of turn k
  uint64_t message = 0;  // k: from the start of WebSocket message k (turn is then ignored)

  // Strikes every connection after exactly n bytes.
  static Trigger at(uint64_t n) { return {1.0, {n, n}, 0}; }
  // Strikes every connection n bytes into turn k of the direction.
  static Trigger in_turn(uint64_t k, uint64_t n) { return {1.0, {n, n}, k}; }
  // Strikes every connection n bytes into WebSocket message k of the direction.
  static Trigger in_message(uint64_t k, uint64_t n) { return {1.0, {n, n}, 0, k}; }
  // Strikes with probability chance, after a count drawn in [lo, hi].
  static Trigger between(uint64_t lo, uint64_t hi, double chance = 1.0) {
    return {chance, {lo, hi}, 0, 0};
  }
};

// The faults of one direction.
struct DirectionFaults {
  Trigger cut;    // close both sides once the drawn count has been relayed this way
  Trigger stall;  // relay nothing this way for stall_for once the drawn count has been relayed
  std::chrono::milliseconds stall_for{0};
  std::chrono::milliseconds delay{0};   // one-way latency added to every byte
  std::chrono::milliseconds jitter{0};  // up to this much more per piece read (order is kept)
  size_t fragment = 0;  // write in pieces of 1..fragment bytes each; 0: as read
  // This direction's bandwidth, shared by all connections; 0: no limit.
  uint64_t bytes_per_second = 0;
};

struct FaultConfig {
  uint64_t seed = 1;
  DirectionFaults up;    // client → target
  DirectionFaults down;  // target → client
  // Cut and stall triggers apply only to connections numbered (1-based, in accept order) from
  // faulty_from to faulty_to; the others relay with the link's delay, bandwidth and fragments
  // but are never cut or stalled by a trigger. So {1, 1} faults the first connection only and
  // lets a retry through.
  uint64_t faulty_from = 1;
  uint64_t faulty_to = UINT64_MAX;
  // A link that drops periodically: every open connection is cut at each multiple of this
  // period after the configuration took effect. 0: never.
  std::chrono::milliseconds cut_every{0};
  // Cut with a TCP reset (SO_LINGER 0) instead of an orderly close.
  bool reset = false;
};

// A link of bits_per_second each way (0: no limit) with the given round-trip time (half of it
// added each way), and no cuts.
FaultConfig bad_link(uint64_t bits_per_second, std::chrono::milliseconds round_trip);

// OK, or InvalidArgument naming the first bad field: a chance outside [0, 1], a range with
// min > max, a negative duration, faulty_from of 0 or above faulty_to.
Status validate(const FaultConfig& config);

// Where a trigger strikes a given connection.
struct Strike {
  uint64_t turn = 0;   // as Trigger::turn
  uint64_t bytes = 0;  // drawn from Trigger::after
  uint64_t message = 0;  // as Trigger::message
  bool operator==(const Strike&) const = default;
};

// What one connection suffers, drawn from the configuration's seed and the connection's number
// only, so the same seed gives every connection the same faults whatever the timing.
struct ConnectionPlan {
  std::optional<Strike> cut_up, cut_down;
  std::optional<Strike> stall_up, stall_down;
  uint64_t up_seed = 0, down_seed = 0;  // for fragment sizes and jitter
};
ConnectionPlan draw_plan(const FaultConfig& config, uint64_t connection_number);

// The random source the proxy uses for fragment sizes and jitter.
using Rng = std::mt19937_64;
// A value drawn uniformly in [lo, hi]. REQUIRES: lo <= hi.
uint64_t draw(Rng& rng, uint64_t lo, uint64_t hi);

// One direction of the link's bandwidth, shared by the connections that cross it: when a piece
// of n bytes is queued at `now`, the time its last byte has gone through.
class Bandwidth {
 public:
  using Clock = std::chrono::steady_clock;
  // REQUIRES: bytes_per_second > 0.
  Clock::time_point pass(Clock::time_point now, uint64_t n, uint64_t bytes_per_second);

 private:
  Clock::time_point free_at_{};
};

// Parses "N" (exactly N) or "N-M" (drawn in [N, M]), with optional k/M suffixes (×1024), into
// a range; InvalidArgument for anything else.
Result<ByteRange> parse_byte_range(const std::string& text);
// Splits "HOST:PORT" ("127.0.0.1:0", "[::1]:8750", "localhost:8750"); InvalidArgument for
// anything else.
Result<std::pair<std::string, uint16_t>> parse_host_port(const std::string& text);

}  // namespace liaison::faultproxy
