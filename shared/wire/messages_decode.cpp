// The message decoder: untrusted frames in, a Message or a clear error out.
#include <iterator>

#include <msgpack.hpp>

#include <fmt/format.h>

#include "shared/wire/messages.h"

namespace liaison::wire {

namespace {

using Obj = msgpack::object;

class Reader {
 public:
  Reader(const Obj* items, size_t n, const MessageLimits& limits)
      : items_(items), n_(n), limits_(limits) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  uint64_t u64(const char* what) {
    const Obj* o = next(what);
    if (!o) return 0;
    if (o->type != msgpack::type::POSITIVE_INTEGER) return fail(what, "not an unsigned integer"), 0;
    return o->via.u64;
  }
  uint32_t u32(const char* what) {
    uint64_t v = u64(what);
    if (v > UINT32_MAX) return fail(what, "out of range"), 0;
    return static_cast<uint32_t>(v);
  }
  int64_t i64(const char* what) {
    const Obj* o = next(what);
    if (!o) return 0;
    if (o->type == msgpack::type::NEGATIVE_INTEGER) return o->via.i64;
    if (o->type == msgpack::type::POSITIVE_INTEGER && o->via.u64 <= static_cast<uint64_t>(INT64_MAX))
      return static_cast<int64_t>(o->via.u64);
    return fail(what, "not an integer"), 0;
  }
  bool boolean(const char* what) {
    const Obj* o = next(what);
    if (!o) return false;
    if (o->type != msgpack::type::BOOLEAN) return fail(what, "not a boolean"), false;
    return o->via.boolean;
  }
  std::string str(const char* what, size_t max) {
    const Obj* o = next(what);
    if (!o) return {};
    if (o->type != msgpack::type::STR) return fail(what, "not a string"), std::string();
    if (o->via.str.size > max) return fail(what, "too long"), std::string();
    return {o->via.str.ptr, o->via.str.size};
  }
  std::string bin(const char* what) {
    const Obj* o = next(what);
    if (!o) return {};
    if (o->type != msgpack::type::BIN) return fail(what, "not bytes"), std::string();
    return {o->via.bin.ptr, o->via.bin.size};
  }
  Uuid uuid(const char* what) { return to_uuid(next(what), what); }
  VectorEntries vv(const char* what) {
    VectorEntries out;
    const Obj* o = next(what);
    if (!o) return out;
    if (o->type != msgpack::type::ARRAY || o->via.array.size % 2 != 0)
      return fail(what, "not a vector"), out;
    if (o->via.array.size / 2 > limits_.max_origins) return fail(what, "too many origins"), out;
    Reader inner(o->via.array.ptr, o->via.array.size, limits_);
    for (uint32_t i = 0; i < o->via.array.size / 2 && inner.ok(); ++i) {
      Uuid origin = inner.uuid(what);
      uint64_t seq = inner.u64(what);
      out.emplace_back(origin, seq);
    }
    if (!inner.ok()) fail(what, inner.error());
    return out;
  }
  std::string sha(const char* what) {
    std::string s = str(what, 64);
    if (ok() && !is_sha256_hex(s)) fail(what, "not a SHA-256 in lowercase hex");
    return s;
  }
  // An array of 1 to max_blob_entries elements, or nullptr (and the reader failed).
  const Obj* entries(const char* what) {
    const Obj* o = next(what);
    if (!o) return nullptr;
    if (o->type != msgpack::type::ARRAY) return fail(what, "not an array"), nullptr;
    if (o->via.array.size == 0) return fail(what, "empty"), nullptr;
    if (o->via.array.size > limits_.max_blob_entries) return fail(what, "too many"), nullptr;
    return o;
  }
  std::vector<std::string> hashes() {
    std::vector<std::string> out;
    const Obj* o = entries("hashes");
    if (!o) return out;
    Reader inner(o->via.array.ptr, o->via.array.size, limits_);
    for (uint32_t i = 0; i < o->via.array.size && inner.ok(); ++i) out.push_back(inner.sha("hash"));
    if (!inner.ok()) fail("hashes", inner.error());
    return out;
  }
  std::vector<BlobEntry> blob_entries() {
    std::vector<BlobEntry> out;
    const Obj* o = entries("entries");
    if (!o) return out;
    for (uint32_t i = 0; i < o->via.array.size && ok(); ++i) {
      const Obj& e = o->via.array.ptr[i];
      if (e.type != msgpack::type::ARRAY || e.via.array.size != 3) {
        fail("entry", "not 3 fields");
        break;
      }
      Reader inner(e.via.array.ptr, 3, limits_);
      BlobEntry entry;
      entry.sha256 = inner.sha("entry sha256");
      uint64_t state = inner.u64("entry state");
      entry.offset = inner.u64("entry offset");
      if (inner.ok() && state > kMaxBlobState) inner.fail("entry state", "unknown");
      if (inner.ok() && entry.offset > limits_.max_blob_size) inner.fail("entry offset", "too large");
      entry.state = static_cast<BlobState>(state);
      if (!inner.ok()) fail("entry", inner.error());
      out.push_back(std::move(entry));
    }
    return out;
  }
  BlobChunk chunk() {
    BlobChunk m;
    m.sha256 = sha("sha256");
    m.size = u64("size");
    m.offset = u64("offset");
    m.data = bin("data");
    if (!ok()) return m;
    if (m.size > limits_.max_blob_size) fail("size", "too large");
    else if (m.data.size() > limits_.max_chunk) fail("data", "too long");
    else if (m.offset > m.size || m.data.size() > m.size - m.offset) fail("data", "past the end");
    return m;
  }
  void fail(const char* what, std::string_view why) {
    if (error_.empty()) error_ = fmt::format("{}: {}", what, why);
  }

  std::vector<Refusal> refusals() {
    std::vector<Refusal> out;
    const Obj* o = next("refused");
    if (!o) return out;
    if (o->type != msgpack::type::ARRAY) return fail("refused", "not an array"), out;
    if (o->via.array.size > limits_.max_refusals) return fail("refused", "too many"), out;
    for (uint32_t i = 0; i < o->via.array.size && ok(); ++i) {
      const Obj& r = o->via.array.ptr[i];
      if (r.type != msgpack::type::ARRAY || r.via.array.size != 5) {
        fail("refusal", "not 5 fields");
        break;
      }
      Reader inner(r.via.array.ptr, 5, limits_);
      Refusal ref;
      ref.origin = inner.uuid("refusal origin");
      ref.seq = inner.u64("refusal seq");
      ref.table = inner.str("refusal table", 64);
      ref.row = inner.str("refusal row", 128);
      ref.reason = inner.str("refusal reason", limits_.max_text);
      if (!inner.ok()) fail("refusal", inner.error());
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
  Uuid to_uuid(const Obj* o, const char* what) {
    if (!o) return {};
    if (o->type != msgpack::type::BIN || o->via.bin.size != 16)
      return fail(what, "not a 16-byte id"), Uuid{};
    return Uuid::from_bytes({o->via.bin.ptr, 16});
  }
  const Obj* items_;
  size_t n_;
  size_t pos_ = 0;
  const MessageLimits& limits_;
  std::string error_;
};

// The number of fields (after the type) of each message type 1..15.
constexpr size_t kArity[] = {0, 6, 9, 2, 4, 0, 3, 1, 3, 3, 1, 1, 4, 0, 2, 0};
constexpr uint64_t kLastType = std::size(kArity) - 1;

Result<Message> read(uint64_t type, Reader& r, const MessageLimits& limits) {
  switch (type) {
    case 1: {
      Hello m;
      m.protocol = r.u32("protocol");
      m.schema = r.u32("schema");
      m.token = r.str("token", limits.max_token);
      m.replica = r.uuid("replica");
      m.clock_ms = r.i64("clock");
      m.vv = r.vv("vector");
      return Message(std::move(m));
    }
    case 2: {
      Welcome m;
      m.protocol = r.u32("protocol");
      m.schema = r.u32("schema");
      m.server_replica = r.uuid("server replica");
      m.clock_ms = r.i64("clock");
      m.device = r.str("device", limits.max_text);
      m.role = r.str("role", limits.max_text);
      m.station = r.str("station", limits.max_text);
      m.spokesperson = r.str("spokesperson", limits.max_text);
      m.known = r.vv("known");
      return Message(std::move(m));
    }
    case 3: {
      Push m;
      m.batch = r.u64("batch");
      m.changeset = r.bin("changeset");
      return Message(std::move(m));
    }
    case 4: {
      Ack m;
      m.batch = r.u64("batch");
      m.applied = r.u64("applied");
      m.duplicates = r.u64("duplicates");
      m.refused = r.refusals();
      return Message(std::move(m));
    }
    case 5: return Message(Pull{});
    case 6: {
      Changes m;
      m.batch = r.u64("batch");
      m.changeset = r.bin("changeset");
      m.more = r.boolean("more");
      return Message(std::move(m));
    }
    case 7: return Message(Pulled{r.u64("batch")});
    case 8: {
      Done m;
      m.pushed = r.u64("pushed");
      m.pulled = r.u64("pulled");
      m.refused = r.u64("refused");
      return Message(std::move(m));
    }
    case 10: return Message(BlobOffer{r.hashes()});
    case 11: return Message(BlobStates{r.blob_entries()});
    case 12: return Message(r.chunk());
    case 13: return Message(PullEnd{});
    case 14: {
      BlobFetch m;
      m.sha256 = r.sha("sha256");
      m.offset = r.u64("offset");
      if (r.ok() && m.offset > limits.max_blob_size) r.fail("offset", "too large");
      return Message(std::move(m));
    }
    case 15: return Message(End{});
    default: {
      Error m;
      m.code = r.str("code", 64);
      m.message = r.str("message", limits.max_text);
      m.action = r.str("action", 64);
      return Message(std::move(m));
    }
  }
}

// Strings and bytes point into the frame, which outlives the object tree.
bool reference_input(msgpack::type::object_type, std::size_t, void*) { return true; }

}  // namespace

Result<Message> decode_message(std::string_view frame, const MessageLimits& limits) {
  if (frame.size() > limits.max_frame)
    return Status::limit(fmt::format("message of {} bytes, limit {}", frame.size(), limits.max_frame));
  if (frame.empty()) return Status::corruption("empty message");
  // Vectors are the largest arrays: 2 elements per origin.
  size_t max_items = std::min(frame.size(), std::max(limits.max_origins * 2, limits.max_refusals));
  msgpack::unpack_limit lim(max_items, 0, limits.max_frame, limits.max_frame, 0, 4);
  try {
    size_t off = 0;
    msgpack::object_handle oh =
        msgpack::unpack(frame.data(), frame.size(), off, reference_input, nullptr, lim);
    if (off != frame.size()) return Status::corruption("message: trailing bytes");
    const Obj& root = oh.get();
    if (root.type != msgpack::type::ARRAY || root.via.array.size == 0)
      return Status::corruption("message: not an array");
    const Obj& t = root.via.array.ptr[0];
    if (t.type != msgpack::type::POSITIVE_INTEGER || t.via.u64 < 1 || t.via.u64 > kLastType)
      return Status::corruption("message: unknown type");
    size_t arity = kArity[t.via.u64];
    if (root.via.array.size != arity + 1)
      return Status::corruption(fmt::format("message type {}: {} fields, want {}", t.via.u64,
                                            root.via.array.size - 1, arity));
    Reader r(root.via.array.ptr + 1, arity, limits);
    Result<Message> m = read(t.via.u64, r, limits);
    if (!r.ok()) return Status::corruption(fmt::format("message: {}", r.error()));
    return m;
  } catch (const msgpack::size_overflow& e) {
    return Status::limit(fmt::format("message: {}", e.what()));
  } catch (const std::bad_alloc&) {
    return Status::limit("message: out of memory");
  } catch (const std::exception& e) {
    return Status::corruption(fmt::format("message: {}", e.what()));
  }
}

}  // namespace liaison::wire
