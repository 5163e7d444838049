// Realistic synthetic material for benchmarks and generators: voter names, places in the
// district and opinion texts in the register that stations record them in. Deterministic for a
// given Random. Names are invented; phone numbers use the fake 1380000xxxx pattern.
#pragma once

#include <string>

#include "shared/util/env.h"

namespace liaison::corpus {

std::string voter_name(Random& random);
std::string phone(Random& random);
std::string place(Random& random);
std::string category(Random& random);
// An opinion text of roughly target_bytes bytes of UTF-8 Chinese, made of whole sentences.
std::string matter(Random& random, size_t target_bytes);

}  // namespace liaison::corpus
