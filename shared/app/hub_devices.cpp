#include "shared/app/hub_devices.h"

#include <optional>

#include "shared/app/tables.h"

namespace liaison::app {

namespace {

const sync::TablePolicy& hub_table() {
  static const sync::TablePolicy& t = table_named("hub_device");
  return t;
}

// The current hub_device row of device_id, if any.
Result<std::optional<sync::Row>> hub_row(sync::Replica& replica, const std::string& device_id) {
  return replica.load(hub_table(), device_id);
}

bool is_null_at(const sync::Row& row, std::string_view column) {
  return is_null(row.values[static_cast<size_t>(hub_table().column_index(column))]);
}

}  // namespace

Status write_hub_device(sync::Replica& replica, const HubDevice& d) {
  FieldList f(hub_table());
  f.set("station_id", d.station).set("spokesperson_id", d.spokesperson);
  f.set("token_hash", d.token_hash).set("created_at", d.created_at);
  return replica.write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(std::string id, replica.insert(hub_table(), f.fields(), d.id));
    (void)id;
    return Status{};
  });
}

Result<bool> is_hub_device(sync::Replica& replica, const std::string& device_id) {
  LIAISON_ASSIGN_OR_RETURN(std::optional<sync::Row> row, hub_row(replica, device_id));
  return row.has_value();
}

Status note_hub_revocation(sync::Replica& replica, const std::string& device_id,
                           const std::string& at) {
  LIAISON_ASSIGN_OR_RETURN(std::optional<sync::Row> row, hub_row(replica, device_id));
  if (!row || !is_null_at(*row, "revoked_at")) return {};
  FieldList f(hub_table());
  f.set("revoked_at", at);
  return replica.write([&] { return replica.update(hub_table(), device_id, f.fields()); });
}

Status note_hub_contact(sync::Replica& replica, const std::string& device_id,
                        const Uuid& device_replica) {
  if (replica.info().role != sync::Role::kStation) return {};
  LIAISON_ASSIGN_OR_RETURN(std::optional<sync::Row> row, hub_row(replica, device_id));
  if (!row) return {};
  FieldList f(hub_table());
  if (is_null_at(*row, "replica_id")) f.set("replica_id", device_replica.str());
  // The instant the registry recorded for the contact, not a later one: the triggers of
  // hub_device take a later time for a contact relayed from elsewhere and would replace the
  // address this replica recorded itself ("bundle:<file>", the peer's address) by "hub S..".
  const char* sql = "SELECT last_seen_at FROM _device WHERE device_id = ?";
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, replica.db().prepare(sql));
  q.bind(1, device_id);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  std::string at = found && !q.column_is_null(0) ? q.column_text(0) : replica.now_iso();
  q.reset();
  f.set("last_hub_sync", at);
  return replica.write([&] { return replica.update(hub_table(), device_id, f.fields()); });
}

}  // namespace liaison::app
