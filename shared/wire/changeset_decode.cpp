// The changeset decoder: untrusted input in, a Changeset or a clear error out. Every access checks
// the msgpack type and the limits; msgpack-c's own exceptions are caught at this edge.
#include <zlib.h>

#include <msgpack.hpp>

#include <fmt/format.h>

#include "shared/wire/changeset.h"

namespace liaison::wire {

namespace {

using Obj = msgpack::object;

struct Reader {
  const Limits& limits;
  std::string error;

  bool over_limit = false;  // the first error is a documented limit, not malformed input

  bool fail(std::string what) {
    if (error.empty()) error = std::move(what);
    return false;
  }
  // Like fail(), for input over a limit: decode() then answers LimitExceeded, not Corruption,
  // so that a peer can tell "send less" from "send something else".
  bool limit(std::string what) {
    if (error.empty()) over_limit = true;
    return fail(std::move(what));
  }
  bool array(const Obj& o, const char* what, const Obj*& items, size_t& n) {
    if (o.type != msgpack::type::ARRAY) return fail(fmt::format("{}: not an array", what));
    items = o.via.array.ptr;
    n = o.via.array.size;
    return true;
  }
  bool u64(const Obj& o, const char* what, uint64_t& out) {
    if (o.type != msgpack::type::POSITIVE_INTEGER)
      return fail(fmt::format("{}: not an unsigned integer", what));
    out = o.via.u64;
    return true;
  }
  bool u32(const Obj& o, const char* what, uint32_t& out, uint64_t bound) {
    uint64_t v;
    if (!u64(o, what, v)) return false;
    if (v >= bound) return fail(fmt::format("{}: {} out of range", what, v));
    out = static_cast<uint32_t>(v);
    return true;
  }
  bool text(const Obj& o, const char* what, std::string& out, size_t max) {
    if (o.type != msgpack::type::STR) return fail(fmt::format("{}: not a string", what));
    if (o.via.str.size > max) return limit(fmt::format("{}: longer than {} bytes", what, max));
    out.assign(o.via.str.ptr, o.via.str.size);
    return true;
  }
  bool uuid(const Obj& o, const char* what, Uuid& out) {
    if (o.type != msgpack::type::BIN || o.via.bin.size != 16)
      return fail(fmt::format("{}: not a 16-byte id", what));
    out = Uuid::from_bytes({o.via.bin.ptr, 16});
    return true;
  }
  bool row_id(const Obj& o, std::string& out) {
    if (o.type == msgpack::type::BIN && o.via.bin.size == 16) {
      out = Uuid::from_bytes({o.via.bin.ptr, 16}).str();
      return true;
    }
    if (!text(o, "row id", out, limits.max_id)) return false;
    if (out.empty()) return fail("row id: empty");
    return true;
  }
  bool value(const Obj& o, Value& out) {
    switch (o.type) {
      case msgpack::type::NIL: out = std::monostate{}; return true;
      case msgpack::type::POSITIVE_INTEGER:
        if (o.via.u64 > static_cast<uint64_t>(INT64_MAX)) return fail("value: integer too large");
        out = static_cast<int64_t>(o.via.u64);
        return true;
      case msgpack::type::NEGATIVE_INTEGER: out = o.via.i64; return true;
      case msgpack::type::FLOAT32:
      case msgpack::type::FLOAT64: out = o.via.f64; return true;
      case msgpack::type::STR: {
        std::string s;
        if (!text(o, "value", s, limits.max_text)) return false;
        out = std::move(s);
        return true;
      }
      default: return fail("value: unsupported type");
    }
  }

  bool tables(const Obj& o, Changeset& cs) {
    const Obj* items;
    size_t n;
    if (!array(o, "tables", items, n)) return false;
    if (n > limits.max_tables) return limit("tables: too many");
    cs.tables.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const Obj* pair;
      size_t pn;
      if (!array(items[i], "table", pair, pn) || pn != 2) return fail("table: not [name, columns]");
      if (!text(pair[0], "table name", cs.tables[i].name, 64)) return false;
      const Obj* cols;
      size_t cn;
      if (!array(pair[1], "columns", cols, cn)) return false;
      if (cn > limits.max_columns) return limit("columns: too many");
      cs.tables[i].columns.resize(cn);
      for (size_t c = 0; c < cn; ++c)
        if (!text(cols[c], "column name", cs.tables[i].columns[c], 64)) return false;
    }
    return true;
  }

  bool change(const Obj& o, const Changeset& cs, Change& c) {
    const Obj* f;
    size_t n;
    if (!array(o, "change", f, n)) return false;
    if (n < 6) return fail("change: too short");
    uint64_t kind;
    if (!u32(f[0], "change table", c.table, cs.tables.size()) || !row_id(f[1], c.row_id) ||
        !u32(f[2], "change origin", c.origin, cs.origins.size()) ||
        !u64(f[3], "change seq", c.seq) || !u64(f[4], "change hlc", c.hlc) ||
        !u64(f[5], "change kind", kind))
      return false;
    if (kind > 1) return fail("change kind: unknown");
    if (c.seq == 0) return fail("change seq: zero");
    c.create = kind == 0;
    size_t per = c.create ? 2 : 4;
    if ((n - 6) % per != 0) return fail("change: odd field list");
    size_t columns = cs.tables[c.table].columns.size();
    c.fields.resize((n - 6) / per);
    for (size_t i = 0; i < c.fields.size(); ++i) {
      const Obj* p = f + 6 + i * per;
      FieldChange& fc = c.fields[i];
      if (!u32(p[0], "field column", fc.column, columns) || !value(p[1], fc.value)) return false;
      if (c.create) continue;
      if (!u64(p[2], "field base", fc.base_hlc) ||
          !u32(p[3], "field base origin", fc.base_origin, cs.origins.size()))
        return false;
    }
    return true;
  }

  bool body(const Obj& root, Changeset& cs) {
    const Obj* top;
    size_t n;
    if (!array(root, "changeset", top, n) || n != 6) return fail("changeset: not 6 parts");
    if (!u32(top[0], "schema version", cs.schema_version, UINT32_MAX) ||
        !uuid(top[1], "sender", cs.sender))
      return false;
    const Obj* items;
    size_t count;
    if (!array(top[2], "origins", items, count)) return false;
    if (count > limits.max_origins) return limit("origins: too many");
    cs.origins.resize(count);
    for (size_t i = 0; i < count; ++i)
      if (!uuid(items[i], "origin", cs.origins[i])) return false;
    if (!array(top[3], "ranges", items, count)) return false;
    if (count % 3 != 0) return fail("ranges: not triples");
    cs.ranges.resize(count / 3);
    for (size_t i = 0; i < cs.ranges.size(); ++i) {
      Range& r = cs.ranges[i];
      if (!u32(items[3 * i], "range origin", r.origin, cs.origins.size()) ||
          !u64(items[3 * i + 1], "range from", r.from) || !u64(items[3 * i + 2], "range to", r.to))
        return false;
      if (r.from > r.to) return fail("range: from after to");
    }
    if (!tables(top[4], cs)) return false;
    if (!array(top[5], "changes", items, count)) return false;
    if (count > limits.max_changes) return limit("changes: too many");
    cs.changes.resize(count);
    for (size_t i = 0; i < count; ++i)
      if (!change(items[i], cs, cs.changes[i])) return false;
    return true;
  }
};

// Strings and binaries point into the input, which outlives the object tree.
bool reference_input(msgpack::type::object_type, std::size_t, void*) { return true; }

}  // namespace

Result<Changeset> decode(std::string_view bytes, const Limits& limits) {
  if (bytes.size() > limits.max_bytes)
    return Status::limit(fmt::format("changeset of {} bytes, limit {}", bytes.size(), limits.max_bytes));
  if (bytes.size() < 4 + 4 || bytes.substr(0, 3) != "LCS")
    return Status::corruption("not a changeset");
  if (static_cast<uint8_t>(bytes[3]) != kChangesetFormat)
    return Status::corruption(fmt::format("changeset format {} unknown", static_cast<int>(bytes[3])));
  std::string_view payload = bytes.substr(0, bytes.size() - 4);
  uint32_t want = 0;
  for (size_t i = bytes.size() - 4; i < bytes.size(); ++i)
    want = want << 8 | static_cast<uint8_t>(bytes[i]);
  uint32_t got = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size())));
  if (got != want) return Status::corruption("changeset checksum mismatch");

  std::string_view body = payload.substr(4);
  // No container can hold more elements than there are bytes left, which bounds allocation.
  size_t max_items = std::min(body.size(), std::max(limits.max_changes, limits.max_origins * 3));
  msgpack::unpack_limit lim(max_items, 0, limits.max_text, 16, 0, 5);
  Changeset cs;
  Reader reader{limits, {}};
  try {
    size_t off = 0;
    msgpack::object_handle oh =
        msgpack::unpack(body.data(), body.size(), off, reference_input, nullptr, lim);
    if (off != body.size()) return Status::corruption("changeset: trailing bytes");
    if (!reader.body(oh.get(), cs))
      return reader.over_limit ? Status::limit(reader.error) : Status::corruption(reader.error);
  } catch (const msgpack::size_overflow& e) {
    return Status::limit(fmt::format("changeset: {}", e.what()));
  } catch (const std::bad_alloc&) {
    return Status::limit("changeset: out of memory");
  } catch (const std::exception& e) {
    return Status::corruption(fmt::format("changeset: {}", e.what()));
  }
  return cs;
}

}  // namespace liaison::wire
