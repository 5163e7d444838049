// The changeset encoder and the framing decode() checks first: golden bytes, round trips of every
// value type, and refusal of truncated, bit-flipped and oversized input.
#include "shared/wire/changeset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tests/common/status_testing.h"
#include "tests/common/wire_testing.h"

namespace liaison::wire {
namespace {

std::string from_hex(std::string_view hex) {
  std::string out;
  int hi = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n') continue;
    int v = (c >= '0' && c <= '9') ? c - '0' : c - 'a' + 10;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

Uuid filled(uint8_t b) {
  Uuid u;
  u.bytes.fill(b);
  return u;
}

// One category created and then cleared: the smallest changeset that has both kinds of change.
Changeset tiny_changeset() {
  Changeset cs;
  cs.schema_version = 1;
  cs.sender = filled(0x11);
  cs.origins = {filled(0x11)};
  cs.ranges = {{0, 0, 2}};
  cs.tables = {{"category", {"id", "name"}}};
  cs.changes = {{0, "c1", 0, 1, 0x10000, true, {{1, std::string("x"), 0, 0}}},
                {0, "c1", 0, 2, 0x10001, false, {{1, Value{}, 0x10000, 0}}}};
  return cs;
}

// Reviewed by hand against the format comment at the top of shared/wire/changeset.cpp.
constexpr std::string_view kTinyGolden =
    "4c435301"                                  // "LCS", format 1
    "96"                                        // body: array of 6
    "01"                                        //   schema_version 1
    "c410 11111111111111111111111111111111"     //   sender: bin 16
    "91 c410 11111111111111111111111111111111"  //   origins: [bin 16]
    "93 00 00 02"                               //   ranges: [origin 0, from 0, to 2]
    "91 92 a8 63617465676f7279"                 //   tables: [["category",
    "   92 a2 6964 a4 6e616d65"                 //             ["id", "name"]]]
    "92"                                        //   changes: array of 2
    "98 00 a2 6331 00 01 ce00010000 00"         //     [table 0, "c1", origin 0, seq 1,
                                                //      hlc 0x10000, kind 0 (create),
    "   01 a1 78"                               //      column 1, "x"]
    "9a 00 a2 6331 00 02 ce00010001 01"         //     [table 0, "c1", origin 0, seq 2,
                                                //      hlc 0x10001, kind 1 (update),
    "   01 c0 ce00010000 00"                    //      column 1, nil, base 0x10000, origin 0]
    "b92a0c74";                                 // crc32 of all the above, big-endian

TEST(ChangesetTest, GoldenBytesOfATinyChangeset) {
  std::string bytes = encode(tiny_changeset());
  EXPECT_EQ(to_hex(bytes), to_hex(from_hex(kTinyGolden)));
  ASSERT_OK_AND_ASSIGN(Changeset back, decode(from_hex(kTinyGolden)));
  test::expect_same_changeset(tiny_changeset(), back);
}

TEST(ChangesetTest, EncodingIsDeterministic) {
  EXPECT_EQ(encode(test::sample_changeset()), encode(test::sample_changeset()));
}

TEST(ChangesetTest, RoundTripOfTheSample) {
  Changeset cs = test::sample_changeset();
  ASSERT_OK_AND_ASSIGN(Changeset back, decode(encode(cs)));
  test::expect_same_changeset(cs, back);
}

TEST(ChangesetTest, RoundTripOfEveryValueType) {
  const Value values[] = {
      Value{},
      int64_t{0},
      int64_t{1},
      int64_t{127},
      int64_t{128},
      int64_t{65536},
      int64_t{-1},
      int64_t{-32},
      int64_t{-33},
      int64_t{-2'000'000'000'000},
      std::numeric_limits<int64_t>::max(),
      std::numeric_limits<int64_t>::min(),
      0.0,
      2.0,
      -0.5,
      -3.0,
      1e19,  // integral and over INT64_MAX: must stay a float64, not become an integer
      1e300,
      std::numeric_limits<double>::infinity(),
      std::numeric_limits<double>::denorm_min(),
      std::string(),
      std::string("a"),
      std::string("意见建议：小区门口的路灯坏了"),
      std::string("nul\0inside", 10),
      std::string(70000, 'z'),  // needs a 32-bit length
  };
  Changeset cs = tiny_changeset();
  cs.changes.resize(1);
  cs.changes[0].fields.clear();
  cs.ranges = {{0, 0, 2}};
  Change update{0, "c1", 0, 2, 0x20000, false, {}};
  for (const Value& v : values) {
    cs.changes[0].fields.push_back({1, v, 0, 0});
    update.fields.push_back({1, v, 0x10000, 0});
  }
  cs.changes.push_back(update);
  ASSERT_OK_AND_ASSIGN(Changeset back, decode(encode(cs)));
  test::expect_same_changeset(cs, back);
  for (size_t i = 0; i < std::size(values); ++i) {
    EXPECT_EQ(back.changes[0].fields[i].value.index(), values[i].index()) << "value " << i;
  }
}

TEST(ChangesetTest, NanAndNegativeZeroSurviveTheRoundTrip) {
  Changeset cs = tiny_changeset();
  cs.changes[0].fields[0].value = std::numeric_limits<double>::quiet_NaN();
  cs.changes[0].fields.push_back({1, -0.0, 0, 0});
  ASSERT_OK_AND_ASSIGN(Changeset back, decode(encode(cs)));
  ASSERT_TRUE(std::holds_alternative<double>(back.changes[0].fields[0].value));
  EXPECT_TRUE(std::isnan(std::get<double>(back.changes[0].fields[0].value)));
  ASSERT_TRUE(std::holds_alternative<double>(back.changes[0].fields[1].value));
  EXPECT_TRUE(std::signbit(std::get<double>(back.changes[0].fields[1].value)));
}

TEST(ChangesetTest, RowIdsKeepTheirExactText) {
  // A lowercase UUID travels as 16 bytes; anything else, even an upper-case UUID, as text.
  const std::vector<std::string> ids = {"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
                                        "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B", "S01", "站-01",
                                        std::string(128, 'k')};
  for (const std::string& id : ids) {
    Changeset cs = tiny_changeset();
    cs.changes[0].row_id = id;
    cs.changes[1].row_id = id;
    ASSERT_OK_AND_ASSIGN(Changeset back, decode(encode(cs)));
    EXPECT_EQ(back.changes[0].row_id, id);
  }
  Changeset cs = tiny_changeset();
  cs.changes[0].row_id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  Changeset text = tiny_changeset();
  text.changes[0].row_id = "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B";
  EXPECT_LT(encode(cs).size(), encode(text).size()) << "a UUID id should travel as 16 bytes";
}

TEST(ChangesetTest, EmptyChangesetRoundTrips) {
  Changeset cs;
  cs.schema_version = 1;
  cs.sender = filled(0x42);
  ASSERT_OK_AND_ASSIGN(Changeset back, decode(encode(cs)));
  test::expect_same_changeset(cs, back);
}

TEST(ChangesetTest, EveryTruncationIsRefused) {
  std::string bytes = encode(test::sample_changeset());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = decode(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(r.is_ok()) << "a prefix of " << n << " bytes decoded";
    EXPECT_EQ(r.status().code(), Code::kCorruption) << n << ": " << r.status().message();
  }
}

TEST(ChangesetTest, AFlippedByteAnywhereIsRefused) {
  std::string bytes = encode(test::sample_changeset());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t mask : {0x01, 0x10, 0x80, 0xff}) {
      std::string bad = bytes;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      auto r = decode(bad);
      ASSERT_FALSE(r.is_ok()) << "byte " << i << " ^ " << int{mask} << " decoded";
      EXPECT_EQ(r.status().code(), Code::kCorruption) << i;
    }
  }
}

TEST(ChangesetTest, AppendedBytesAreRefused) {
  std::string bytes = encode(test::sample_changeset());
  EXPECT_CODE(decode(bytes + std::string(1, '\0')), Code::kCorruption);
  EXPECT_CODE(decode(bytes + bytes), Code::kCorruption);
}

TEST(ChangesetTest, WrongMagicOrFormatIsRefused) {
  std::string body = test::body_of(encode(test::sample_changeset()));
  EXPECT_OK(decode(test::frame_body(body)));
  EXPECT_CODE(decode(test::frame_body(body, 2)), Code::kCorruption);
  EXPECT_CODE(decode(test::frame_body(body, 0)), Code::kCorruption);
  std::string bad_magic = test::frame_body(body);
  bad_magic[0] = 'X';
  EXPECT_CODE(decode(bad_magic), Code::kCorruption);
  EXPECT_CODE(decode(""), Code::kCorruption);
  EXPECT_CODE(decode("LCS"), Code::kCorruption);
}

TEST(ChangesetTest, InputOverMaxBytesIsALimitError) {
  std::string bytes = encode(test::sample_changeset());
  Limits limits;
  limits.max_bytes = bytes.size() - 1;
  EXPECT_CODE(decode(bytes, limits), Code::kLimitExceeded);
  limits.max_bytes = bytes.size();
  EXPECT_OK(decode(bytes, limits));
  // The default limit is checked before anything is read.
  std::string huge(Limits{}.max_bytes + 1, '\0');
  EXPECT_CODE(decode(huge), Code::kLimitExceeded);
}

TEST(ChangesetTest, EveryCountLimitIsALimitError) {
  Changeset cs = test::sample_changeset();  // 4 changes, 2 origins, 2 tables, 5 columns
  std::string bytes = encode(cs);
  auto with = [](auto set) {
    Limits l;
    set(l);
    return l;
  };
  EXPECT_OK(decode(bytes, with([](Limits& l) { l.max_changes = 4; })));
  EXPECT_CODE(decode(bytes, with([](Limits& l) { l.max_changes = 3; })), Code::kLimitExceeded);
  EXPECT_OK(decode(bytes, with([](Limits& l) { l.max_origins = 2; })));
  EXPECT_CODE(decode(bytes, with([](Limits& l) { l.max_origins = 1; })), Code::kLimitExceeded);
  EXPECT_OK(decode(bytes, with([](Limits& l) { l.max_tables = 2; })));
  EXPECT_CODE(decode(bytes, with([](Limits& l) { l.max_tables = 1; })), Code::kLimitExceeded);
  EXPECT_OK(decode(bytes, with([](Limits& l) { l.max_columns = 5; })));
  EXPECT_CODE(decode(bytes, with([](Limits& l) { l.max_columns = 4; })), Code::kLimitExceeded);
}

TEST(ChangesetTest, LongTextAndLongIdsAreLimitErrors) {
  Changeset cs = tiny_changeset();
  cs.changes[0].fields[0].value = std::string(100, 'v');
  std::string bytes = encode(cs);
  Limits limits;
  limits.max_text = 100;
  EXPECT_OK(decode(bytes, limits));
  limits.max_text = 99;
  EXPECT_CODE(decode(bytes, limits), Code::kLimitExceeded);

  cs = tiny_changeset();
  cs.changes[0].row_id = std::string(Limits{}.max_id, 'k');
  EXPECT_OK(decode(encode(cs)));
  cs.changes[0].row_id += "k";
  EXPECT_CODE(decode(encode(cs)), Code::kLimitExceeded);
}

}  // namespace
}  // namespace liaison::wire
