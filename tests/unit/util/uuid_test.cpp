#include "shared/util/uuid.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "shared/util/env.h"

namespace liaison {
namespace {

constexpr int64_t kStart = 1'735'689'600'000;  // 2025-01-01T00:00:00Z

TEST(UuidTest, Version7AndRfcVariantBits) {
  FakeClock clock(kStart);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    SeededRandom random(seed);
    Uuid u = Uuid::v7(clock, random);
    EXPECT_EQ(u.bytes[6] >> 4, 0x7) << u.str();
    EXPECT_EQ(u.bytes[8] & 0xc0, 0x80) << u.str();
    std::string s = u.str();
    EXPECT_EQ(s[14], '7');
    EXPECT_NE(std::string("89ab").find(s[19]), std::string::npos) << s;
  }
}

TEST(UuidTest, StartsWithTheMillisecondsBigEndian) {
  FakeClock clock(0x0123456789ab);
  SeededRandom random(1);
  Uuid u = Uuid::v7(clock, random);
  EXPECT_EQ(u.str().substr(0, 13), "01234567-89ab");
}

TEST(UuidTest, TimeOrderedForAnIncreasingClock) {
  FakeClock clock(kStart);
  SeededRandom random(7);
  Uuid prev = Uuid::v7(clock, random);
  for (int i = 0; i < 500; ++i) {
    clock.advance(1 + i % 3);
    Uuid u = Uuid::v7(clock, random);
    ASSERT_LT(prev, u) << prev.str() << " then " << u.str();
    ASSERT_LT(prev.str(), u.str()) << "the text form sorts the same way";
    prev = u;
  }
}

TEST(UuidTest, RandomBitsDifferWithinOneMillisecond) {
  FakeClock clock(kStart);
  SeededRandom random(3);
  std::set<Uuid> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(Uuid::v7(clock, random));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(UuidTest, TextRoundTrip) {
  FakeClock clock(kStart);
  SeededRandom random(11);
  for (int i = 0; i < 100; ++i) {
    Uuid u = Uuid::v7(clock, random);
    std::string s = u.str();
    ASSERT_EQ(s.size(), 36u);
    auto parsed = Uuid::parse(s);
    ASSERT_TRUE(parsed.has_value()) << s;
    EXPECT_EQ(*parsed, u);
    EXPECT_EQ(Uuid::from_bytes(u.raw()), u);
  }
}

TEST(UuidTest, ParseAcceptsUpperCaseAndPrintsLowerCase) {
  auto u = Uuid::parse("0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->str(), "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
  EXPECT_EQ(u->bytes[0], 0x01);
  EXPECT_EQ(u->bytes[15], 0x5b);
}

TEST(UuidTest, ParseRejectsBadText) {
  const std::string good = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  ASSERT_TRUE(Uuid::parse(good).has_value());
  const std::string bad[] = {
      "",
      good.substr(1),                                            // 35 characters
      good + "0",                                                // 37 characters
      "0190a1b2c3d47e5f8a9b0c1d2e3f4a5b",                        // no dashes
      "0190a1b2-c3d4-7e5f-8a9b0-c1d2e3f4a5b",                    // dash one place late
      "0190a1b-2c3d4-7e5f-8a9b-0c1d2e3f4a5b",                    // dash one place early
      "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g",                    // not hex
      "0190a1b2 c3d4-7e5f-8a9b-0c1d2e3f4a5b",                    // space for a dash
      "{190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5}",                    // braces
      " 190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",                    // leading space
      "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5\xff",                 // high byte
      std::string("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5\0", 36),  // NUL inside
      "0190a1b2-c3d4-7e5f-8a9b--c1d2e3f4a5b",                    // dash for a digit
  };
  for (const std::string& text : bad) {
    EXPECT_FALSE(Uuid::parse(text).has_value()) << "accepted: " << text;
    EXPECT_FALSE(is_uuid_text(text)) << text;
  }
}

TEST(UuidTest, NilIsAllZeroes) {
  Uuid nil;
  EXPECT_TRUE(nil.is_nil());
  EXPECT_EQ(nil.str(), "00000000-0000-0000-0000-000000000000");
  FakeClock clock(kStart);
  SeededRandom random(1);
  EXPECT_FALSE(Uuid::v7(clock, random).is_nil());
}

}  // namespace
}  // namespace liaison
