// Shaper: the bookkeeping of one direction of one proxied connection, without I/O. It holds the
// bytes read from one side until they may be written to the other (bandwidth, delay, jitter,
// stall), says how much the next write may carry (fragments, and never past a cut or a stall
// point), and counts turns and WebSocket messages (ws_meter.h) so that turn- and
// message-relative triggers (fault_config.h) resolve to byte counts. fault_proxy.cpp drives it from the proxy's thread. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "tools/faultproxy/fault_config.h"
#include "tools/faultproxy/ws_meter.h"

namespace liaison::faultproxy {

class Shaper {
 public:
  using Clock = std::chrono::steady_clock;

  // REQUIRES: faults outlives the shaper.
  Shaper(const DirectionFaults& faults, std::optional<Strike> cut, std::optional<Strike> stall,
         uint64_t seed);

  // Queues n bytes read at now, each piece stamped with the time it may be written: after it
  // has crossed link (when the direction has a bandwidth), plus the delay and the jitter.
  void push(const char* data, size_t n, Clock::time_point now, Bandwidth& link);
  bool empty() const { return queue_.empty(); }
  size_t queued() const { return queued_; }
  // Whether the reading side may read more: the queue is under the direction's limit (on a
  // slow link about what it carries in its delay plus a quarter second, capped by max_queued).
  bool may_read(size_t max_queued) const;

  enum class Action { kWrite, kWait, kCut };
  struct Next {
    Action action = Action::kWait;
    Clock::time_point until{};   // kWait: when to ask again
    const char* data = nullptr;  // kWrite: the bytes to write
    size_t size = 0;
  };
  // What to do with the front of the queue at now. new_turn: the other direction wrote last, so
  // a write now opens the next turn of this one. REQUIRES: !empty().
  Next next(Clock::time_point now, bool new_turn);
  // Records that n bytes of the front were written (n <= next().size).
  void wrote(size_t n, bool new_turn);
  // The cut point has been reached: the connection must end now.
  bool cut_reached() const { return cut_at_ && relayed_ >= *cut_at_; }

  uint64_t relayed() const { return relayed_; }
  uint64_t turns() const { return turn_; }
  // The WebSocket messages of the bytes read so far (written or still queued).
  const WsMeter& meter() const { return meter_; }

 private:
  struct Piece {
    std::string bytes;
    size_t done = 0;
    Clock::time_point due;
  };
  // Turns a turn-relative strike into a byte count once its turn begins.
  void resolve(std::optional<Strike>& strike, std::optional<uint64_t>& at, bool new_turn);

  const DirectionFaults& faults_;
  std::optional<Strike> cut_, stall_;          // until resolved
  std::optional<uint64_t> cut_at_, stall_at_;  // bytes relayed when they strike
  Rng rng_;
  WsMeter meter_;
  std::deque<Piece> queue_;
  size_t queued_ = 0;
  uint64_t relayed_ = 0;
  uint64_t turn_ = 0;        // turns written so far
  uint64_t turn_start_ = 0;  // relayed_ when the current turn began
  Clock::time_point last_due_{}, resume_at_{};
};

}  // namespace liaison::faultproxy
