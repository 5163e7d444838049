#include "tools/bench/timing.h"

#include <algorithm>
#include <cmath>

namespace liaison::bench {

double seconds_of(const std::function<void()>& fn) {
  SteadyTime start = std::chrono::steady_clock::now();
  fn();
  return seconds_between(start, std::chrono::steady_clock::now());
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  double rank = std::ceil(p / 100.0 * static_cast<double>(v.size()));
  size_t i = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return v[std::min(i, v.size() - 1)];
}

}  // namespace liaison::bench
