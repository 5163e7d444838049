#include "tools/gen/timeline.h"

#include <algorithm>

namespace liaison::gen {

Status Timeline::run(FakeClock& clock, int64_t end_ms) {
  std::stable_sort(events_.begin(), events_.end(), [](const Event& a, const Event& b) {
    return a.ms != b.ms ? a.ms < b.ms : a.seq < b.seq;
  });
  for (Event& e : events_) {
    if (e.ms >= end_ms) break;
    // The clock never goes back: replicas may have moved theirs past it on a sync.
    if (e.ms > clock.now_ms()) clock.set(e.ms);
    LIAISON_RETURN_IF_ERROR(e.action());
  }
  return {};
}

}  // namespace liaison::gen
