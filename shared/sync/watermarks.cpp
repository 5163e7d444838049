#include "shared/sync/watermarks.h"

#include <algorithm>

#include "shared/util/varint.h"

namespace liaison::sync {

namespace {

// vv := (origin:16 bytes, seq:varint)*
std::string encode_vv(const VersionVector& vv) {
  std::string out;
  out.reserve(vv.size() * 19);
  for (const auto& [origin, seq] : vv) {
    out += origin.raw();
    put_varint(out, seq);
  }
  return out;
}

Result<VersionVector> decode_vv(std::string_view in) {
  VersionVector vv;
  size_t pos = 0;
  while (pos < in.size()) {
    if (in.size() - pos < 17) return Status::corruption("_peer_vv entry");
    Uuid origin = Uuid::from_bytes(in.substr(pos, 16));
    pos += 16;
    uint64_t seq = 0;
    if (!get_varint(in, pos, seq)) return Status::corruption("_peer_vv sequence");
    vv[origin] = seq;
  }
  return vv;
}

}  // namespace

Result<std::optional<VersionVector>> peer_vector(Replica& replica, const std::string& peer) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           replica.db().prepare("SELECT vv FROM _peer_vv WHERE peer = ?"));
  q.bind(1, peer);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (!found) return std::optional<VersionVector>{};
  LIAISON_ASSIGN_OR_RETURN(VersionVector vv, decode_vv(q.column_blob(0)));
  return std::optional<VersionVector>(std::move(vv));
}

Status record_peer_vector(Replica& replica, const std::string& peer, const VersionVector& vv) {
  return replica.db().transaction([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(std::optional<VersionVector> stored, peer_vector(replica, peer));
    VersionVector merged = stored.value_or(VersionVector{});
    bool changed = !stored.has_value();
    for (const auto& [origin, seq] : vv) {
      uint64_t& have = merged[origin];
      if (seq > have) {
        have = seq;
        changed = true;
      }
    }
    if (!changed) return Status{};
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt up,
                             replica.db().prepare("INSERT INTO _peer_vv(peer, vv, updated_at) "
                                                  "VALUES(?, ?, ?) ON CONFLICT(peer) DO UPDATE "
                                                  "SET vv = excluded.vv, "
                                                  "updated_at = excluded.updated_at"));
    up.bind(1, peer).bind_blob(2, encode_vv(merged)).bind(3, replica.now_iso());
    return up.run();
  });
}

Result<VersionVector> acknowledged_floor(Replica& replica, const std::vector<std::string>& peers) {
  VersionVector floor = replica.version_vector();
  for (const std::string& peer : peers) {
    LIAISON_ASSIGN_OR_RETURN(std::optional<VersionVector> vv, peer_vector(replica, peer));
    if (!vv) continue;
    for (auto& [origin, seq] : floor) {
      auto it = vv->find(origin);
      seq = std::min(seq, it == vv->end() ? 0 : it->second);
    }
  }
  return floor;
}

}  // namespace liaison::sync
