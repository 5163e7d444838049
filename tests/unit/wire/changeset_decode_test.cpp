// decode() on hand-built msgpack bodies with a valid checksum: wrong types, out-of-range indices,
// lying length headers, deep nesting and rule violations must each be refused with Corruption or
// LimitExceeded, never crash or allocate without bound.
#include <gtest/gtest.h>

#include <msgpack.hpp>
#include <random>
#include <set>
#include <string>

#include "shared/wire/changeset.h"
#include "tests/common/status_testing.h"
#include "tests/common/wire_testing.h"

namespace liaison::wire {
namespace {

using Packer = msgpack::packer<msgpack::sbuffer>;

// Where a case changes the otherwise valid body.
enum class Tweak {
  kNone,
  kTopIsMap,
  kTopIsEmptyMap,
  kFiveParts,
  kVersionIsText,
  kVersionIsNegative,
  kSenderIsText,
  kSenderIs15Bytes,
  kOriginsNotArray,
  kOriginIs17Bytes,
  kRangesNotTriples,
  kRangeOriginOutOfRange,
  kRangeFromAfterTo,
  kTableNotAPair,
  kTableNameIsBin,
  kColumnNameIsInt,
  kChangesClaim2Pow31,
  kOriginsClaim2Pow31,
  kTextClaims2Pow31Bytes,
  kDeepNesting,
  kChangeTooShort,
  kTableIndexOutOfRange,
  kOriginIndexOutOfRange,
  kColumnIndexOutOfRange,
  kBaseOriginOutOfRange,
  kSeqZero,
  kSeqNegative,
  kHlcIsFloat,
  kKindTwo,
  kOddFieldList,
  kValueIsBool,
  kValueIsBin,
  kValueIsArray,
  kValueIsMap,
  kValueTooLargeForInt64,
  kRowIdEmpty,
  kRowIdIs8Bytes,
  kTrailingByte,
};

void pack_text(Packer& pk, std::string_view s) {
  pk.pack_str(static_cast<uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
}

void pack_uuid(Packer& pk, uint8_t fill, uint32_t size = 16) {
  std::string raw(size, static_cast<char>(fill));
  pk.pack_bin(size);
  pk.pack_bin_body(raw.data(), size);
}

void pack_value(Packer& pk, Tweak t) {
  switch (t) {
    case Tweak::kValueIsBool:
      pk.pack_true();
      return;
    case Tweak::kValueIsBin:
      pack_uuid(pk, 1, 4);
      return;
    case Tweak::kValueIsArray:
      pk.pack_array(1);
      pk.pack_nil();
      return;
    case Tweak::kValueIsMap:
      pk.pack_map(1);
      pk.pack_nil();
      pk.pack_nil();
      return;
    case Tweak::kValueTooLargeForInt64:
      pk.pack_uint64(uint64_t{1} << 63);
      return;
    case Tweak::kTextClaims2Pow31Bytes:
      pk.pack_str(0x80000000u);  // and no bytes follow
      return;
    case Tweak::kDeepNesting:
      for (int i = 0; i < 64; ++i) pk.pack_array(1);
      pk.pack_nil();
      return;
    default:
      pack_text(pk, "张三");
  }
}

// The changes array: a creation and an update of one opinion.
void pack_changes(Packer& pk, Tweak t) {
  if (t == Tweak::kChangesClaim2Pow31) {
    pk.pack_array(0x80000000u);  // and only one element follows
    pk.pack_nil();
    return;
  }
  pk.pack_array(2);
  // [table, row_id, origin, seq, hlc, kind, column, value]
  pk.pack_array(t == Tweak::kChangeTooShort ? 5 : 8);
  pk.pack_uint32(t == Tweak::kTableIndexOutOfRange ? 1 : 0);
  if (t == Tweak::kRowIdEmpty) {
    pack_text(pk, "");
  } else if (t == Tweak::kRowIdIs8Bytes) {
    pack_uuid(pk, 9, 8);
  } else {
    pack_uuid(pk, 9);
  }
  pk.pack_uint32(t == Tweak::kOriginIndexOutOfRange ? 2 : 0);
  if (t == Tweak::kSeqZero) {
    pk.pack_uint64(0);
  } else if (t == Tweak::kSeqNegative) {
    pk.pack_int64(-1);
  } else {
    pk.pack_uint64(1);
  }
  if (t == Tweak::kHlcIsFloat) {
    pk.pack_double(1.5e9 + 0.25);  // msgpack-c packs integral doubles as integers
  } else {
    pk.pack_uint64(0x10000);
  }
  if (t != Tweak::kChangeTooShort) {
    pk.pack_uint8(t == Tweak::kKindTwo ? 2 : 0);
    pk.pack_uint32(t == Tweak::kColumnIndexOutOfRange ? 3 : 1);
    pack_value(pk, t);
  }
  // [table, row_id, origin, seq, hlc, kind, column, value, base_hlc, base_origin]
  pk.pack_array(t == Tweak::kOddFieldList ? 9 : 10);
  pk.pack_uint32(0);
  pack_uuid(pk, 9);
  pk.pack_uint32(1);
  pk.pack_uint64(5);
  pk.pack_uint64(0x10001);
  pk.pack_uint8(1);
  pk.pack_uint32(2);
  pack_text(pk, "roads");
  pk.pack_uint64(0x10000);
  if (t != Tweak::kOddFieldList) pk.pack_uint32(t == Tweak::kBaseOriginOutOfRange ? 2 : 0);
}

void pack_tables(Packer& pk, Tweak t) {
  pk.pack_array(1);
  if (t == Tweak::kTableNotAPair) {
    pk.pack_array(1);
    pack_text(pk, "opinion");
    return;
  }
  pk.pack_array(2);
  if (t == Tweak::kTableNameIsBin) {
    pack_uuid(pk, 'o', 7);
  } else {
    pack_text(pk, "opinion");
  }
  pk.pack_array(3);
  pack_text(pk, "id");
  pack_text(pk, "voter");
  if (t == Tweak::kColumnNameIsInt) {
    pk.pack_uint32(3);
  } else {
    pack_text(pk, "category");
  }
}

void pack_origins_and_ranges(Packer& pk, Tweak t) {
  if (t == Tweak::kOriginsNotArray) {
    pack_uuid(pk, 0xa1);
  } else if (t == Tweak::kOriginsClaim2Pow31) {
    pk.pack_array(0x80000000u);
    pack_uuid(pk, 0xa1);
    return;  // the rest of the body is missing too
  } else {
    pk.pack_array(2);
    pack_uuid(pk, 0xa1, t == Tweak::kOriginIs17Bytes ? 17 : 16);
    pack_uuid(pk, 0xb2);
  }
  pk.pack_array(t == Tweak::kRangesNotTriples ? 5 : 6);
  pk.pack_uint32(0);
  pk.pack_uint64(t == Tweak::kRangeFromAfterTo ? 3 : 0);
  pk.pack_uint64(1);
  pk.pack_uint32(t == Tweak::kRangeOriginOutOfRange ? 2 : 1);
  pk.pack_uint64(4);
  if (t != Tweak::kRangesNotTriples) pk.pack_uint64(5);
}

std::string body(Tweak t) {
  msgpack::sbuffer buf;
  Packer pk(&buf);
  if (t == Tweak::kTopIsMap) {
    pk.pack_map(1);
    pk.pack_uint32(1);
    pk.pack_uint32(1);
    return {buf.data(), buf.size()};
  }
  if (t == Tweak::kTopIsEmptyMap) {
    pk.pack_map(0);
    return {buf.data(), buf.size()};
  }
  pk.pack_array(t == Tweak::kFiveParts ? 5 : 6);
  if (t == Tweak::kVersionIsText) {
    pack_text(pk, "1");
  } else if (t == Tweak::kVersionIsNegative) {
    pk.pack_int32(-1);
  } else {
    pk.pack_uint32(1);
  }
  if (t == Tweak::kSenderIsText) {
    pack_text(pk, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
  } else {
    pack_uuid(pk, 0xa1, t == Tweak::kSenderIs15Bytes ? 15 : 16);
  }
  pack_origins_and_ranges(pk, t);
  if (t == Tweak::kOriginsClaim2Pow31) return {buf.data(), buf.size()};
  pack_tables(pk, t);
  if (t != Tweak::kFiveParts) pack_changes(pk, t);
  std::string out(buf.data(), buf.size());
  if (t == Tweak::kTrailingByte) out.push_back('\xc0');
  return out;
}

struct Case {
  const char* name;
  Tweak tweak;
  Code want;
};

// Names the case in test listings (instead of its bytes).
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class ChangesetDecodeTest : public ::testing::TestWithParam<Case> {};

TEST(ChangesetDecodeBaseTest, TheUntweakedBodyDecodes) {
  ASSERT_OK_AND_ASSIGN(Changeset cs, decode(test::frame_body(body(Tweak::kNone))));
  ASSERT_EQ(cs.changes.size(), 2u);
  EXPECT_TRUE(cs.changes[0].create);
  EXPECT_EQ(cs.changes[0].fields[0].value, Value{std::string("张三")});
  EXPECT_EQ(cs.changes[1].fields[0].base_hlc, 0x10000u);
  EXPECT_EQ(cs.changes[1].origin, 1u);
  EXPECT_EQ(cs.ranges.size(), 2u);
}

TEST_P(ChangesetDecodeTest, IsRefused) {
  const Case& c = GetParam();
  std::string bytes = test::frame_body(body(c.tweak));
  auto r = decode(bytes);
  ASSERT_FALSE(r.is_ok()) << c.name << " was accepted";
  EXPECT_EQ(r.status().code(), c.want) << c.name << ": " << r.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, ChangesetDecodeTest,
    ::testing::Values(
        Case{"TopIsMap", Tweak::kTopIsMap, Code::kLimitExceeded},
        Case{"TopIsEmptyMap", Tweak::kTopIsEmptyMap, Code::kCorruption},
        Case{"FiveParts", Tweak::kFiveParts, Code::kCorruption},
        Case{"VersionIsText", Tweak::kVersionIsText, Code::kCorruption},
        Case{"VersionIsNegative", Tweak::kVersionIsNegative, Code::kCorruption},
        Case{"SenderIsText", Tweak::kSenderIsText, Code::kCorruption},
        Case{"SenderIs15Bytes", Tweak::kSenderIs15Bytes, Code::kCorruption},
        Case{"OriginsNotArray", Tweak::kOriginsNotArray, Code::kCorruption},
        Case{"OriginIs17Bytes", Tweak::kOriginIs17Bytes, Code::kLimitExceeded},
        Case{"RangesNotTriples", Tweak::kRangesNotTriples, Code::kCorruption},
        Case{"RangeOriginOutOfRange", Tweak::kRangeOriginOutOfRange, Code::kCorruption},
        Case{"RangeFromAfterTo", Tweak::kRangeFromAfterTo, Code::kCorruption},
        Case{"TableNotAPair", Tweak::kTableNotAPair, Code::kCorruption},
        Case{"TableNameIsBin", Tweak::kTableNameIsBin, Code::kCorruption},
        Case{"ColumnNameIsInt", Tweak::kColumnNameIsInt, Code::kCorruption},
        Case{"ChangesClaim2Pow31", Tweak::kChangesClaim2Pow31, Code::kLimitExceeded},
        Case{"OriginsClaim2Pow31", Tweak::kOriginsClaim2Pow31, Code::kLimitExceeded},
        Case{"TextClaims2Pow31Bytes", Tweak::kTextClaims2Pow31Bytes, Code::kCorruption},
        Case{"DeepNesting", Tweak::kDeepNesting, Code::kLimitExceeded},
        Case{"ChangeTooShort", Tweak::kChangeTooShort, Code::kCorruption},
        Case{"TableIndexOutOfRange", Tweak::kTableIndexOutOfRange, Code::kCorruption},
        Case{"OriginIndexOutOfRange", Tweak::kOriginIndexOutOfRange, Code::kCorruption},
        Case{"ColumnIndexOutOfRange", Tweak::kColumnIndexOutOfRange, Code::kCorruption},
        Case{"BaseOriginOutOfRange", Tweak::kBaseOriginOutOfRange, Code::kCorruption},
        Case{"SeqZero", Tweak::kSeqZero, Code::kCorruption},
        Case{"SeqNegative", Tweak::kSeqNegative, Code::kCorruption},
        Case{"HlcIsFloat", Tweak::kHlcIsFloat, Code::kCorruption},
        Case{"KindTwo", Tweak::kKindTwo, Code::kCorruption},
        Case{"OddFieldList", Tweak::kOddFieldList, Code::kCorruption},
        Case{"ValueIsBool", Tweak::kValueIsBool, Code::kCorruption},
        Case{"ValueIsBin", Tweak::kValueIsBin, Code::kCorruption},
        Case{"ValueIsArray", Tweak::kValueIsArray, Code::kCorruption},
        Case{"ValueIsMap", Tweak::kValueIsMap, Code::kLimitExceeded},
        Case{"ValueTooLargeForInt64", Tweak::kValueTooLargeForInt64, Code::kCorruption},
        Case{"RowIdEmpty", Tweak::kRowIdEmpty, Code::kCorruption},
        Case{"RowIdIs8Bytes", Tweak::kRowIdIs8Bytes, Code::kCorruption},
        Case{"TrailingByte", Tweak::kTrailingByte, Code::kCorruption}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      return std::string(param_info.param.name);
    });

// Random byte changes behind a valid checksum reach the msgpack parser and the reader: whatever
// they produce must be a clean refusal or a well-formed changeset.
TEST(ChangesetDecodeFuzzTest, MutatedBodiesNeverCrash) {
  std::string base = test::body_of(encode(test::sample_changeset()));
  std::mt19937_64 rng(20250101);
  std::set<Code> seen;
  for (int i = 0; i < 20000; ++i) {
    std::string b = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % b.size();
      switch (rng() % 4) {
        case 0:
          b[at] = static_cast<char>(rng());
          break;
        case 1:
          b.erase(at, 1 + rng() % 8);
          break;
        case 2:
          b.insert(at, 1, static_cast<char>(rng()));
          break;
        default:
          b[at] = static_cast<char>(0xdc + rng() % 4);
          break;  // array/map 16/32 headers
      }
      if (b.empty()) b = "\x90";
    }
    auto r = decode(test::frame_body(b));
    if (!r.is_ok()) {
      Code code = r.status().code();
      ASSERT_TRUE(code == Code::kCorruption || code == Code::kLimitExceeded)
          << code_name(code) << " for mutation " << i;
      seen.insert(code);
      continue;
    }
    // Whatever decoded is internally consistent: every index is in range.
    for (const Change& c : r->changes) {
      ASSERT_LT(c.table, r->tables.size());
      ASSERT_LT(c.origin, r->origins.size());
      ASSERT_NE(c.seq, 0u);
      for (const FieldChange& f : c.fields) {
        ASSERT_LT(f.column, r->tables[c.table].columns.size());
        if (!c.create) {
          ASSERT_LT(f.base_origin, r->origins.size());
        }
      }
    }
    for (const Range& rg : r->ranges) ASSERT_LT(rg.origin, r->origins.size());
  }
  EXPECT_EQ(seen.size(), 2u) << "expected both corruption and limit refusals among mutations";
}

}  // namespace
}  // namespace liaison::wire
