// The benchmark tools' command lines: "--key value" pairs.
#pragma once

#include <exception>
#include <string>

namespace liaison::bench {

// Calls set(key, value) for each "--key value" pair of argv; set returns false for a key it does
// not know. An odd count, an unknown key or a value that does not convert (std::sto* throws)
// calls usage, which must not return.
template <class Set>
void for_each_option(int argc, char** argv, Set set, void (*usage)()) {
  if (argc % 2 == 0) usage();
  try {
    for (int i = 1; i + 1 < argc; i += 2) {
      if (!set(std::string(argv[i]), std::string(argv[i + 1]))) usage();
    }
  } catch (const std::exception&) {
    usage();
  }
}

}  // namespace liaison::bench
