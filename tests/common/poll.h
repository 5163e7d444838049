// Waiting for a condition that another thread makes true: pred is checked, giving the processor
// to other threads between checks, until it holds or the deadline passes. No fixed sleep: the
// wait ends as soon as the condition holds.
#pragma once

#include <chrono>
#include <thread>

namespace liaison::test {

// Returns true once pred holds; pred's last value when timeout has passed.
template <class Pred>
bool poll_until(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return pred();
    std::this_thread::yield();
  }
  return true;
}

}  // namespace liaison::test
