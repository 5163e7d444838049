// The sync bundle codec: both kinds come back as they were; every truncation, every flipped
// byte, another key and the other kind are refused with their own error; the limits hold; and a
// body that is nonsense but correctly signed is refused without a crash.
#include <gtest/gtest.h>

#include <openssl/hmac.h>

#include <random>
#include <string>

#include "shared/sync/bundle.h"
#include "shared/wire/changeset.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"
#include "tests/common/wire_testing.h"

namespace liaison::sync {
namespace {

constexpr std::string_view kKey = "5f0c2a8e7d4b1f3a9c6e8d2b4a7f1e3c5b9d0a2e4c6f8b1d3a5c7e9f0b2d4a6c";
constexpr std::string_view kDevice = "0190c0de-1234-7000-8000-00000000abcd";

RequestBundle sample_request() {
  RequestBundle b;
  b.device = std::string(kDevice);
  b.replica = test::fixed_uuid(0x11);
  b.created_at = "2025-03-01T08:00:00.000Z";
  b.schema = 5;
  b.vv = {{test::fixed_uuid(0x11), 42}, {test::fixed_uuid(0x22), 7}};
  b.server_known = {{test::fixed_uuid(0x11), 30}};
  b.changesets = {wire::encode(test::sample_changeset()), wire::encode(test::sample_changeset())};
  return b;
}

AnswerBundle sample_answer() {
  AnswerBundle b;
  b.device = std::string(kDevice);
  b.replica = test::fixed_uuid(0x11);
  b.server_replica = test::fixed_uuid(0x33);
  b.created_at = "2025-03-02T09:30:00.000Z";
  b.schema = 5;
  b.known = {{test::fixed_uuid(0x11), 42}};
  b.refused = {{test::fixed_uuid(0x11), 40, "opinion", "0190c0de-0000-7000-8000-000000000001",
                "other_station"}};
  b.changesets = {wire::encode(test::sample_changeset())};
  b.pushed = 11;
  b.complete = false;
  return b;
}

// The header of a bundle as bundle.h specifies it, around body, signed with key.
std::string hand_made(std::string_view body, uint8_t kind = 1, std::string_view key = kKey) {
  std::string out = "LSB";
  out += static_cast<char>(kBundleFormat);
  out += static_cast<char>(kind);
  out += static_cast<char>(kDevice.size());
  out += kDevice;
  uint32_t n = static_cast<uint32_t>(body.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
  out += body;
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(out.data()), out.size(), mac, &len);
  out.append(reinterpret_cast<const char*>(mac), len);
  return out;
}

TEST(BundleTest, ARequestComesBackAsItWas) {
  RequestBundle want = sample_request();
  std::string bytes = encode_bundle(want, kKey);
  EXPECT_EQ(bytes.substr(0, 3), "LSB");
  ASSERT_OK_AND_ASSIGN(BundleHeader head, read_bundle_header(bytes));
  EXPECT_EQ(head.kind, BundleKind::kRequest);
  EXPECT_EQ(head.device, kDevice);
  ASSERT_OK_AND_ASSIGN(RequestBundle got, decode_request(bytes, kKey));
  EXPECT_EQ(got.device, want.device);
  EXPECT_EQ(got.replica, want.replica);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.schema, want.schema);
  EXPECT_EQ(got.vv, want.vv);
  EXPECT_EQ(got.server_known, want.server_known);
  ASSERT_EQ(got.changesets, want.changesets);
  ASSERT_OK_AND_ASSIGN(wire::Changeset cs, wire::decode(got.changesets[1]));
  test::expect_same_changeset(test::sample_changeset(), cs);
}

TEST(BundleTest, AnAnswerComesBackAsItWas) {
  AnswerBundle want = sample_answer();
  std::string bytes = encode_bundle(want, kKey);
  ASSERT_OK_AND_ASSIGN(BundleHeader head, read_bundle_header(bytes));
  EXPECT_EQ(head.kind, BundleKind::kAnswer);
  ASSERT_OK_AND_ASSIGN(AnswerBundle got, decode_answer(bytes, kKey));
  EXPECT_EQ(got.device, want.device);
  EXPECT_EQ(got.replica, want.replica);
  EXPECT_EQ(got.server_replica, want.server_replica);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.schema, want.schema);
  EXPECT_EQ(got.known, want.known);
  ASSERT_EQ(got.refused.size(), 1u);
  EXPECT_EQ(got.refused[0].origin, want.refused[0].origin);
  EXPECT_EQ(got.refused[0].seq, 40u);
  EXPECT_EQ(got.refused[0].table, "opinion");
  EXPECT_EQ(got.refused[0].row, want.refused[0].row);
  EXPECT_EQ(got.refused[0].reason, "other_station");
  EXPECT_EQ(got.changesets, want.changesets);
  EXPECT_EQ(got.pushed, 11u);
  EXPECT_FALSE(got.complete);
  // An empty answer too.
  AnswerBundle empty;
  empty.device = "d";
  ASSERT_OK_AND_ASSIGN(AnswerBundle none, decode_answer(encode_bundle(empty, kKey), kKey));
  EXPECT_TRUE(none.changesets.empty());
  EXPECT_TRUE(none.complete);
}

TEST(BundleTest, EveryTruncationIsRefusedAsTruncated) {
  std::string bytes = encode_bundle(sample_request(), kKey);
  EXPECT_EQ(decode_request("", kKey).status().key(), "err.bundle.not_bundle");
  for (size_t n = 1; n < bytes.size(); ++n) {
    Result<RequestBundle> r = decode_request(std::string_view(bytes).substr(0, n), kKey);
    ASSERT_FALSE(r.is_ok()) << n;
    EXPECT_EQ(r.status().key(), "err.bundle.truncated") << n;
  }
}

TEST(BundleTest, AnySingleChangedByteIsRefused) {
  for (const std::string& bytes :
       {encode_bundle(sample_request(), kKey), encode_bundle(sample_answer(), kKey)}) {
    bool answer = bytes[4] == 2;
    for (size_t i = 0; i < bytes.size(); ++i) {
      for (uint8_t flip : {0x01, 0x80, 0xFF}) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ flip);
        Status s = answer ? Status(decode_answer(bad, kKey).status())
                          : Status(decode_request(bad, kKey).status());
        ASSERT_FALSE(s.is_ok()) << "byte " << i << " ^ " << int(flip);
        // Past the header, only the proof can notice.
        if (i >= 6 + kDevice.size() + 4) {
          EXPECT_EQ(s.key(), "err.bundle.proof") << i;
        }
      }
    }
  }
}

TEST(BundleTest, AppendedBytesAnotherFormatAndOtherFilesAreRefused) {
  std::string bytes = encode_bundle(sample_request(), kKey);
  EXPECT_EQ(decode_request(bytes + "x", kKey).status().key(), "err.bundle.damaged");
  std::string newer = bytes;
  newer[3] = 2;
  EXPECT_EQ(decode_request(newer, kKey).status().key(), "err.bundle.format");
  EXPECT_EQ(read_bundle_header(wire::encode(test::sample_changeset())).status().key(),
            "err.bundle.not_bundle");
  EXPECT_EQ(read_bundle_header("PK\x03\x04 a zip file").status().key(), "err.bundle.not_bundle");
}

TEST(BundleTest, AnotherKeyIsRefusedAsNoProof) {
  std::string bytes = encode_bundle(sample_request(), kKey);
  std::string other(kKey);
  other[0] = other[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(decode_request(bytes, other).status().key(), "err.bundle.proof");
  EXPECT_EQ(decode_request(bytes, "").status().key(), "err.bundle.proof");
}

TEST(BundleTest, ARequestIsNoAnswerAndAnAnswerNoRequest) {
  Result<AnswerBundle> a = decode_answer(encode_bundle(sample_request(), kKey), kKey);
  EXPECT_EQ(a.status().key(), "err.bundle.not_answer");
  EXPECT_EQ(a.status().code(), Code::kInvalidArgument);
  Result<RequestBundle> r = decode_request(encode_bundle(sample_answer(), kKey), kKey);
  EXPECT_EQ(r.status().key(), "err.bundle.not_request");
}

TEST(BundleTest, TheLimitsHold) {
  RequestBundle b = sample_request();
  std::string bytes = encode_bundle(b, kKey);
  BundleLimits tight;
  tight.max_changesets = 1;
  EXPECT_EQ(decode_request(bytes, kKey, tight).status().key(), "err.bundle.too_big");
  tight = {};
  tight.max_origins = 1;
  EXPECT_EQ(decode_request(bytes, kKey, tight).status().key(), "err.bundle.too_big");
  tight = {};
  tight.max_changeset_bytes = b.changesets[0].size() - 1;
  EXPECT_EQ(decode_request(bytes, kKey, tight).status().key(), "err.bundle.too_big");
  tight = {};
  tight.max_bytes = bytes.size() - 1;
  EXPECT_EQ(decode_request(bytes, kKey, tight).status().code(), Code::kLimitExceeded);
  tight = {};
  tight.max_refusals = 0;
  EXPECT_EQ(decode_answer(encode_bundle(sample_answer(), kKey), kKey, tight).status().key(),
            "err.bundle.too_big");
  // Exactly at the limits is fine.
  tight = {};
  tight.max_changesets = 2;
  tight.max_origins = 2;
  tight.max_changeset_bytes = b.changesets[0].size();
  tight.max_bytes = bytes.size();
  EXPECT_OK(decode_request(bytes, kKey, tight));
  // A header that claims more than the limit is refused before anything is read.
  std::string huge = bytes.substr(0, 6 + kDevice.size()) + std::string("\x7f\xff\xff\xff", 4);
  EXPECT_EQ(read_bundle_header(huge).status().key(), "err.bundle.too_big");
}

TEST(BundleTest, BadHeaderFieldsAreDamaged) {
  std::string bytes = encode_bundle(sample_request(), kKey);
  std::string kind = bytes;
  kind[4] = 7;
  EXPECT_EQ(read_bundle_header(kind).status().key(), "err.bundle.damaged");
  std::string no_device = bytes;
  no_device[5] = 0;
  EXPECT_EQ(read_bundle_header(no_device).status().key(), "err.bundle.damaged");
  std::string control = bytes;
  control[6] = '\n';
  EXPECT_EQ(read_bundle_header(control).status().key(), "err.bundle.damaged");
}

TEST(BundleTest, ASignedBodyOfNonsenseIsRefusedWithoutACrash) {
  // msgpack that is not the layout: wrong arity, wrong types, nesting, a map, trailing bytes.
  const std::vector<std::string> bodies = {
      std::string("\x90", 1),                                  // []
      std::string("\x96\xc0\xc0\xc0\xc0\xc0\xc0", 7),          // six nils
      std::string("\x81\x01\x02", 3),                          // a map
      std::string("\x96\xc4\x10", 3) + std::string(16, 'a'),   // cut after the first field
      std::string("\x91\x91\x91\x91\x91\x91\x90", 7),          // deep nesting
      std::string("\xdd\xff\xff\xff\xff", 5),                  // an array claiming 4 billion
      std::string("\x90\x90", 2),                              // bytes after the body
  };
  for (const std::string& body : bodies) {
    Result<RequestBundle> r = decode_request(hand_made(body), kKey);
    ASSERT_FALSE(r.is_ok());
    EXPECT_TRUE(r.status().key() == "err.bundle.damaged" || r.status().key() == "err.bundle.too_big")
        << r.status().key();
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string body(rng() % 200, '\0');
    for (char& c : body) c = static_cast<char>(rng());
    Result<AnswerBundle> r = decode_answer(hand_made(body, 2), kKey);
    if (r.is_ok()) continue;  // nonsense that happens to fit the layout is fine
    EXPECT_TRUE(r.status().code() == Code::kCorruption || r.status().code() == Code::kLimitExceeded);
  }
}

}  // namespace
}  // namespace liaison::sync
