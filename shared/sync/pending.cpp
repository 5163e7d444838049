#include "shared/sync/pending.h"

#include <msgpack.hpp>

namespace liaison::sync {

// body := msgpack array [column, value, base_hlc, base_origin, ...]
std::string encode_pending(const std::vector<PendingField>& fields) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(&buf);
  pk.pack_array(static_cast<uint32_t>(fields.size() * 4));
  for (const PendingField& f : fields) {
    pk.pack_int32(f.column);
    switch (f.value.index()) {
      case 0: pk.pack_nil(); break;
      case 1: pk.pack_int64(std::get<int64_t>(f.value)); break;
      case 2: pk.pack_double(std::get<double>(f.value)); break;
      default: pk.pack(std::get<std::string>(f.value));
    }
    pk.pack_uint64(f.base.hlc);
    pk.pack_uint32(f.base.origin);
  }
  return {buf.data(), buf.size()};
}

Result<std::vector<PendingField>> decode_pending(std::string_view body) {
  std::vector<PendingField> out;
  try {
    msgpack::object_handle oh = msgpack::unpack(body.data(), body.size());
    const msgpack::object& o = oh.get();
    if (o.type != msgpack::type::ARRAY || o.via.array.size % 4 != 0)
      return Status::corruption("pending change");
    for (uint32_t i = 0; i < o.via.array.size; i += 4) {
      const msgpack::object* p = o.via.array.ptr + i;
      PendingField f;
      f.column = p[0].as<int>();
      switch (p[1].type) {
        case msgpack::type::NIL: break;
        case msgpack::type::POSITIVE_INTEGER:
        case msgpack::type::NEGATIVE_INTEGER: f.value = p[1].as<int64_t>(); break;
        case msgpack::type::FLOAT32:
        case msgpack::type::FLOAT64: f.value = p[1].as<double>(); break;
        default: f.value = p[1].as<std::string>();
      }
      f.base = {p[2].as<uint64_t>(), p[3].as<uint32_t>()};
      out.push_back(std::move(f));
    }
  } catch (const std::exception& e) {
    return Status::corruption(std::string("pending change: ") + e.what());
  }
  return out;
}

}  // namespace liaison::sync
