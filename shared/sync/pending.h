// The stored form of a change whose row has not been created here yet (table _pending): its
// fields with their bases, by local column and origin numbers. Internal to shared/sync.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shared/sync/row_clock.h"
#include "shared/util/status.h"
#include "shared/util/value.h"

namespace liaison::sync {

struct PendingField {
  int column = 0;
  Value value;
  Stamp base;
};

std::string encode_pending(const std::vector<PendingField>& fields);
Result<std::vector<PendingField>> decode_pending(std::string_view body);

}  // namespace liaison::sync
