// The attachment-content messages of protocol version 2: every one round-trips, and truncated,
// garbled or out-of-limit frames are refused with Corruption or LimitExceeded, never a crash.
#include <gtest/gtest.h>

#include <msgpack.hpp>

#include "shared/wire/messages.h"
#include "tests/common/status_testing.h"
#include "tests/common/wire_testing.h"

namespace liaison::wire {
namespace {

const std::string kSha(64, 'a');
const std::string kOtherSha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::vector<Message> samples() {
  return {BlobOffer{{kSha, kOtherSha}},
          BlobStates{{{kSha, BlobState::kWant, kBlobChunkSize}, {kOtherSha, BlobState::kHave, 9}}},
          BlobChunk{kSha, kBlobChunkSize + 3, kBlobChunkSize, "abc"},
          PullEnd{},
          BlobFetch{kSha, 2 * kBlobChunkSize},
          End{}};
}

TEST(BlobMessagesTest, EveryMessageRoundTrips) {
  for (const Message& m : samples()) {
    std::string bytes = encode_message(m);
    ASSERT_OK_AND_ASSIGN(Message back, decode_message(bytes));
    EXPECT_EQ(back.index(), m.index()) << message_name(m);
    EXPECT_EQ(encode_message(back), bytes) << message_name(m);
  }
  ASSERT_OK_AND_ASSIGN(Message m, decode_message(encode_message(samples()[1])));
  const auto& states = std::get<BlobStates>(m);
  ASSERT_EQ(states.entries.size(), 2u);
  EXPECT_EQ(states.entries[0].state, BlobState::kWant);
  EXPECT_EQ(states.entries[0].offset, kBlobChunkSize);
  EXPECT_EQ(std::string(message_name(m)), "BLOB_STATE");
}

TEST(BlobMessagesTest, TheProtocolVersionIsThree) { EXPECT_EQ(kProtocolVersion, 3u); }

TEST(BlobMessagesTest, EveryTruncationIsRefused) { test::expect_every_truncation_refused(samples()); }

TEST(BlobMessagesTest, FlippedBytesNeverCrash) { test::expect_flipped_bytes_handled(samples()); }

TEST(BlobMessagesTest, MalformedHashesStatesAndChunksAreRefused) {
  std::string upper(64, 'A');
  std::vector<Message> bad = {
      BlobOffer{},                                           // no hash
      BlobOffer{{upper}},                                    // not lowercase
      BlobOffer{{kSha.substr(1)}},                           // 63 digits
      BlobOffer{{std::string(64, 'g')}},                     // not hex
      BlobStates{},                                          // no entry
      BlobFetch{"x", 0},
      BlobFetch{kSha, kMaxBlobSize + 1},                     // past any content
      BlobChunk{kSha, 10, 8, "abc"},                         // past the end of the content
      BlobChunk{kSha, 10, 11, ""},                           // offset past the end
      BlobChunk{kSha, kMaxBlobSize + 1, 0, "a"},             // content over the limit
      BlobChunk{kSha, 2 * kBlobChunkSize, 0, std::string(kBlobChunkSize + 1, 'x')},  // big chunk
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    auto r = decode_message(encode_message(bad[i]));
    EXPECT_FALSE(r.is_ok()) << "case " << i << " " << message_name(bad[i]);
  }
  BlobStates unknown{{{kSha, BlobState::kWant, 0}}};
  std::string bytes = encode_message(unknown);
  // The state is the byte after the hash: 1 (want) becomes 9, which names no state.
  size_t at = bytes.find(kSha) + kSha.size();
  ASSERT_EQ(bytes[at], 1);
  bytes[at] = 9;
  EXPECT_EQ(decode_message(bytes).status().code(), Code::kCorruption);
}

TEST(BlobMessagesTest, CountsAreLimited) {
  BlobOffer many;
  for (size_t i = 0; i <= kMaxBlobEntries; ++i) many.hashes.push_back(kSha);
  EXPECT_FALSE(decode_message(encode_message(many)).is_ok());
  many.hashes.pop_back();
  EXPECT_TRUE(decode_message(encode_message(many)).is_ok());
  BlobStates states;
  for (size_t i = 0; i <= kMaxBlobEntries; ++i) states.entries.push_back({kSha, BlobState::kHave, 0});
  EXPECT_FALSE(decode_message(encode_message(states)).is_ok());
  // A whole chunk is the largest accepted.
  BlobChunk full{kSha, kBlobChunkSize, 0, std::string(kBlobChunkSize, 'x')};
  EXPECT_TRUE(decode_message(encode_message(full)).is_ok());
  // Entries that are not 3-element arrays.
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(&buf);
  pk.pack_array(2);
  pk.pack_uint8(11);
  pk.pack_array(1);
  pk.pack_array(2);
  pk.pack(kSha);
  pk.pack_uint8(0);
  EXPECT_EQ(decode_message(std::string(buf.data(), buf.size())).status().code(),
            Code::kCorruption);
}

}  // namespace
}  // namespace liaison::wire
