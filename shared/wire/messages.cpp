#include "shared/wire/messages.h"

#include <iterator>

#include <msgpack.hpp>

#include <fmt/format.h>

namespace liaison::wire {

namespace {

using Packer = msgpack::packer<msgpack::sbuffer>;
using Obj = msgpack::object;

void put_str(Packer& pk, std::string_view s) {
  pk.pack_str(static_cast<uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
}

void put_bin(Packer& pk, std::string_view s) {
  pk.pack_bin(static_cast<uint32_t>(s.size()));
  pk.pack_bin_body(s.data(), static_cast<uint32_t>(s.size()));
}

void put_vv(Packer& pk, const VectorEntries& vv) {
  pk.pack_array(static_cast<uint32_t>(vv.size() * 2));
  for (const auto& [origin, seq] : vv) {
    put_bin(pk, origin.raw());
    pk.pack_uint64(seq);
  }
}

struct Encoder {
  Packer& pk;
  void operator()(const Hello& m) {
    pk.pack_array(7);
    pk.pack_uint8(1);
    pk.pack_uint32(m.protocol);
    pk.pack_uint32(m.schema);
    put_str(pk, m.token);
    put_bin(pk, m.replica.raw());
    pk.pack_int64(m.clock_ms);
    put_vv(pk, m.vv);
  }
  void operator()(const Welcome& m) {
    pk.pack_array(10);
    pk.pack_uint8(2);
    pk.pack_uint32(m.protocol);
    pk.pack_uint32(m.schema);
    put_bin(pk, m.server_replica.raw());
    pk.pack_int64(m.clock_ms);
    put_str(pk, m.device);
    put_str(pk, m.role);
    put_str(pk, m.station);
    put_str(pk, m.spokesperson);
    put_vv(pk, m.known);
  }
  void operator()(const Push& m) {
    pk.pack_array(3);
    pk.pack_uint8(3);
    pk.pack_uint64(m.batch);
    put_bin(pk, m.changeset);
  }
  void operator()(const Ack& m) {
    pk.pack_array(5);
    pk.pack_uint8(4);
    pk.pack_uint64(m.batch);
    pk.pack_uint64(m.applied);
    pk.pack_uint64(m.duplicates);
    pk.pack_array(static_cast<uint32_t>(m.refused.size()));
    for (const Refusal& r : m.refused) {
      pk.pack_array(5);
      put_bin(pk, r.origin.raw());
      pk.pack_uint64(r.seq);
      put_str(pk, r.table);
      put_str(pk, r.row);
      put_str(pk, r.reason);
    }
  }
  void operator()(const Pull&) {
    pk.pack_array(1);
    pk.pack_uint8(5);
  }
  void operator()(const Changes& m) {
    pk.pack_array(4);
    pk.pack_uint8(6);
    pk.pack_uint64(m.batch);
    put_bin(pk, m.changeset);
    if (m.more) pk.pack_true();
    else pk.pack_false();
  }
  void operator()(const Pulled& m) {
    pk.pack_array(2);
    pk.pack_uint8(7);
    pk.pack_uint64(m.batch);
  }
  void operator()(const Done& m) {
    pk.pack_array(4);
    pk.pack_uint8(8);
    pk.pack_uint64(m.pushed);
    pk.pack_uint64(m.pulled);
    pk.pack_uint64(m.refused);
  }
  void operator()(const Error& m) {
    pk.pack_array(4);
    pk.pack_uint8(9);
    put_str(pk, m.code);
    put_str(pk, m.message);
    put_str(pk, m.action);
  }
  void operator()(const BlobOffer& m) {
    pk.pack_array(2);
    pk.pack_uint8(10);
    pk.pack_array(static_cast<uint32_t>(m.hashes.size()));
    for (const std::string& h : m.hashes) put_str(pk, h);
  }
  void operator()(const BlobStates& m) {
    pk.pack_array(2);
    pk.pack_uint8(11);
    pk.pack_array(static_cast<uint32_t>(m.entries.size()));
    for (const BlobEntry& e : m.entries) {
      pk.pack_array(3);
      put_str(pk, e.sha256);
      pk.pack_uint8(static_cast<uint8_t>(e.state));
      pk.pack_uint64(e.offset);
    }
  }
  void operator()(const BlobChunk& m) {
    pk.pack_array(5);
    pk.pack_uint8(12);
    put_str(pk, m.sha256);
    pk.pack_uint64(m.size);
    pk.pack_uint64(m.offset);
    put_bin(pk, m.data);
  }
  void operator()(const PullEnd&) {
    pk.pack_array(1);
    pk.pack_uint8(13);
  }
  void operator()(const BlobFetch& m) {
    pk.pack_array(3);
    pk.pack_uint8(14);
    put_str(pk, m.sha256);
    pk.pack_uint64(m.offset);
  }
  void operator()(const End&) {
    pk.pack_array(1);
    pk.pack_uint8(15);
  }
};

}  // namespace

const char* message_name(const Message& m) {
  static const char* kNames[] = {"HELLO",      "WELCOME",    "PUSH",       "ACK",
                                 "PULL",       "CHANGES",    "PULLED",     "DONE",
                                 "ERROR",      "BLOB_OFFER", "BLOB_STATE", "BLOB_CHUNK",
                                 "PULL_END",   "BLOB_FETCH", "END"};
  static_assert(std::size(kNames) == std::variant_size_v<Message>);
  return kNames[m.index()];
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string encode_message(const Message& m) {
  msgpack::sbuffer buf;
  Packer pk(&buf);
  std::visit(Encoder{pk}, m);
  return {buf.data(), buf.size()};
}

}  // namespace liaison::wire
