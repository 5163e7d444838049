#include "tests/common/wire_testing.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace liaison::test {

namespace {

Uuid filled(uint8_t b) {
  Uuid u;
  u.bytes.fill(b);
  return u;
}

}  // namespace

wire::Changeset sample_changeset() {
  wire::Changeset cs;
  cs.schema_version = 1;
  cs.sender = filled(0xa1);
  cs.origins = {filled(0xa1), filled(0xb2)};
  cs.ranges = {{0, 0, 3}, {1, 7, 9}};
  cs.tables = {{"opinion", {"id", "voter", "phone", "category", "void_reason"}},
               {"station", {"id", "name", "voters"}}};
  const std::string uuid_id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  wire::Change create{0,
                      uuid_id,
                      0,
                      1,
                      0x0190a1b2c3d40001,
                      true,
                      {{1, std::string("张三"), 0, 0}, {2, std::string("13800000000"), 0, 0}}};
  wire::Change update{
      0,
      uuid_id,
      0,
      3,
      0x0190a1b2c3d40005,
      false,
      {{3, std::string("roads"), 0x0190a1b2c3d40001, 0}, {4, Value{}, 0x0190a1b2c3d40001, 1}}};
  wire::Change station{1,
                       "S01",
                       1,
                       8,
                       0x0190a1b2c3d50000,
                       true,
                       {{1, std::string("梨园站"), 0, 0}, {2, int64_t{-3200}, 0, 0}}};
  wire::Change voters{1,
                      "S01",
                      1,
                      9,
                      0x0190a1b2c3d50009,
                      false,
                      {{2, int64_t{4'000'000'000}, 0x0190a1b2c3d50000, 1}}};
  cs.changes = {create, update, station, voters};
  return cs;
}

void expect_same_changeset(const wire::Changeset& want, const wire::Changeset& got) {
  EXPECT_EQ(want.schema_version, got.schema_version);
  EXPECT_EQ(want.sender, got.sender);
  EXPECT_EQ(want.origins, got.origins);
  ASSERT_EQ(want.ranges.size(), got.ranges.size());
  for (size_t i = 0; i < want.ranges.size(); ++i) {
    EXPECT_EQ(want.ranges[i].origin, got.ranges[i].origin) << "range " << i;
    EXPECT_EQ(want.ranges[i].from, got.ranges[i].from) << "range " << i;
    EXPECT_EQ(want.ranges[i].to, got.ranges[i].to) << "range " << i;
  }
  ASSERT_EQ(want.tables.size(), got.tables.size());
  for (size_t i = 0; i < want.tables.size(); ++i) {
    EXPECT_EQ(want.tables[i].name, got.tables[i].name);
    EXPECT_EQ(want.tables[i].columns, got.tables[i].columns);
  }
  ASSERT_EQ(want.changes.size(), got.changes.size());
  for (size_t i = 0; i < want.changes.size(); ++i) {
    const wire::Change& a = want.changes[i];
    const wire::Change& b = got.changes[i];
    SCOPED_TRACE("change " + std::to_string(i));
    EXPECT_EQ(a.table, b.table);
    EXPECT_EQ(a.row_id, b.row_id);
    EXPECT_EQ(a.origin, b.origin);
    EXPECT_EQ(a.seq, b.seq);
    EXPECT_EQ(a.hlc, b.hlc);
    EXPECT_EQ(a.create, b.create);
    ASSERT_EQ(a.fields.size(), b.fields.size());
    for (size_t f = 0; f < a.fields.size(); ++f) {
      EXPECT_EQ(a.fields[f].column, b.fields[f].column) << "field " << f;
      EXPECT_EQ(a.fields[f].value, b.fields[f].value) << "field " << f;
      EXPECT_EQ(a.fields[f].base_hlc, b.fields[f].base_hlc) << "field " << f;
      EXPECT_EQ(a.fields[f].base_origin, b.fields[f].base_origin) << "field " << f;
    }
  }
}

std::string frame_body(std::string_view body, uint8_t format) {
  std::string out = "LCS";
  out.push_back(static_cast<char>(format));
  out.append(body);
  auto crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size())));
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out;
}

std::string body_of(std::string_view encoded) {
  return std::string(encoded.substr(4, encoded.size() - 8));
}

void expect_every_truncation_refused(const std::vector<wire::Message>& messages) {
  for (const wire::Message& m : messages) {
    std::string bytes = wire::encode_message(m);
    for (size_t n = 0; n < bytes.size(); ++n) {
      auto r = wire::decode_message(std::string_view(bytes).substr(0, n));
      EXPECT_FALSE(r.is_ok()) << wire::message_name(m) << " cut at " << n;
    }
  }
}

void expect_flipped_bytes_handled(const std::vector<wire::Message>& messages) {
  for (const wire::Message& m : messages) {
    std::string bytes = wire::encode_message(m);
    for (size_t i = 0; i < bytes.size(); ++i) {
      for (uint8_t x : {0x01, 0x20, 0x80, 0xff}) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ x);
        auto r = wire::decode_message(bad);  // may be valid by chance; must not crash
        if (!r.is_ok()) {
          EXPECT_TRUE(r.status().code() == Code::kCorruption ||
                      r.status().code() == Code::kLimitExceeded)
              << wire::message_name(m) << " byte " << i;
        }
      }
    }
  }
}

}  // namespace liaison::test
