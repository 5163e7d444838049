// A simulated year as a list of timed actions: each runs with the world's clock set to its
// instant, in time order (ties in the order they were scheduled), so every record carries the
// time it would have had. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "shared/util/env.h"
#include "shared/util/status.h"

namespace liaison::gen {

class Timeline {
 public:
  using Action = std::function<Status()>;

  // Schedules action at ms; an action may not schedule others.
  void at(int64_t ms, Action action) { events_.push_back({ms, events_.size(), std::move(action)}); }
  size_t size() const { return events_.size(); }

  // Runs every action up to (and including) end_ms in order; later ones are dropped, as what has
  // not happened yet when the records are taken. Stops at the first failure.
  Status run(FakeClock& clock, int64_t end_ms);

 private:
  struct Event {
    int64_t ms;
    size_t seq;
    Action action;
  };
  std::vector<Event> events_;
};

}  // namespace liaison::gen
