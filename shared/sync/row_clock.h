// The row clock: for each column of one row, which change last wrote it (hybrid timestamp,
// origin, origin's sequence) and which write that change replaced (its base), so that a replica
// can tell a knowing overwrite from a concurrent one. Origins are this replica's local numbers
// (table _origin). Stored in the row's _clk column, grouped by change to stay small: a row
// written once costs about 15 bytes whatever its width.
//
//   clk   := entry*
//   entry := varint(hlc) varint(origin) varint(seq) varint(mask << 1 | has_bases)
//            [ (varint(base_hlc) [varint(base_origin) if base_hlc != 0])  per set bit ]
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shared/util/status.h"

namespace liaison::sync {

struct Stamp {
  uint64_t hlc = 0;     // 0: never written
  uint32_t origin = 0;  // local origin number
  auto operator<=>(const Stamp&) const = default;
};

struct FieldClock {
  Stamp stamp;
  uint64_t seq = 0;
  Stamp base;  // the write this one replaced knowingly; hlc 0 for none
  bool operator==(const FieldClock&) const = default;
};

struct RowClock {
  std::vector<FieldClock> fields;  // one per column; index 0 (the id) is unused

  std::string encode() const;
  // Decodes a clock for a table with n_columns columns. Corruption on malformed input.
  static Result<RowClock> decode(std::string_view blob, size_t n_columns);
};

}  // namespace liaison::sync
