// The bundle codec (format in bundle.h and docs/protocol.md, "Bundles").
//
// request body := [replica:bin16, created_at:str, schema:uint, vv, server_known,
//                  changesets:[bin, ...]]
// answer body  := [replica:bin16, server_replica:bin16, created_at:str, schema:uint, known,
//                  refused:[[origin:bin16, seq:uint, table:str, row:str, reason:str], ...],
//                  changesets:[bin, ...], pushed:uint, complete:bool]
// vv := [bin16, uint, bin16, uint, ...] as in the protocol's messages.
#include "shared/sync/bundle.h"

#include <algorithm>
#include <array>
#include <cassert>

#include <msgpack.hpp>
#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include <fmt/format.h>

namespace liaison::sync {

namespace {

constexpr std::string_view kMagic = "LSB";
constexpr size_t kMacBytes = 32;
constexpr size_t kMaxDevice = 64;
constexpr size_t kMaxText = 4096;
// magic, format, kind, device length; then the device, then the body length.
constexpr size_t kFixedHead = 6;
constexpr size_t kLengthBytes = 4;

using Packer = msgpack::packer<msgpack::sbuffer>;
using Obj = msgpack::object;

Status bundle_error(Code code, const char* key, std::string detail = {}) {
  return Status(code, key, std::move(detail));
}
Status damaged(std::string detail) {
  return bundle_error(Code::kCorruption, "err.bundle.damaged", std::move(detail));
}
Status truncated(size_t have, size_t want) {
  return bundle_error(Code::kCorruption, "err.bundle.truncated",
                      fmt::format("{} of {} bytes", have, want));
}

std::array<unsigned char, kMacBytes> mac_of(std::string_view signed_part, std::string_view key) {
  std::array<unsigned char, kMacBytes> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), out.data(),
       &len);
  return out;
}

void put_str(Packer& pk, std::string_view s) {
  pk.pack_str(static_cast<uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
}
void put_bin(Packer& pk, std::string_view s) {
  pk.pack_bin(static_cast<uint32_t>(s.size()));
  pk.pack_bin_body(s.data(), static_cast<uint32_t>(s.size()));
}
void put_vv(Packer& pk, const wire::VectorEntries& vv) {
  pk.pack_array(static_cast<uint32_t>(vv.size() * 2));
  for (const auto& [origin, seq] : vv) {
    put_bin(pk, origin.raw());
    pk.pack_uint64(seq);
  }
}
void put_bins(Packer& pk, const std::vector<std::string>& items) {
  pk.pack_array(static_cast<uint32_t>(items.size()));
  for (const std::string& b : items) put_bin(pk, b);
}

void put_blobs(Packer& pk, const std::vector<BundleBlob>& blobs) {
  pk.pack_array(static_cast<uint32_t>(blobs.size()));
  for (const BundleBlob& b : blobs) {
    pk.pack_array(4);
    put_str(pk, b.sha256);
    pk.pack_uint64(b.size);
    pk.pack_uint64(b.offset);
    put_bins(pk, b.chunks);
  }
}

// [sha256, uint] pairs: BLOB_STATE-like entries.
void put_states(Packer& pk, const std::vector<std::pair<std::string, uint64_t>>& entries) {
  pk.pack_array(static_cast<uint32_t>(entries.size()));
  for (const auto& [sha, n] : entries) {
    pk.pack_array(2);
    put_str(pk, sha);
    pk.pack_uint64(n);
  }
}

// Header, body and mac around a packed body.
std::string seal(BundleKind kind, const std::string& device, const msgpack::sbuffer& body,
                 std::string_view key) {
  assert(!device.empty() && device.size() <= kMaxDevice);
  std::string out(kMagic);
  out += static_cast<char>(kBundleFormat);
  out += static_cast<char>(kind);
  out += static_cast<char>(device.size());
  out += device;
  uint32_t n = static_cast<uint32_t>(body.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
  out.append(body.data(), body.size());
  std::array<unsigned char, kMacBytes> mac = mac_of(out, key);
  out.append(reinterpret_cast<const char*>(mac.data()), mac.size());
  return out;
}

// Reads the elements of one msgpack array in order; the first failure sticks.
class Fields {
 public:
  Fields(const Obj& array, const BundleLimits& limits)
      : items_(array.via.array.ptr), n_(array.via.array.size), limits_(limits) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void reject(const char* what) { fail(what, "out of range"); }
  bool over_limit() const { return over_limit_; }

  uint64_t uint(const char* what) {
    const Obj* o = next(what);
    if (o && o->type != msgpack::type::POSITIVE_INTEGER) fail(what, "not an unsigned integer");
    return ok() ? o->via.u64 : 0;
  }
  bool boolean(const char* what) {
    const Obj* o = next(what);
    if (o && o->type != msgpack::type::BOOLEAN) fail(what, "not a boolean");
    return ok() && o->via.boolean;
  }
  std::string str(const char* what, size_t max) {
    const Obj* o = next(what);
    if (o && o->type != msgpack::type::STR) fail(what, "not a string");
    if (ok() && o->via.str.size > max) fail(what, "too long");
    return ok() ? std::string(o->via.str.ptr, o->via.str.size) : std::string();
  }
  Uuid uuid(const char* what) {
    const Obj* o = next(what);
    if (o && (o->type != msgpack::type::BIN || o->via.bin.size != 16)) fail(what, "not a 16-byte id");
    return ok() ? Uuid::from_bytes({o->via.bin.ptr, 16}) : Uuid{};
  }
  wire::VectorEntries vv(const char* what) {
    wire::VectorEntries out;
    const Obj* o = array(what, limits_.max_origins * 2);
    if (o == nullptr) return out;
    if (o->via.array.size % 2 != 0) return fail(what, "not a vector"), out;
    Fields inner(*o, limits_);
    for (uint32_t i = 0; i < o->via.array.size / 2 && inner.ok(); ++i) {
      Uuid origin = inner.uuid(what);
      uint64_t seq = inner.uint(what);
      out.emplace_back(origin, seq);
    }
    absorb(inner, what);
    return out;
  }
  std::vector<std::string> changesets() {
    std::vector<std::string> out;
    const Obj* o = array("changesets", limits_.max_changesets);
    if (o == nullptr) return out;
    for (uint32_t i = 0; i < o->via.array.size && ok(); ++i) {
      const Obj& b = o->via.array.ptr[i];
      if (b.type != msgpack::type::BIN) fail("changeset", "not bytes");
      else if (b.via.bin.size > limits_.max_changeset_bytes) limit("changeset", "too large");
      else out.emplace_back(b.via.bin.ptr, b.via.bin.size);
    }
    return out;
  }
  std::vector<BundleBlob> blobs(const char* what) {
    std::vector<BundleBlob> out;
    const Obj* o = array(what, limits_.max_blobs);
    if (o == nullptr) return out;
    for (uint32_t i = 0; i < o->via.array.size && ok(); ++i) {
      const Obj& r = o->via.array.ptr[i];
      if (r.type != msgpack::type::ARRAY || r.via.array.size != 4) {
        fail(what, "not 4 fields");
        break;
      }
      Fields inner(r, limits_);
      BundleBlob b;
      b.sha256 = inner.str("sha256", 64);
      b.size = inner.uint("blob size");
      b.offset = inner.uint("blob offset");
      const Obj* chunks = inner.array("chunks", wire::kMaxBlobSize / wire::kBlobChunkSize + 1);
      for (uint32_t k = 0; chunks && k < chunks->via.array.size && inner.ok(); ++k) {
        const Obj& c = chunks->via.array.ptr[k];
        if (c.type != msgpack::type::BIN || c.via.bin.size > wire::kBlobChunkSize)
          inner.fail("chunk", "not a chunk");
        else b.chunks.emplace_back(c.via.bin.ptr, c.via.bin.size);
      }
      absorb(inner, what);
      out.push_back(std::move(b));
    }
    return out;
  }
  std::vector<std::pair<std::string, uint64_t>> states(const char* what) {
    std::vector<std::pair<std::string, uint64_t>> out;
    const Obj* o = array(what, limits_.max_blobs);
    if (o == nullptr) return out;
    for (uint32_t i = 0; i < o->via.array.size && ok(); ++i) {
      const Obj& r = o->via.array.ptr[i];
      if (r.type != msgpack::type::ARRAY || r.via.array.size != 2) {
        fail(what, "not 2 fields");
        break;
      }
      Fields inner(r, limits_);
      std::string sha = inner.str("sha256", 64);
      uint64_t n = inner.uint(what);
      absorb(inner, what);
      out.emplace_back(std::move(sha), n);
    }
    return out;
  }
  std::vector<wire::Refusal> refusals() {
    std::vector<wire::Refusal> out;
    const Obj* o = array("refused", limits_.max_refusals);
    if (o == nullptr) return out;
    for (uint32_t i = 0; i < o->via.array.size && ok(); ++i) {
      const Obj& r = o->via.array.ptr[i];
      if (r.type != msgpack::type::ARRAY || r.via.array.size != 5) {
        fail("refusal", "not 5 fields");
        break;
      }
      Fields inner(r, limits_);
      wire::Refusal ref;
      ref.origin = inner.uuid("refusal origin");
      ref.seq = inner.uint("refusal seq");
      ref.table = inner.str("refusal table", 64);
      ref.row = inner.str("refusal row", 128);
      ref.reason = inner.str("refusal reason", kMaxText);
      absorb(inner, "refusal");
      out.push_back(std::move(ref));
    }
    return out;
  }

 private:
  const Obj* next(const char* what) {
    if (!ok()) return nullptr;
    if (pos_ >= n_) return fail(what, "missing"), nullptr;
    return &items_[pos_++];
  }
  const Obj* array(const char* what, size_t max) {
    const Obj* o = next(what);
    if (o && o->type != msgpack::type::ARRAY) fail(what, "not an array");
    else if (o && o->via.array.size > max) limit(what, "too many elements");
    return ok() ? o : nullptr;
  }
  void fail(const char* what, std::string_view why) {
    if (ok()) error_ = fmt::format("{}: {}", what, why);
  }
  void limit(const char* what, std::string_view why) {
    if (ok()) over_limit_ = true;
    fail(what, why);
  }
  void absorb(const Fields& inner, const char* what) {
    if (inner.ok()) return;
    if (inner.over_limit()) limit(what, inner.error());
    else fail(what, inner.error());
  }

  const Obj* items_;
  size_t n_;
  size_t pos_ = 0;
  const BundleLimits& limits_;
  std::string error_;
  bool over_limit_ = false;
};

// Strings and bytes point into the bundle, which outlives the object tree.
bool reference_input(msgpack::type::object_type, std::size_t, void*) { return true; }

// Verifies the mac, checks the kind, and hands the body's root array to read.
template <typename Bundle, typename ReadFn>
Result<Bundle> open_bundle(std::string_view bytes, std::string_view key, BundleKind want,
                           const BundleLimits& limits, size_t arity, ReadFn read) {
  LIAISON_ASSIGN_OR_RETURN(BundleHeader head, read_bundle_header(bytes, limits));
  std::string_view signed_part = bytes.substr(0, bytes.size() - kMacBytes);
  std::array<unsigned char, kMacBytes> mac = mac_of(signed_part, key);
  if (CRYPTO_memcmp(mac.data(), bytes.data() + signed_part.size(), kMacBytes) != 0)
    return bundle_error(Code::kCorruption, "err.bundle.proof");
  if (head.kind != want)
    return bundle_error(Code::kInvalidArgument, want == BundleKind::kRequest
                                                    ? "err.bundle.not_request"
                                                    : "err.bundle.not_answer");
  size_t start = kFixedHead + head.device.size() + kLengthBytes;
  std::string_view body = signed_part.substr(start);
  size_t max_items = std::min(body.size(), std::max({limits.max_origins * 2, limits.max_refusals,
                                                     limits.max_changesets, size_t{16}}));
  msgpack::unpack_limit lim(max_items, 0, kMaxText, limits.max_changeset_bytes, 0, 4);
  try {
    size_t off = 0;
    msgpack::object_handle oh =
        msgpack::unpack(body.data(), body.size(), off, reference_input, nullptr, lim);
    if (off != body.size()) return damaged("bytes after the body");
    const Obj& root = oh.get();
    if (root.type != msgpack::type::ARRAY || root.via.array.size != arity)
      return damaged(fmt::format("the body is not an array of {}", arity));
    Fields f(root, limits);
    Bundle b = read(f);
    b.device = head.device;
    if (f.over_limit()) return bundle_error(Code::kLimitExceeded, "err.bundle.too_big", f.error());
    if (!f.ok()) return damaged(f.error());
    return b;
  } catch (const msgpack::size_overflow& e) {
    return bundle_error(Code::kLimitExceeded, "err.bundle.too_big", e.what());
  } catch (const std::bad_alloc&) {
    return bundle_error(Code::kLimitExceeded, "err.bundle.too_big", "out of memory");
  } catch (const std::exception& e) {
    return damaged(e.what());
  }
}

uint32_t schema_of(Fields& f) {
  uint64_t v = f.uint("schema");
  return static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX));
}

}  // namespace

std::string encode_bundle(const RequestBundle& b, std::string_view key) {
  msgpack::sbuffer body;
  Packer pk(body);
  pk.pack_array(8);
  put_bin(pk, b.replica.raw());
  put_str(pk, b.created_at);
  pk.pack_uint32(b.schema);
  put_vv(pk, b.vv);
  put_vv(pk, b.server_known);
  put_bins(pk, b.changesets);
  put_blobs(pk, b.blobs);
  std::vector<std::pair<std::string, uint64_t>> missing;
  for (const wire::BlobEntry& e : b.missing) missing.emplace_back(e.sha256, e.offset);
  put_states(pk, missing);
  return seal(BundleKind::kRequest, b.device, body, key);
}

std::string encode_bundle(const AnswerBundle& b, std::string_view key) {
  msgpack::sbuffer body;
  Packer pk(body);
  pk.pack_array(11);
  put_bin(pk, b.replica.raw());
  put_bin(pk, b.server_replica.raw());
  put_str(pk, b.created_at);
  pk.pack_uint32(b.schema);
  put_vv(pk, b.known);
  pk.pack_array(static_cast<uint32_t>(b.refused.size()));
  for (const wire::Refusal& r : b.refused) {
    pk.pack_array(5);
    put_bin(pk, r.origin.raw());
    pk.pack_uint64(r.seq);
    put_str(pk, r.table);
    put_str(pk, r.row);
    put_str(pk, r.reason);
  }
  put_bins(pk, b.changesets);
  pk.pack_uint64(b.pushed);
  if (b.complete) pk.pack_true();
  else pk.pack_false();
  std::vector<std::pair<std::string, uint64_t>> states;
  for (const BundleBlobState& st : b.blob_states)
    states.emplace_back(st.sha256, static_cast<uint64_t>(st.state));
  put_states(pk, states);
  put_blobs(pk, b.blobs);
  return seal(BundleKind::kAnswer, b.device, body, key);
}

Result<BundleHeader> read_bundle_header(std::string_view bytes, const BundleLimits& limits) {
  if (bytes.empty()) return bundle_error(Code::kCorruption, "err.bundle.not_bundle", "empty file");
  size_t magic = std::min(bytes.size(), kMagic.size());
  if (bytes.substr(0, magic) != kMagic.substr(0, magic))
    return bundle_error(Code::kCorruption, "err.bundle.not_bundle");
  if (bytes.size() < kFixedHead) return truncated(bytes.size(), kFixedHead);
  auto byte = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
  if (byte(3) != kBundleFormat)
    return bundle_error(Code::kCorruption, "err.bundle.format", fmt::format("format {}", byte(3)));
  BundleHeader head;
  if (byte(4) != 1 && byte(4) != 2) return damaged(fmt::format("kind {}", byte(4)));
  head.kind = static_cast<BundleKind>(byte(4));
  size_t device = byte(5);
  if (device == 0 || device > kMaxDevice) return damaged("device id length");
  size_t head_size = kFixedHead + device + kLengthBytes;
  if (bytes.size() < head_size) return truncated(bytes.size(), head_size);
  head.device.assign(bytes.substr(kFixedHead, device));
  if (!std::all_of(head.device.begin(), head.device.end(),
                   [](char c) { return c > 0x20 && c < 0x7F; }))
    return damaged("device id");
  uint64_t body = 0;
  for (size_t i = 0; i < kLengthBytes; ++i) body = (body << 8) | byte(kFixedHead + device + i);
  uint64_t total = head_size + body + kMacBytes;
  if (total > limits.max_bytes)
    return bundle_error(Code::kLimitExceeded, "err.bundle.too_big",
                        fmt::format("{} bytes, limit {}", total, limits.max_bytes));
  if (bytes.size() < total) return truncated(bytes.size(), total);
  if (bytes.size() > total) return damaged("bytes after the end");
  return head;
}

Result<RequestBundle> decode_request(std::string_view bytes, std::string_view key,
                                     const BundleLimits& limits) {
  return open_bundle<RequestBundle>(bytes, key, BundleKind::kRequest, limits, 8, [](Fields& f) {
    RequestBundle b;
    b.replica = f.uuid("replica");
    b.created_at = f.str("created_at", 64);
    b.schema = schema_of(f);
    b.vv = f.vv("vector");
    b.server_known = f.vv("server_known");
    b.changesets = f.changesets();
    b.blobs = f.blobs("blobs");
    for (auto& [sha, offset] : f.states("missing"))
      b.missing.push_back({std::move(sha), wire::BlobState::kWant, offset});
    return b;
  });
}

Result<AnswerBundle> decode_answer(std::string_view bytes, std::string_view key,
                                   const BundleLimits& limits) {
  return open_bundle<AnswerBundle>(bytes, key, BundleKind::kAnswer, limits, 11, [](Fields& f) {
    AnswerBundle b;
    b.replica = f.uuid("replica");
    b.server_replica = f.uuid("server_replica");
    b.created_at = f.str("created_at", 64);
    b.schema = schema_of(f);
    b.known = f.vv("known");
    b.refused = f.refusals();
    b.changesets = f.changesets();
    b.pushed = f.uint("pushed");
    b.complete = f.boolean("complete");
    for (auto& [sha, state] : f.states("blob_states")) {
      if (state > static_cast<uint64_t>(wire::BlobState::kMismatch)) f.reject("blob state");
      b.blob_states.push_back({std::move(sha), static_cast<wire::BlobState>(state)});
    }
    b.blobs = f.blobs("blobs");
    return b;
  });
}

}  // namespace liaison::sync
