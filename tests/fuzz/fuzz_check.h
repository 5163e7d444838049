// The check every fuzz target uses for its invariants: on failure it prints what broke and
// aborts, which libFuzzer reports as a crash and keeps the input of.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace liaison::fuzz {

[[noreturn]] inline void fail(std::string_view what) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(what.size()),
               what.data());
  std::fflush(stderr);
  std::abort();
}

inline void check(bool ok, std::string_view what) {
  if (!ok) fail(what);
}

}  // namespace liaison::fuzz
