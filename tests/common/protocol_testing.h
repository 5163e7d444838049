// What the socket-free protocol tests share: a device registry that knows one token ("good")
// for device dev-1 of station S01, and that station's guard and filter (it writes and sees only
// rows of S01, and rows without a station).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shared/sync/protocol_server.h"

namespace liaison::test {

class FakeAuth : public sync::Authenticator {
 public:
  Result<sync::Principal> authenticate(const std::string& token, const Uuid& replica,
                                       const std::string&, int64_t skew_ms) override {
    last_skew = skew_ms;
    if (token != "good") return Status(Code::kPermissionDenied, "auth_failed", "bad token");
    if (revoked) return Status(Code::kPermissionDenied, "revoked", "revoked");
    return sync::Principal{"dev-1", sync::Role::kStation, "S01", "", replica};
  }
  bool still_valid(const std::string&) override { return !revoked; }
  Result<sync::OriginRules> origin_rules(const sync::Principal&) override { return rules; }
  bool revoked = false;
  sync::OriginRules rules;  // default: any origin carried, none hidden
  int64_t last_skew = 0;
};

inline bool of_s01(const sync::TablePolicy& t, const std::vector<Value>& values) {
  int col = t.column_index("station_id");
  return col < 0 || values[static_cast<size_t>(col)] == Value{std::string("S01")};
}

inline sync::ChangeGuard s01_guard(const sync::Principal&) {
  return [](const sync::ChangeView& v) -> std::optional<std::string> {
    const std::vector<Value>* values =
        v.created ? v.created : v.existing ? &v.existing->values : nullptr;
    if (!values) return std::string("unknown_row");
    if (!of_s01(v.table, *values)) return std::string("other_station");
    return std::nullopt;
  };
}

inline sync::RowFilter s01_filter(const sync::Principal&) {
  return [](const sync::TablePolicy& t, const sync::Row& row) { return of_s01(t, row.values); };
}

}  // namespace liaison::test
