#include "shared/util/hlc.h"

#include <ctime>

#include <fmt/format.h>

namespace liaison {

uint64_t Hlc::tick() {
  uint64_t wall = pack(clock_.now_ms(), 0);
  // Either the wall clock moved past everything seen, or we count on from the last timestamp;
  // a full counter spills into the millisecond part, which keeps the order strictly increasing.
  last_ = wall > last_ ? wall : last_ + 1;
  return last_;
}

void Hlc::observe(uint64_t remote) {
  if (remote > last_) last_ = remote;
}

std::string Hlc::to_string(uint64_t hlc) {
  int64_t ms = millis(hlc);
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = fmt::format("{}.{:03}Z", buf, ms % 1000);
  if (counter(hlc) != 0) out += fmt::format("+{}", counter(hlc));
  return out;
}

}  // namespace liaison
