// Fuzz target: the protocol message decoder (shared/wire/messages_decode.cpp) on arbitrary
// frames. decode_message() dispatches on the type inside the frame, so one target reaches the
// decoder of every message type; the seeds hold one valid frame of each of the 15 types.
//
// Invariants: decode_message() returns a message or Corruption/LimitExceeded and never throws;
// what it accepts keeps the documented limits (docs/protocol.md, "Limits") and the SHA-256 form;
// it re-encodes, and the re-encoding decodes to the same bytes again; with tighter limits it
// accepts nothing the default limits refuse.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "shared/wire/messages.h"
#include "tests/fuzz/fuzz_check.h"

namespace liaison::fuzz {
namespace {

void check_sha(const std::string& sha) { check(wire::is_sha256_hex(sha), "accepted a bad sha256"); }

void check_limits(const wire::Message& m, const wire::MessageLimits& lim) {
  if (const auto* h = std::get_if<wire::Hello>(&m)) {
    check(h->token.size() <= lim.max_token, "token over the limit");
    check(h->vv.size() <= lim.max_origins, "vector over the limit");
  } else if (const auto* w = std::get_if<wire::Welcome>(&m)) {
    check(w->known.size() <= lim.max_origins, "known over the limit");
  } else if (const auto* a = std::get_if<wire::Ack>(&m)) {
    check(a->refused.size() <= lim.max_refusals, "refusals over the limit");
  } else if (const auto* o = std::get_if<wire::BlobOffer>(&m)) {
    check(!o->hashes.empty() && o->hashes.size() <= lim.max_blob_entries, "offer size");
    for (const std::string& sha : o->hashes) check_sha(sha);
  } else if (const auto* s = std::get_if<wire::BlobStates>(&m)) {
    check(!s->entries.empty() && s->entries.size() <= lim.max_blob_entries, "state size");
    for (const wire::BlobEntry& e : s->entries) {
      check_sha(e.sha256);
      check(static_cast<uint8_t>(e.state) <= wire::kMaxBlobState, "unknown blob state");
      check(e.offset <= lim.max_blob_size, "state offset over the limit");
    }
  } else if (const auto* c = std::get_if<wire::BlobChunk>(&m)) {
    check_sha(c->sha256);
    check(c->size <= lim.max_blob_size, "chunk size over the limit");
    check(c->data.size() <= lim.max_chunk, "chunk data over the limit");
    check(c->offset <= c->size && c->data.size() <= c->size - c->offset, "chunk past the end");
  } else if (const auto* f = std::get_if<wire::BlobFetch>(&m)) {
    check_sha(f->sha256);
    check(f->offset <= lim.max_blob_size, "fetch offset over the limit");
  }
}

bool is_error_code(const Status& s) {
  return s.code() == Code::kCorruption || s.code() == Code::kLimitExceeded;
}

wire::MessageLimits tight_limits() {
  wire::MessageLimits lim;
  lim.max_origins = 2;
  lim.max_refusals = 2;
  lim.max_token = 8;
  lim.max_text = 8;
  lim.max_blob_entries = 2;
  lim.max_chunk = 16;
  lim.max_blob_size = 1024;
  return lim;
}

void one(std::string_view frame) {
  const wire::MessageLimits defaults;
  const wire::MessageLimits tight = tight_limits();
  Result<wire::Message> m = wire::decode_message(frame, defaults);
  Result<wire::Message> small = wire::decode_message(frame, tight);
  if (small) check_limits(small.value(), tight);
  else check(is_error_code(small.status()), "unexpected code under tight limits");
  if (!m) {
    check(is_error_code(m.status()), fmt::format("unexpected code: {}", m.status().detail()));
    check(!small.is_ok(), "tight limits accept what the default limits refuse");
    return;
  }
  check_limits(m.value(), defaults);
  std::string again = wire::encode_message(m.value());
  Result<wire::Message> back = wire::decode_message(again, defaults);
  check(back.is_ok(), fmt::format("re-encoded {} refused: {}", wire::message_name(m.value()),
                                  back.is_ok() ? "" : back.status().detail()));
  check(back.value().index() == m.value().index(), "re-encoding changed the type");
  check(wire::encode_message(back.value()) == again, "re-encoding is not stable");
  if (small) check(wire::encode_message(small.value()) == again, "tight limits decode differently");
}

}  // namespace
}  // namespace liaison::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    liaison::fuzz::one(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const std::exception& e) {
    liaison::fuzz::fail(fmt::format("exception escaped: {}", e.what()));
  }
  return 0;
}
