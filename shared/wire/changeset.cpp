// Changeset byte format (docs/changeset.md):
//
//   changeset := "LCS" format:u8 body crc32:u32be     crc32 over everything before it
//   body      := msgpack array [schema_version, sender:bin16, origins:[bin16...],
//                               ranges:[origin, from, to, ...], tables:[[name, [column...]]...],
//                               changes:[change...]]
//   change    := array [table, row_id, origin, seq, hlc, kind, field...]
//                row_id is bin16 for a UUID id, str otherwise
//                kind 0 (create): field := column value
//                kind 1 (update): field := column value base_hlc base_origin
//   value     := nil | int | float64 | str
#include "shared/wire/changeset.h"

#include <zlib.h>

#include <cstring>

#include <msgpack.hpp>

#include <fmt/format.h>

namespace liaison::wire {

namespace {

constexpr char kMagic[3] = {'L', 'C', 'S'};
constexpr size_t kChangeHead = 6;

using Packer = msgpack::packer<msgpack::sbuffer>;

// buf is the stream pk writes to (the packer does not buffer, so writes may interleave).
void pack_value(Packer& pk, msgpack::sbuffer& buf, const Value& v) {
  switch (v.index()) {
    case 0: pk.pack_nil(); break;
    case 1: pk.pack_int64(std::get<int64_t>(v)); break;
    case 2: {
      // Written by hand: msgpack-c's pack_double() turns integral doubles into integers (2.0
      // arrives as the integer 2, and 1e19 as a uint64 that decode() refuses), while the
      // format promises float64.
      uint64_t bits;
      double d = std::get<double>(v);
      std::memcpy(&bits, &d, sizeof bits);
      char f64[9];
      f64[0] = static_cast<char>(0xcb);
      for (int i = 0; i < 8; ++i) f64[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
      buf.write(f64, sizeof f64);
      break;
    }
    default: {
      const std::string& s = std::get<std::string>(v);
      pk.pack_str(static_cast<uint32_t>(s.size()));
      pk.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
    }
  }
}

void pack_bytes(Packer& pk, std::string_view raw) {
  pk.pack_bin(static_cast<uint32_t>(raw.size()));
  pk.pack_bin_body(raw.data(), static_cast<uint32_t>(raw.size()));
}

void pack_row_id(Packer& pk, const std::string& id) {
  if (auto uuid = Uuid::parse(id); uuid && uuid->str() == id) {
    pack_bytes(pk, uuid->raw());
    return;
  }
  pk.pack_str(static_cast<uint32_t>(id.size()));
  pk.pack_str_body(id.data(), static_cast<uint32_t>(id.size()));
}

uint32_t crc_of(std::string_view bytes) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

}  // namespace

std::string encode(const Changeset& cs) {
  msgpack::sbuffer buf(64 + cs.changes.size() * 256);
  buf.write(kMagic, 3);
  char format = static_cast<char>(kChangesetFormat);
  buf.write(&format, 1);
  Packer pk(&buf);
  pk.pack_array(6);
  pk.pack_uint32(cs.schema_version);
  pack_bytes(pk, cs.sender.raw());
  pk.pack_array(static_cast<uint32_t>(cs.origins.size()));
  for (const Uuid& o : cs.origins) pack_bytes(pk, o.raw());
  pk.pack_array(static_cast<uint32_t>(cs.ranges.size() * 3));
  for (const Range& r : cs.ranges) {
    pk.pack_uint32(r.origin);
    pk.pack_uint64(r.from);
    pk.pack_uint64(r.to);
  }
  pk.pack_array(static_cast<uint32_t>(cs.tables.size()));
  for (const TableHeader& t : cs.tables) {
    pk.pack_array(2);
    pk.pack(t.name);
    pk.pack(t.columns);
  }
  pk.pack_array(static_cast<uint32_t>(cs.changes.size()));
  for (const Change& c : cs.changes) {
    size_t per_field = c.create ? 2 : 4;
    pk.pack_array(static_cast<uint32_t>(kChangeHead + per_field * c.fields.size()));
    pk.pack_uint32(c.table);
    pack_row_id(pk, c.row_id);
    pk.pack_uint32(c.origin);
    pk.pack_uint64(c.seq);
    pk.pack_uint64(c.hlc);
    pk.pack_uint8(c.create ? 0 : 1);
    for (const FieldChange& f : c.fields) {
      pk.pack_uint32(f.column);
      pack_value(pk, buf, f.value);
      if (c.create) continue;
      pk.pack_uint64(f.base_hlc);
      pk.pack_uint32(f.base_origin);
    }
  }
  std::string out(buf.data(), buf.size());
  uint32_t crc = crc_of(out);
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out;
}

}  // namespace liaison::wire
