#include "shared/util/hlc.h"

#include <gtest/gtest.h>

#include "shared/util/env.h"

namespace liaison {
namespace {

constexpr int64_t kStart = 1'735'689'600'000;  // 2025-01-01T00:00:00Z

TEST(HlcTest, PackSplitsMillisAndCounter) {
  uint64_t t = Hlc::pack(kStart, 42);
  EXPECT_EQ(Hlc::millis(t), kStart);
  EXPECT_EQ(Hlc::counter(t), 42u);
  EXPECT_LT(Hlc::pack(kStart, Hlc::kCounterMask), Hlc::pack(kStart + 1, 0));
}

TEST(HlcTest, TickFollowsTheWallClockWhenItMovesForward) {
  FakeClock clock(kStart);
  Hlc hlc(clock, 0);
  EXPECT_EQ(hlc.tick(), Hlc::pack(kStart, 0));
  clock.advance(5);
  EXPECT_EQ(hlc.tick(), Hlc::pack(kStart + 5, 0));
  EXPECT_EQ(hlc.last(), Hlc::pack(kStart + 5, 0));
}

TEST(HlcTest, MonotonicWhenTheWallClockStandsStill) {
  FakeClock clock(kStart);
  Hlc hlc(clock, 0);
  uint64_t prev = hlc.tick();
  for (int i = 1; i < 1000; ++i) {
    uint64_t t = hlc.tick();
    ASSERT_GT(t, prev) << "tick " << i;
    EXPECT_EQ(Hlc::millis(t), kStart);
    EXPECT_EQ(Hlc::counter(t), static_cast<uint64_t>(i));
    prev = t;
  }
}

TEST(HlcTest, MonotonicWhenTheWallClockGoesBackwards) {
  FakeClock clock(kStart);
  Hlc hlc(clock, 0);
  uint64_t prev = hlc.tick();
  clock.set(kStart - 60'000);  // the device clock was corrected by a minute
  for (int i = 0; i < 100; ++i) {
    uint64_t t = hlc.tick();
    ASSERT_GT(t, prev);
    // It counts on from the last timestamp instead of following the clock back.
    EXPECT_EQ(Hlc::millis(t), kStart);
    prev = t;
    clock.advance(100);  // still behind the timestamps already issued
  }
  clock.set(kStart + 10);
  uint64_t t = hlc.tick();
  EXPECT_GT(t, prev);
  EXPECT_EQ(t, Hlc::pack(kStart + 10, 0)) << "it rejoins the wall clock once that is ahead";
}

TEST(HlcTest, ObservingARemoteTimestampMovesTickPastIt) {
  FakeClock clock(kStart);
  Hlc hlc(clock, 0);
  hlc.tick();
  uint64_t remote = Hlc::pack(kStart + 3'600'000, 7);  // a peer an hour ahead
  hlc.observe(remote);
  uint64_t t = hlc.tick();
  EXPECT_GT(t, remote);
  EXPECT_EQ(t, remote + 1);
}

TEST(HlcTest, ObservingAnOlderTimestampChangesNothing) {
  FakeClock clock(kStart);
  Hlc hlc(clock, 0);
  uint64_t mine = hlc.tick();
  hlc.observe(Hlc::pack(kStart - 1000, 3));
  EXPECT_EQ(hlc.last(), mine);
  EXPECT_GT(hlc.tick(), mine);
}

TEST(HlcTest, CounterOverflowSpillsIntoMillisecondsAndStaysIncreasing) {
  FakeClock clock(kStart);
  Hlc hlc(clock, Hlc::pack(kStart, Hlc::kCounterMask - 2));
  uint64_t prev = hlc.last();
  for (int i = 0; i < 10; ++i) {
    uint64_t t = hlc.tick();
    ASSERT_GT(t, prev) << "tick " << i;
    prev = t;
  }
  // Two ticks reach the full counter; the third spills into the next millisecond.
  EXPECT_EQ(Hlc::millis(prev), kStart + 1);
  EXPECT_EQ(Hlc::counter(prev), 7u);
}

TEST(HlcTest, ObservingAFullCounterSpillsOnTheNextTick) {
  FakeClock clock(kStart);
  Hlc hlc(clock, 0);
  uint64_t remote = Hlc::pack(kStart, Hlc::kCounterMask);
  hlc.observe(remote);
  uint64_t t = hlc.tick();
  EXPECT_GT(t, remote);
  EXPECT_EQ(t, Hlc::pack(kStart + 1, 0));
}

TEST(HlcTest, ResumesFromAPersistedTimestamp) {
  FakeClock clock(kStart - 5000);  // restarted with a clock behind the saved state
  Hlc hlc(clock, Hlc::pack(kStart, 3));
  EXPECT_EQ(hlc.tick(), Hlc::pack(kStart, 4));
}

TEST(HlcTest, ToStringShowsUtcTimeAndCounter) {
  EXPECT_EQ(Hlc::to_string(Hlc::pack(kStart + 123, 0)), "2025-01-01T00:00:00.123Z");
  EXPECT_EQ(Hlc::to_string(Hlc::pack(kStart + 4'000, 5)), "2025-01-01T00:00:04.000Z+5");
}

}  // namespace
}  // namespace liaison
