#include "tools/faultproxy/shaper.h"

#include <algorithm>

namespace liaison::faultproxy {

namespace {

// With a bandwidth limit a read is cut into pieces of at most this much link time, so that a
// slow link delivers a steady trickle instead of one burst per read.
constexpr uint64_t kPieceMs = 20;
constexpr size_t kMinQueue = 16 * 1024;

}  // namespace

Shaper::Shaper(const DirectionFaults& faults, std::optional<Strike> cut,
               std::optional<Strike> stall, uint64_t seed)
    : faults_(faults), cut_(cut), stall_(stall), rng_(seed) {}

void Shaper::push(const char* data, size_t n, Clock::time_point now, Bandwidth& link) {
  meter_.feed(data, n);
  uint64_t bps = faults_.bytes_per_second;
  size_t piece = bps > 0 ? std::max<size_t>(1, bps * kPieceMs / 1000) : n;
  for (size_t off = 0; off < n; off += piece) {
    size_t len = std::min(piece, n - off);
    Clock::time_point due = bps > 0 ? link.pass(now, len, bps) : now;
    due += faults_.delay;
    if (faults_.jitter.count() > 0)
      due += std::chrono::milliseconds(
          draw(rng_, 0, static_cast<uint64_t>(faults_.jitter.count())));
    due = std::max(due, last_due_);  // a byte never overtakes an earlier one
    last_due_ = due;
    queue_.push_back({std::string(data + off, len), 0, due});
    queued_ += len;
  }
}

bool Shaper::may_read(size_t max_queued) const {
  size_t limit = max_queued;
  if (faults_.bytes_per_second > 0) {
    uint64_t link = faults_.bytes_per_second *
                    static_cast<uint64_t>(faults_.delay.count() + 250) / 1000;
    limit = std::min<size_t>(max_queued, std::max<uint64_t>(kMinQueue, link));
  }
  return queued_ < limit;
}

void Shaper::resolve(std::optional<Strike>& strike, std::optional<uint64_t>& at, bool new_turn) {
  if (!strike) return;
  uint64_t start = 0;
  if (strike->message > 0) {
    // Bytes are metered as they are read, before they are written: the start of the message
    // is known before any of it goes out.
    if (!meter_.start_of(strike->message, &start)) return;
    at = start + strike->bytes;
  } else if (strike->turn == 0) {
    at = strike->bytes;
  } else if (strike->turn == turn_ + (new_turn ? 1 : 0)) {
    at = (new_turn ? relayed_ : turn_start_) + strike->bytes;
  } else {
    return;
  }
  strike.reset();
}

Shaper::Next Shaper::next(Clock::time_point now, bool new_turn) {
  resolve(cut_, cut_at_, new_turn);
  resolve(stall_, stall_at_, new_turn);
  Next n;
  if (cut_reached()) {
    n.action = Action::kCut;
    return n;
  }
  if (stall_at_ && relayed_ >= *stall_at_) {
    stall_at_.reset();
    resume_at_ = now + faults_.stall_for;
  }
  Piece& front = queue_.front();
  Clock::time_point at = std::max(front.due, resume_at_);
  if (at > now) {
    n.until = at;
    return n;
  }
  uint64_t size = front.bytes.size() - front.done;
  if (faults_.fragment > 0) size = std::min<uint64_t>(size, draw(rng_, 1, faults_.fragment));
  if (cut_at_) size = std::min<uint64_t>(size, *cut_at_ - relayed_);
  if (stall_at_) size = std::min<uint64_t>(size, *stall_at_ - relayed_);
  n.action = Action::kWrite;
  n.data = front.bytes.data() + front.done;
  n.size = static_cast<size_t>(size);
  return n;
}

void Shaper::wrote(size_t n, bool new_turn) {
  if (new_turn) {
    ++turn_;
    turn_start_ = relayed_;
  }
  relayed_ += n;
  queued_ -= n;
  Piece& front = queue_.front();
  front.done += n;
  if (front.done == front.bytes.size()) queue_.pop_front();
}

}  // namespace liaison::faultproxy
