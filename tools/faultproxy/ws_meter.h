// WsMeter: finds where the WebSocket messages of one direction of a proxied connection end, from
// the bytes alone, so that a fault can strike a given number of bytes into a given message
// whatever the sizes of the messages before it and however the peers batch their writes. It
// skips the HTTP upgrade (up to the blank line), then reads frame headers (RFC 6455 5.2): a data
// message ends with a frame that has FIN set and is not a control frame (ping, pong, close).
// Compressed payloads need no inflating: only the headers are read. No I/O; not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace liaison::faultproxy {

class WsMeter {
 public:
  // Reads the next n bytes of the direction.
  void feed(const char* data, size_t n);
  // Where each data message seen so far ends: bytes of the direction up to and including it,
  // in order (messages are numbered from 1).
  const std::vector<uint64_t>& ends() const { return ends_; }
  // Where message k (1-based) begins, once the meter has read that far.
  bool start_of(uint64_t k, uint64_t* at) const;
  // The bytes were not a WebSocket stream (a frame header made no sense): no more messages.
  bool lost() const { return lost_; }

 private:
  enum class State { kHttp, kHeader, kPayload };
  void header_byte(uint8_t b);

  State state_ = State::kHttp;
  uint64_t offset_ = 0;    // bytes fed so far
  uint64_t http_end_ = 0;  // where the upgrade ended
  uint32_t crlf_ = 0;      // the last four bytes while in the upgrade
  std::array<uint8_t, 14> head_{};
  size_t head_len_ = 0, head_need_ = 2;
  uint64_t payload_left_ = 0;
  bool fin_ = false, control_ = false, lost_ = false;
  std::vector<uint64_t> ends_;
};

}  // namespace liaison::faultproxy
