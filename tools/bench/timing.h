// Timing helpers for the benchmarks: wall-clock seconds of a call, medians and percentiles.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

namespace liaison::bench {

using SteadyTime = std::chrono::steady_clock::time_point;

// Seconds between two instants.
inline double seconds_between(SteadyTime from, SteadyTime to) {
  return std::chrono::duration<double>(to - from).count();
}

// Wall-clock seconds that fn took.
double seconds_of(const std::function<void()>& fn);

// The median (the upper one for an even count); 0 for an empty vector.
double median(std::vector<double> v);

// The p-th percentile, 0 <= p <= 100, by nearest rank; 0 for an empty vector.
double percentile(std::vector<double> v, double p);

}  // namespace liaison::bench
