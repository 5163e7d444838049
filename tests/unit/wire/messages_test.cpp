// The protocol message codec: every message round-trips, and malformed frames of every kind are
// refused with Corruption or LimitExceeded, never a crash.
#include "shared/wire/messages.h"

#include <gtest/gtest.h>

#include <msgpack.hpp>

#include "tests/common/status_testing.h"
#include "tests/common/wire_testing.h"

namespace liaison::wire {
namespace {

Uuid uuid_of(uint8_t b) {
  Uuid u;
  u.bytes.fill(b);
  return u;
}

std::vector<Message> samples() {
  Hello hello;
  hello.schema = 2;
  hello.token = "lt1.device.secret";
  hello.replica = uuid_of(1);
  hello.clock_ms = 1'790'000'000'000;
  hello.vv = {{uuid_of(1), 12}, {uuid_of(2), 7}};
  Welcome welcome;
  welcome.schema = 2;
  welcome.server_replica = uuid_of(9);
  welcome.clock_ms = -5;
  welcome.device = "dev";
  welcome.role = "station";
  welcome.station = "S-ZC-XY";
  welcome.spokesperson = "";
  welcome.known = {{uuid_of(1), 3}};
  Ack ack{4, 10, 2, {{uuid_of(3), 5, "opinion", "row-1", "other_station"}}};
  return {hello,      welcome,          Push{1, std::string("LCS\x01payload", 11)}, ack,
          Pull{},     Changes{2, "cs", true}, Pulled{2}, Done{3, 4, 1},
          Error{"auth_failed", "unknown token", "fatal"}};
}

TEST(MessagesTest, EveryMessageRoundTrips) {
  for (const Message& m : samples()) {
    std::string bytes = encode_message(m);
    ASSERT_OK_AND_ASSIGN(Message back, decode_message(bytes));
    EXPECT_EQ(back.index(), m.index()) << message_name(m);
    EXPECT_EQ(encode_message(back), bytes) << message_name(m);
  }
}

TEST(MessagesTest, EveryTruncationIsRefused) { test::expect_every_truncation_refused(samples()); }

TEST(MessagesTest, FlippedBytesNeverCrash) { test::expect_flipped_bytes_handled(samples()); }

std::string pack(const std::function<void(msgpack::packer<msgpack::sbuffer>&)>& fn) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(&buf);
  fn(pk);
  return {buf.data(), buf.size()};
}

TEST(MessagesTest, MalformedFramesAreRefused) {
  using P = msgpack::packer<msgpack::sbuffer>;
  std::vector<std::string> bad = {
      pack([](P& pk) { pk.pack_map(0); }),                                  // not an array
      pack([](P& pk) { pk.pack_array(0); }),                                // no type
      pack([](P& pk) { pk.pack_array(1); pk.pack_uint8(42); }),             // unknown type
      pack([](P& pk) { pk.pack_array(2); pk.pack_uint8(5); pk.pack_nil(); }),  // extra field
      pack([](P& pk) { pk.pack_array(2); pk.pack_uint8(7); pk.pack(std::string("x")); }),
      pack([](P& pk) { pk.pack_array(2); pk.pack_uint8(7); pk.pack_int64(-1); }),
      pack([](P& pk) {  // a vector with an odd number of elements
        pk.pack_array(7); pk.pack_uint8(1); pk.pack_uint32(1); pk.pack_uint32(1);
        pk.pack(std::string("t")); pk.pack_bin(16); pk.pack_bin_body("0123456789abcdef", 16);
        pk.pack_int64(0); pk.pack_array(1); pk.pack_uint8(1);
      }),
      pack([](P& pk) {  // a replica id of the wrong length
        pk.pack_array(7); pk.pack_uint8(1); pk.pack_uint32(1); pk.pack_uint32(1);
        pk.pack(std::string("t")); pk.pack_bin(3); pk.pack_bin_body("abc", 3);
        pk.pack_int64(0); pk.pack_array(0);
      }),
  };
  for (size_t i = 0; i < bad.size(); ++i)
    EXPECT_EQ(decode_message(bad[i]).status().code(), Code::kCorruption) << "case " << i;
  // Trailing bytes after a valid message.
  std::string extra = encode_message(Pull{}) + "x";
  EXPECT_EQ(decode_message(extra).status().code(), Code::kCorruption);
}

TEST(MessagesTest, LimitsAreEnforced) {
  Hello hello;
  hello.token = std::string(300, 't');
  EXPECT_FALSE(decode_message(encode_message(hello)).is_ok());
  MessageLimits small;
  small.max_frame = 16;
  EXPECT_EQ(decode_message(encode_message(Push{1, std::string(64, 'x')}), small).status().code(),
            Code::kLimitExceeded);
  Hello many;
  for (uint8_t i = 0; i < 20; ++i) many.vv.emplace_back(uuid_of(i), i);
  MessageLimits few;
  few.max_origins = 10;
  EXPECT_FALSE(decode_message(encode_message(many), few).is_ok());
  // An array header claiming 2^31 elements with nothing behind it.
  std::string huge = pack([](msgpack::packer<msgpack::sbuffer>& pk) { pk.pack_array(0x7fffffff); });
  EXPECT_FALSE(decode_message(huge).is_ok());
}

}  // namespace
}  // namespace liaison::wire
