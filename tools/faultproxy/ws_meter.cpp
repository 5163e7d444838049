#include "tools/faultproxy/ws_meter.h"

#include <algorithm>

namespace liaison::faultproxy {

namespace {

constexpr uint32_t kBlankLine = 0x0d0a0d0a;  // "\r\n\r\n"
constexpr size_t kMaxMessages = 1 << 20;

}  // namespace

bool WsMeter::start_of(uint64_t k, uint64_t* at) const {
  if (k == 0 || state_ == State::kHttp) return false;
  if (k == 1) {
    *at = http_end_;
    return true;
  }
  if (k - 2 >= ends_.size()) return false;
  *at = ends_[k - 2];
  return true;
}

void WsMeter::feed(const char* data, size_t n) {
  size_t i = 0;
  while (i < n && !lost_) {
    if (state_ == State::kHttp) {
      crlf_ = (crlf_ << 8) | static_cast<uint8_t>(data[i++]);
      ++offset_;
      if (crlf_ == kBlankLine) {
        state_ = State::kHeader;
        http_end_ = offset_;
      }
    } else if (state_ == State::kHeader) {
      ++offset_;
      header_byte(static_cast<uint8_t>(data[i++]));
    } else {
      uint64_t take = std::min<uint64_t>(payload_left_, n - i);
      i += take;
      offset_ += take;
      payload_left_ -= take;
      if (payload_left_ == 0) {
        if (fin_ && !control_ && ends_.size() < kMaxMessages) ends_.push_back(offset_);
        state_ = State::kHeader;
      }
    }
  }
}

void WsMeter::header_byte(uint8_t b) {
  head_[head_len_++] = b;
  if (head_len_ == 2) {
    uint8_t len7 = head_[1] & 0x7f;
    head_need_ = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((head_[1] & 0x80) ? 4 : 0);
  }
  if (head_len_ < head_need_) return;
  uint8_t opcode = head_[0] & 0x0f;
  fin_ = (head_[0] & 0x80) != 0;
  control_ = opcode >= 8;
  if (opcode > 2 && opcode < 8) lost_ = true;  // reserved: not a WebSocket stream
  uint64_t len = head_[1] & 0x7f;
  size_t ext = len == 126 ? 2 : len == 127 ? 8 : 0;
  if (ext) {
    len = 0;
    for (size_t j = 0; j < ext; ++j) len = (len << 8) | head_[2 + j];
  }
  head_len_ = 0;
  head_need_ = 2;
  payload_left_ = len;
  if (len == 0) {
    if (fin_ && !control_ && ends_.size() < kMaxMessages) ends_.push_back(offset_);
    return;
  }
  state_ = State::kPayload;
}

}  // namespace liaison::faultproxy
