#include "shared/app/compaction.h"

#include <string>
#include <vector>

#include "shared/app/devices.h"
#include "shared/sync/watermarks.h"

namespace liaison::app {

Result<Compaction> compact_change_log(sync::Replica& replica) {
  LIAISON_ASSIGN_OR_RETURN(std::vector<Device> devices, list_devices(replica));
  std::vector<std::string> live;
  for (const Device& d : devices)
    if (!d.revoked_at) live.push_back(d.id);
  LIAISON_ASSIGN_OR_RETURN(sync::VersionVector floor, sync::acknowledged_floor(replica, live));
  Compaction c;
  c.devices = static_cast<int64_t>(live.size());
  LIAISON_ASSIGN_OR_RETURN(c.removed, replica.compact(floor));
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, replica.db().prepare("SELECT COUNT(*) FROM _log"));
  LIAISON_ASSIGN_OR_RETURN(bool row, q.step());
  if (row) c.kept = q.column_int(0);
  return c;
}

void print_compaction(Output& out, const Compaction& c) {
  if (out.json()) {
    return out.print_json(
        {{"removed", c.removed}, {"kept", c.kept}, {"devices", c.devices}});
  }
  out.print_line(out.format("msg.compacted", c.removed, c.kept, c.devices));
}

}  // namespace liaison::app
