// The sync protocol's messages (docs/protocol.md): one msgpack array per WebSocket frame, the
// first element naming the type. encode_message() and decode_message() are the only codec;
// decode_message() treats its input as untrusted (types, counts and sizes checked, msgpack-c's
// exceptions caught) and returns Corruption or LimitExceeded, never crashes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "shared/util/status.h"
#include "shared/util/uuid.h"

namespace liaison::wire {

// Version history: 1 — first version.
constexpr uint32_t kProtocolVersion = 1;

using VectorEntries = std::vector<std::pair<Uuid, uint64_t>>;

struct Hello {
  uint32_t protocol = kProtocolVersion;
  uint32_t schema = 0;
  std::string token;
  Uuid replica;
  int64_t clock_ms = 0;
  VectorEntries vv;
};

struct Welcome {
  uint32_t protocol = kProtocolVersion;
  uint32_t schema = 0;
  Uuid server_replica;
  int64_t clock_ms = 0;
  std::string device, role, station, spokesperson;
  VectorEntries known;
};

struct Push {
  uint64_t batch = 0;
  std::string changeset;
};

struct Refusal {
  Uuid origin;
  uint64_t seq = 0;
  std::string table, row, reason;
};

struct Ack {
  uint64_t batch = 0;
  uint64_t applied = 0;
  uint64_t duplicates = 0;
  std::vector<Refusal> refused;
};

struct Pull {};

struct Changes {
  uint64_t batch = 0;
  std::string changeset;
  bool more = false;
};

struct Pulled {
  uint64_t batch = 0;
};

struct Done {
  uint64_t pushed = 0;
  uint64_t pulled = 0;
  uint64_t refused = 0;
};

struct Error {
  std::string code;     // docs/protocol.md "Error codes"
  std::string message;  // English, for logs
  std::string action;   // fatal | retry
};

using Message = std::variant<Hello, Welcome, Push, Ack, Pull, Changes, Pulled, Done, Error>;

struct MessageLimits {
  size_t max_frame = size_t{8} << 20;
  size_t max_origins = 100'000;
  size_t max_refusals = 100'000;
  size_t max_token = 256;
  size_t max_text = 4096;  // names, codes, messages
};

// The message's type name ("HELLO", ...), for logs and errors.
const char* message_name(const Message& m);

std::string encode_message(const Message& m);
Result<Message> decode_message(std::string_view frame, const MessageLimits& limits = {});

}  // namespace liaison::wire
