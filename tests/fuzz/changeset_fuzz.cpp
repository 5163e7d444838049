// Fuzz target: the changeset decoder (shared/wire/changeset_decode.cpp) on arbitrary bytes.
// The input is one changeset as it arrives in a PUSH or CHANGES (magic, format, body, CRC);
// libFuzzer's CRC-blind mutations still reach the body because the seeds carry valid checksums
// and the target also decodes the input with its checksum recomputed.
//
// Invariants: decode() returns a value or Corruption/LimitExceeded and never throws; what it
// accepts has every index in range (the merge code relies on it); it re-encodes, and the
// re-encoding decodes to the same bytes again; with tighter limits it accepts nothing else.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "shared/wire/changeset.h"
#include "tests/fuzz/fuzz_check.h"

namespace liaison::fuzz {
namespace {

void check_indices(const wire::Changeset& cs) {
  for (const wire::Range& r : cs.ranges) {
    check(r.origin < cs.origins.size(), "range origin out of range");
    check(r.from <= r.to, "range from after to");
  }
  for (const wire::Change& c : cs.changes) {
    check(c.table < cs.tables.size(), "change table out of range");
    check(c.origin < cs.origins.size(), "change origin out of range");
    check(c.seq > 0, "change seq 0");
    check(!c.row_id.empty(), "empty row id");
    for (const wire::FieldChange& f : c.fields) {
      check(f.column < cs.tables[c.table].columns.size(), "field column out of range");
      check(c.create || f.base_origin < cs.origins.size(), "base origin out of range");
    }
  }
}

bool is_error_code(const Status& s) {
  return s.code() == Code::kCorruption || s.code() == Code::kLimitExceeded;
}

// The input with its last four bytes replaced by the CRC of the rest, as encode() writes it.
std::string with_checksum(std::string_view in) {
  std::string out(in.substr(0, in.size() - 4));
  auto crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size())));
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out;
}

// Tight limits reach the limit checks with small inputs; they may only refuse more.
wire::Limits tight_limits() {
  wire::Limits tight;
  tight.max_changes = 4;
  tight.max_origins = 3;
  tight.max_tables = 2;
  tight.max_columns = 4;
  tight.max_text = 16;
  tight.max_id = 40;
  return tight;
}

void one(std::string_view bytes) {
  Result<wire::Changeset> cs = wire::decode(bytes);
  Result<wire::Changeset> small = wire::decode(bytes, tight_limits());
  if (!small) check(is_error_code(small.status()), "unexpected code under tight limits");
  if (!cs) {
    check(is_error_code(cs.status()), fmt::format("unexpected code: {}", cs.status().detail()));
    check(!small.is_ok(), "tight limits accept what the default limits refuse");
    return;
  }
  check_indices(cs.value());
  std::string again = wire::encode(cs.value());
  Result<wire::Changeset> back = wire::decode(again);
  check(back.is_ok(), fmt::format("re-encoded changeset refused: {}",
                                  back.is_ok() ? "" : back.status().detail()));
  check(wire::encode(back.value()) == again, "re-encoding is not stable");
  if (small) check(wire::encode(small.value()) == again, "tight limits decode differently");
}

}  // namespace
}  // namespace liaison::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    liaison::fuzz::one(in);
    if (in.size() >= 8) liaison::fuzz::one(liaison::fuzz::with_checksum(in));
  } catch (const std::exception& e) {
    liaison::fuzz::fail(fmt::format("exception escaped: {}", e.what()));
  }
  return 0;
}
