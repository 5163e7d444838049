// The stored form of changes waiting for their row: a round trip of every value type and base,
// and refusal (not a crash) of damaged bodies.
#include "shared/sync/pending.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

TEST(PendingTest, RoundTrip) {
  std::vector<PendingField> fields = {
      {3, Value{}, {}},
      {7, int64_t{-42}, {0x0190a1b2c3d40001, 2}},
      {9, std::string("梨园镇"), {UINT64_MAX, UINT32_MAX}},
      {12, std::string(), {1, 1}},
  };
  ASSERT_OK_AND_ASSIGN(std::vector<PendingField> back, decode_pending(encode_pending(fields)));
  ASSERT_EQ(back.size(), fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ(back[i].column, fields[i].column) << i;
    EXPECT_EQ(back[i].value, fields[i].value) << i;
    EXPECT_EQ(back[i].base, fields[i].base) << i;
  }
  ASSERT_OK_AND_ASSIGN(std::vector<PendingField> none, decode_pending(encode_pending({})));
  EXPECT_TRUE(none.empty());
}

TEST(PendingTest, DamagedBodiesAreRefused) {
  std::string good = encode_pending({{7, std::string("x"), {5, 1}}});
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_CODE(decode_pending(good.substr(0, n)), Code::kCorruption) << "prefix " << n;
  EXPECT_CODE(decode_pending("\x93\x01\x02\x03"), Code::kCorruption) << "not groups of four";
  EXPECT_CODE(decode_pending("\x94\xa1x\xc0\x01\x01"), Code::kCorruption) << "column not a number";
  EXPECT_CODE(decode_pending("\x94\x01\xc0\xff\x01"), Code::kCorruption) << "negative base";
  EXPECT_CODE(decode_pending("\x81\x01\x02"), Code::kCorruption) << "a map";
}

}  // namespace
}  // namespace liaison::sync
