#include "shared/sync/protocol.h"

#include <algorithm>

namespace liaison::sync {

const char* error_action(const std::string& code) {
  return code == errc::kShuttingDown || code == errc::kInternal ? "retry" : "fatal";
}

ProtocolOutput error_output(const std::string& code, const std::string& message) {
  ProtocolOutput out;
  out.frames.push_back(wire::encode_message(wire::Error{code, message, error_action(code)}));
  out.close = true;
  out.close_code = code == errc::kInternal ? 1011 : code == errc::kShuttingDown ? 1001 : 1008;
  out.close_reason = code;
  return out;
}

wire::VectorEntries to_entries(const VersionVector& vv) {
  return {vv.begin(), vv.end()};
}

VersionVector from_entries(const wire::VectorEntries& entries) {
  VersionVector vv;
  for (const auto& [origin, seq] : entries) vv[origin] = std::max(vv[origin], seq);
  return vv;
}

wire::VectorEntries known_entries(Replica& replica, const VersionVector& asked,
                                  const Uuid& device) {
  VersionVector ours = replica.version_vector();
  VersionVector wanted = asked;
  wanted.try_emplace(device, 0);
  wire::VectorEntries known;
  for (const auto& [origin, seq] : wanted) {
    (void)seq;
    auto it = ours.find(origin);
    if (it != ours.end()) known.emplace_back(origin, it->second);
  }
  return known;
}

void merge_ranges(VersionVector& vv, const wire::Changeset& cs) {
  for (const wire::Range& r : cs.ranges) {
    uint64_t& have = vv[cs.origins[r.origin]];
    if (r.from <= have) have = std::max(have, r.to);
  }
}

Result<wire::Changeset> next_batch(ChangeFeed& feed, const BatchLimits& limits) {
  return feed.next(limits.changes, limits.bytes / 4 * 3);
}

}  // namespace liaison::sync
