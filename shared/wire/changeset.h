// A changeset: a batch of changes from one replica to another, self-describing per table, with
// the ranges of each origin's sequence numbers it covers. The byte format is specified in
// docs/changeset.md; encode() and decode() are its only implementation. decode() treats its
// input as untrusted: it checks the magic, the checksum, every type and every limit, and returns
// Corruption or LimitExceeded instead of crashing or allocating without bound.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shared/util/status.h"
#include "shared/util/uuid.h"
#include "shared/util/value.h"

namespace liaison::wire {

constexpr uint8_t kChangesetFormat = 1;

struct FieldChange {
  uint32_t column = 0;      // index into the table header's columns
  Value value;
  uint64_t base_hlc = 0;    // the write this one replaced (0: none)
  uint32_t base_origin = 0; // index into Changeset::origins; meaningful when base_hlc != 0
};

struct Change {
  uint32_t table = 0;   // index into Changeset::tables
  std::string row_id;
  uint32_t origin = 0;  // index into Changeset::origins
  uint64_t seq = 0;
  uint64_t hlc = 0;
  bool create = false;  // the change that created the row (absent fields are null)
  std::vector<FieldChange> fields;
};

struct TableHeader {
  std::string name;
  std::vector<std::string> columns;
};

// Every change of origin in (from, to] that the sender still holds is in the changeset; the
// others were superseded before they were sent.
struct Range {
  uint32_t origin = 0;
  uint64_t from = 0;
  uint64_t to = 0;
};

struct Changeset {
  uint32_t schema_version = 0;
  Uuid sender;
  std::vector<Uuid> origins;
  std::vector<Range> ranges;
  std::vector<TableHeader> tables;
  std::vector<Change> changes;
};

struct Limits {
  size_t max_bytes = size_t{128} << 20;
  size_t max_changes = 2'000'000;
  size_t max_origins = 100'000;
  size_t max_tables = 64;
  size_t max_columns = 64;
  size_t max_text = size_t{1} << 20;  // one value
  size_t max_id = 128;
};

std::string encode(const Changeset& cs);
Result<Changeset> decode(std::string_view bytes, const Limits& limits = {});

}  // namespace liaison::wire
