// Outcome helpers for the benchmark programs: a Result's Status, and ending the program on a
// failed setup step (a benchmark that cannot set up has nothing to measure).
#pragma once

#include <cstdlib>
#include <iostream>
#include <string>

#include "shared/util/status.h"

namespace liaison::bench {

template <typename T>
Status status_of(const Result<T>& r) {
  return r.is_ok() ? Status{} : r.status();
}

// Prints "what: message" on stderr and exits 1 unless s is OK.
inline void check(const Status& s, const std::string& what) {
  if (s.is_ok()) return;
  std::cerr << what << ": " << s.message() << "\n";
  std::exit(1);
}

// The value of r, or exits 1 as check() does.
template <typename T>
T check(Result<T> r, const std::string& what) {
  check(status_of(r), what);
  return std::move(r).value();
}

}  // namespace liaison::bench
