// Sync bundles: a sync carried by file, for stations with no link (docs/protocol.md, "Bundles").
// A request bundle holds what a device's server has not acknowledged and the device's version
// vector; the answer bundle holds what the server made of it and what the device has not seen.
// This is the byte format only, with no I/O; shared/service/bundle_device.h and bundle_hub.h
// put it to work.
//
//   bundle := "LSB" format:u8 kind:u8 device_len:u8 device body_len:u32be body mac
//     format = 1; kind = 1 request, 2 answer; device = the device id (1 to 64 bytes of text)
//     body   = msgpack array (docs/protocol.md), body_len bytes
//     mac    = HMAC-SHA256 over every byte before it, keyed with the device token's stored hash
//
// The mac is both the checksum and the proof of the device: a reader checks it before it looks
// at the body, so nothing of a bundle changed after it was made (by hand, by a bad copy, or by
// anyone without the device's key) is ever parsed. The header before the body is what a reader
// needs to find the key. decode_*() treat their input as untrusted and never crash: they check
// every length against the input and the limits, and catch msgpack-c's exceptions.
//
// Thread-safe: no state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shared/util/status.h"
#include "shared/util/uuid.h"
#include "shared/wire/messages.h"

namespace liaison::sync {

constexpr uint8_t kBundleFormat = 1;

enum class BundleKind : uint8_t { kRequest = 1, kAnswer = 2 };

struct BundleLimits {
  size_t max_bytes = size_t{256} << 20;         // a whole bundle
  size_t max_changesets = 65'536;
  size_t max_changeset_bytes = size_t{4} << 20; // one changeset, as in PUSH and CHANGES
  size_t max_origins = 100'000;                 // in one version vector
  size_t max_refusals = 1'000'000;
  size_t max_blobs = 65'536;                    // attachment contents, and hashes listed
};

// Attachment content carried in a bundle: the chunks of content sha256 (size bytes in all)
// from offset on, each wire::kBlobChunkSize bytes but the last (docs/protocol.md, "Attachment
// content").
struct BundleBlob {
  std::string sha256;
  uint64_t size = 0;
  uint64_t offset = 0;
  std::vector<std::string> chunks;
};

// What the server made of content a request carried: wire::BlobState have, refused or
// mismatch.
struct BundleBlobState {
  std::string sha256;
  wire::BlobState state = wire::BlobState::kHave;
};

// Device → server: what the server has not acknowledged, planned from server_known.
struct RequestBundle {
  std::string device;
  Uuid replica;            // the device's replica
  std::string created_at;  // ISO 8601, for people
  uint32_t schema = 0;
  wire::VectorEntries vv;            // the device's version vector
  wire::VectorEntries server_known;  // what it believes the server has (_server_known)
  std::vector<std::string> changesets;  // wire::encode() each, in order
  std::vector<BundleBlob> blobs;        // content the server may lack, whole
  std::vector<wire::BlobEntry> missing;  // content the device lacks: sha256 and bytes held
};

// Server → device.
struct AnswerBundle {
  std::string device;
  Uuid replica;         // the device's replica, which the request named
  Uuid server_replica;
  std::string created_at;
  uint32_t schema = 0;
  wire::VectorEntries known;  // the server's entries for the device's origins after the import
  std::vector<wire::Refusal> refused;  // as in ACK
  std::vector<std::string> changesets;  // what the device has not seen, in its scope only
  uint64_t pushed = 0;    // changes of the request the server applied (DONE's pushed)
  bool complete = true;   // false: the answer was full; another round brings the rest
  std::vector<BundleBlobState> blob_states;  // per content of the request
  std::vector<BundleBlob> blobs;  // content the device lacks, from the offset it holds
};

// What a reader learns before the proof is checked: enough to find the key.
struct BundleHeader {
  BundleKind kind = BundleKind::kRequest;
  std::string device;
};

// The bundle's bytes, signed with key. REQUIRES: the device id is 1 to 64 bytes.
std::string encode_bundle(const RequestBundle& bundle, std::string_view key);
std::string encode_bundle(const AnswerBundle& bundle, std::string_view key);

// The header, not yet authenticated. Errors (Status keys): err.bundle.not_bundle (Corruption:
// no magic), err.bundle.truncated (Corruption: shorter than its header says),
// err.bundle.format (Corruption: another format), err.bundle.damaged (Corruption: a header
// field out of range, bytes after the end), err.bundle.too_big (LimitExceeded).
Result<BundleHeader> read_bundle_header(std::string_view bytes, const BundleLimits& limits = {});

// Reads the header, verifies the mac with key, then decodes the body. Errors: those of
// read_bundle_header, err.bundle.proof (Corruption: the mac does not match: changed after it
// was made, or not made with this key), err.bundle.not_request / err.bundle.not_answer
// (InvalidArgument: the other kind), err.bundle.damaged, err.bundle.too_big.
Result<RequestBundle> decode_request(std::string_view bytes, std::string_view key,
                                     const BundleLimits& limits = {});
Result<AnswerBundle> decode_answer(std::string_view bytes, std::string_view key,
                                   const BundleLimits& limits = {});

}  // namespace liaison::sync
