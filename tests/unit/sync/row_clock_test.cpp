#include "shared/sync/row_clock.h"

#include <gtest/gtest.h>

#include <string>

#include "shared/util/varint.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

constexpr uint64_t kHlc = 0x0190a1b2c3d40000;

RowClock created(size_t n, uint64_t hlc, uint32_t origin, uint64_t seq) {
  RowClock c;
  c.fields.assign(n, FieldClock{{hlc, origin}, seq, {}});
  c.fields[0] = {};  // the id has no clock
  return c;
}

void expect_round_trip(const RowClock& clock) {
  std::string blob = clock.encode();
  ASSERT_OK_AND_ASSIGN(RowClock back, RowClock::decode(blob, clock.fields.size()));
  ASSERT_EQ(back.fields.size(), clock.fields.size());
  for (size_t i = 1; i < clock.fields.size(); ++i) {
    EXPECT_EQ(back.fields[i], clock.fields[i]) << "column " << i;
  }
}

TEST(RowClockTest, RowWrittenOnceIsSmallAndRoundTrips) {
  RowClock clock = created(14, kHlc, 1, 1);
  std::string blob = clock.encode();
  EXPECT_LE(blob.size(), 16u) << "one entry for the whole row";
  expect_round_trip(clock);
}

TEST(RowClockTest, UpdatesWithBasesRoundTrip) {
  RowClock clock = created(14, kHlc, 1, 1);
  // Two columns changed by one later change that replaced the creation knowingly.
  clock.fields[7] = {{kHlc + 5, 2}, 4, {kHlc, 1}};
  clock.fields[9] = {{kHlc + 5, 2}, 4, {kHlc, 1}};
  // One column changed by another change, merged from a peer without a base.
  clock.fields[10] = {{kHlc + 9, 3}, 17, {}};
  // A change that set two columns, only one of them with a base.
  clock.fields[11] = {{kHlc + 12, 1}, 2, {kHlc + 9, 3}};
  clock.fields[12] = {{kHlc + 12, 1}, 2, {}};
  expect_round_trip(clock);
}

TEST(RowClockTest, ExtremeNumbersRoundTrip) {
  RowClock clock = created(5, UINT64_MAX, UINT32_MAX, UINT64_MAX);
  clock.fields[2] = {{1, 0}, 1, {UINT64_MAX, UINT32_MAX}};
  clock.fields[4] = {{UINT64_MAX - 1, 7}, UINT64_MAX - 1, {1, 1}};
  expect_round_trip(clock);
}

TEST(RowClockTest, SixtyFourColumnsRoundTrip) {
  RowClock clock = created(63, kHlc, 1, 1);
  clock.fields[62] = {{kHlc + 1, 2}, 2, {kHlc, 1}};
  expect_round_trip(clock);
}

TEST(RowClockTest, UnwrittenColumnsStayEmpty) {
  RowClock clock;
  clock.fields.resize(6);
  EXPECT_EQ(clock.encode(), "");
  ASSERT_OK_AND_ASSIGN(RowClock back, RowClock::decode("", 6));
  ASSERT_EQ(back.fields.size(), 6u);
  for (const FieldClock& f : back.fields) EXPECT_EQ(f, FieldClock{});
}

TEST(RowClockTest, TruncationInsideAnEntryIsRefused) {
  RowClock clock = created(8, kHlc, 1, 1);
  clock.fields[3] = {{kHlc + 5, 2}, 4, {kHlc, 1}};
  std::string blob = clock.encode();
  // Entry boundaries are valid shorter clocks; every other prefix cuts an entry.
  RowClock only_first = created(8, kHlc, 1, 1);
  only_first.fields[3] = {};
  size_t boundary = only_first.encode().size();
  ASSERT_LT(boundary, blob.size());
  for (size_t n = 1; n < blob.size(); ++n) {
    if (n == boundary) continue;
    EXPECT_CODE(RowClock::decode(std::string_view(blob).substr(0, n), 8), Code::kCorruption)
        << "prefix " << n;
  }
}

std::string entry(uint64_t hlc, uint64_t origin, uint64_t seq, uint64_t word) {
  std::string out;
  put_varint(out, hlc);
  put_varint(out, origin);
  put_varint(out, seq);
  put_varint(out, word);
  return out;
}

TEST(RowClockTest, MalformedBlobsAreRefused) {
  // Sanity: a hand-made entry for columns 1 and 2 decodes.
  ASSERT_OK_AND_ASSIGN(RowClock ok, RowClock::decode(entry(kHlc, 1, 1, 0b110 << 1), 4));
  EXPECT_EQ(ok.fields[1].stamp.hlc, kHlc);
  EXPECT_EQ(ok.fields[2].seq, 1u);
  EXPECT_EQ(ok.fields[3].stamp.hlc, 0u);

  // A varint that never ends.
  EXPECT_CODE(RowClock::decode(std::string(11, '\xff'), 4), Code::kCorruption);
  // An origin number wider than 32 bits.
  EXPECT_CODE(RowClock::decode(entry(kHlc, uint64_t{1} << 32, 1, 0b10 << 1), 4), Code::kCorruption);
  // A column mask naming columns the table does not have.
  EXPECT_CODE(RowClock::decode(entry(kHlc, 1, 1, 0b10000 << 1), 4), Code::kCorruption);
  // "has bases" set, but no base follows.
  EXPECT_CODE(RowClock::decode(entry(kHlc, 1, 1, (0b10 << 1) | 1), 4), Code::kCorruption);
  // A non-zero base hlc without its origin.
  std::string cut = entry(kHlc, 1, 2, (0b10 << 1) | 1);
  put_varint(cut, kHlc - 1);
  EXPECT_CODE(RowClock::decode(cut, 4), Code::kCorruption);
  // A lone byte.
  EXPECT_CODE(RowClock::decode("\x05", 4), Code::kCorruption);
}

}  // namespace
}  // namespace liaison::sync
