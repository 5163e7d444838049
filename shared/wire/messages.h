// The sync protocol's messages (docs/protocol.md): one msgpack array per WebSocket frame, the
// first element naming the type. encode_message() and decode_message() are the only codec;
// decode_message() treats its input as untrusted (types, counts and sizes checked, msgpack-c's
// exceptions caught) and returns Corruption or LimitExceeded, never crashes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "shared/util/status.h"
#include "shared/util/uuid.h"

namespace liaison::wire {

// Version history:
//   1 — first version.
//   2 — attachment content (BLOB_OFFER, BLOB_STATE, BLOB_CHUNK, PULL_END, BLOB_FETCH, END).
//   3 — windows of batches in flight both ways; origins bound to devices (hidden origins are
//       neither read nor announced; a push carries only the origins its device may carry);
//       attachment chunks of 32 KiB (256 KiB before), several in flight.
constexpr uint32_t kProtocolVersion = 3;

// Attachment content moves in chunks of exactly this size, except the last of a content. Both
// sides must agree on it: a receiver refuses a chunk of any other length (bad_message). A
// receiver keeps a chunk only once all of it has arrived, so a chunk must cross the slowest
// link well inside the life of a connection: 32 KiB take 5 s at 50 kbit/s, where a link cut
// every 30 s still moves several chunks per connection (docs/benchmarks.md, bad link).
constexpr size_t kBlobChunkSize = size_t{32} << 10;
// The largest attachment content the protocol carries.
constexpr uint64_t kMaxBlobSize = uint64_t{64} << 20;
// Hashes in one BLOB_OFFER, entries in one BLOB_STATE.
constexpr size_t kMaxBlobEntries = 256;

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

// Content the device holds whole and offers to the server; sha256 is 64 lowercase hex digits.
struct BlobOffer {
  std::vector<std::string> hashes;
};

// What a side holds of one content (docs/protocol.md, "Attachment content").
enum class BlobState : uint8_t {
  kHave = 0,         // whole and verified; offset = size
  kWant = 1,         // send from offset
  kRefused = 2,      // no attachment row the device may see refers to it
  kUnavailable = 3,  // cannot be served to this device
  kMismatch = 4,     // did not match its hash once whole; discarded
};
constexpr uint8_t kMaxBlobState = 4;

struct BlobEntry {
  std::string sha256;
  BlobState state = BlobState::kWant;
  uint64_t offset = 0;
};

struct BlobStates {
  std::vector<BlobEntry> entries;
};

// One chunk of a content: data goes at offset of a content of size bytes.
struct BlobChunk {
  std::string sha256;
  uint64_t size = 0;
  uint64_t offset = 0;
  std::string data;
};

struct PullEnd {};

struct BlobFetch {
  std::string sha256;
  uint64_t offset = 0;
};

struct End {};

// The alternative at index i is message type i + 1.
using Message = std::variant<Hello, Welcome, Push, Ack, Pull, Changes, Pulled, Done, Error,
                             BlobOffer, BlobStates, BlobChunk, PullEnd, BlobFetch, End>;

struct MessageLimits {
  size_t max_frame = size_t{8} << 20;
  size_t max_origins = 100'000;
  size_t max_refusals = 100'000;
  size_t max_token = 256;
  size_t max_text = 4096;  // names, codes, messages
  size_t max_blob_entries = kMaxBlobEntries;
  size_t max_chunk = kBlobChunkSize;
  uint64_t max_blob_size = kMaxBlobSize;
};

// True for 64 lowercase hexadecimal digits: how a SHA-256 is named on the wire and in replicas.
bool is_sha256_hex(std::string_view text);

// The message's type name ("HELLO", ...), for logs and errors.
const char* message_name(const Message& m);

std::string encode_message(const Message& m);
Result<Message> decode_message(std::string_view frame, const MessageLimits& limits = {});

}  // namespace liaison::wire
