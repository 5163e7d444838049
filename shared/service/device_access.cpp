#include "shared/service/device_access.h"

#include <map>
#include <string>

#include "shared/app/devices.h"

namespace liaison::service {

namespace {

// The protocol error code for a refused token or contact (docs/protocol.md).
const char* error_code(app::DeviceRefusal r) {
  switch (r) {
    case app::DeviceRefusal::kRevoked: return sync::errc::kRevoked;
    case app::DeviceRefusal::kOtherReplica:
    case app::DeviceRefusal::kReplicaTaken: return sync::errc::kReplicaMismatch;
    default: return sync::errc::kAuthFailed;
  }
}

Result<sync::Principal> principal_of(const app::Device& d) {
  sync::Principal p;
  p.device_id = d.id;
  p.role = d.role;
  p.station_id = d.station.value_or("");
  p.spokesperson_id = d.spokesperson.value_or("");
  if (d.replica) {
    if (auto u = Uuid::parse(*d.replica)) p.replica_id = *u;
  }
  return p;
}

}  // namespace

Result<sync::Principal> DeviceAuthenticator::authenticate(const std::string& token,
                                                          const Uuid& replica,
                                                          const std::string& address,
                                                          int64_t skew_ms) {
  LIAISON_ASSIGN_OR_RETURN(app::DeviceAccess access, app::authenticate(replica_, token));
  if (!access.ok())
    return Status(Code::kPermissionDenied, error_code(access.refusal),
                  app::device_refusal_name(access.refusal));
  LIAISON_ASSIGN_OR_RETURN(app::DeviceAccess contact,
                           app::record_contact(replica_, access.device->id,
                                               {replica, address, skew_ms}));
  if (!contact.ok())
    return Status(Code::kPermissionDenied, error_code(contact.refusal),
                  app::device_refusal_name(contact.refusal));
  LIAISON_ASSIGN_OR_RETURN(sync::Principal p, principal_of(*contact.device));
  p.replica_id = replica;
  return p;
}

bool DeviceAuthenticator::still_valid(const std::string& device_id) {
  auto q = replica_.db().prepare("SELECT revoked_at IS NULL FROM _device WHERE device_id = ?");
  if (!q) return false;
  q->bind(1, device_id);
  auto row = q->step();
  return row && row.value() && q->column_int(0) == 1;
}

Result<sync::OriginRules> DeviceAuthenticator::origin_rules(const sync::Principal& p) {
  // The devices bound to a replica, read once per session: a district of a thousand devices
  // reads in about a millisecond.
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           replica_.db().prepare("SELECT replica_id, role, station_id, "
                                                 "spokesperson_id FROM _device WHERE replica_id "
                                                 "IS NOT NULL"));
  auto bound = std::make_shared<std::map<Uuid, sync::DeviceScope>>();
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    auto replica = Uuid::parse(q.column_text(0));
    auto role = sync::parse_role(q.column_text(1));
    if (!replica || !role) continue;
    (*bound)[*replica] = {*role, q.column_text(2), q.column_text(3), *replica};
  }
  sync::OriginRules rules;
  sync::DeviceScope me = scope_of(p);
  rules.may_carry = [bound, me](const Uuid& origin) {
    if (me.role != sync::Role::kStation) return false;
    auto it = bound->find(origin);
    if (it == bound->end()) return true;
    return it->second.role == sync::Role::kSpokesperson && it->second.station_id == me.station_id;
  };
  if (me.role == sync::Role::kDistrict) return rules;
  rules.hidden = [bound, me](const Uuid& origin) {
    auto it = bound->find(origin);
    if (it == bound->end() || it->second.role == sync::Role::kDistrict) return false;
    const sync::DeviceScope& writer = it->second;
    if (writer.station_id != me.station_id) return true;
    return me.role == sync::Role::kSpokesperson && writer.role == sync::Role::kSpokesperson &&
           writer.spokesperson_id != me.spokesperson_id;
  };
  return rules;
}

namespace {

const char* audit_kind_name(sync::AuditEvent::Kind k) {
  switch (k) {
    case sync::AuditEvent::Kind::kSession: return "session";
    case sync::AuditEvent::Kind::kPush: return "push";
    case sync::AuditEvent::Kind::kPull: return "pull";
    case sync::AuditEvent::Kind::kEnd: return "end";
    case sync::AuditEvent::Kind::kError: return "error";
  }
  return "error";
}

void bind_text_or_null(storage::Stmt& q, int i, const std::string& text) {
  if (text.empty()) {
    q.bind_null(i);
  } else {
    q.bind(i, text);
  }
}

int64_t as_int(uint64_t v) { return static_cast<int64_t>(v); }

}  // namespace

void DeviceAuthenticator::note(const sync::AuditEvent& e) {
  if (replica_.info().role != sync::Role::kDistrict) return;
  storage::Db& db = replica_.db();
  if (db.in_transaction()) {
    (void)insert_audit(replica_, e);
    return;
  }
  (void)db.transaction([&]() -> Status { return insert_audit(replica_, e); });
}

Status insert_audit(sync::Replica& replica, const sync::AuditEvent& e) {
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt q,
      replica.db().prepare("INSERT INTO _audit(at, device_id, replica, address, event, count, "
                           "duplicates, refused, skew_ms, origin, seq_from, seq_to, ranges, seq, "
                           "tbl, row_id, reason, code) "
                           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  const std::string at = replica.now_iso();
  const std::string replica_id = e.replica.is_nil() ? "" : e.replica.str();
  // The columns every row has; the others stay NULL unless bound after.
  auto common = [&](const char* event) {
    q.bind(1, at);
    bind_text_or_null(q, 2, e.device_id);
    bind_text_or_null(q, 3, replica_id);
    bind_text_or_null(q, 4, e.address);
    q.bind(5, event);
  };
  common(audit_kind_name(e.kind));
  switch (e.kind) {
    case sync::AuditEvent::Kind::kSession:
      q.bind(9, e.skew_ms);
      break;
    case sync::AuditEvent::Kind::kPush: {
      q.bind(6, as_int(e.count)).bind(7, as_int(e.duplicates)).bind(8, as_int(e.refused));
      std::string ranges;
      for (const sync::AuditEvent::Range& r : e.ranges) {
        if (!ranges.empty()) ranges += ' ';
        ranges += r.origin.str() + ":(" + std::to_string(r.from) + "," + std::to_string(r.to) + "]";
      }
      if (!e.ranges.empty()) {
        q.bind(10, e.ranges.front().origin.str())
            .bind(11, as_int(e.ranges.front().from))
            .bind(12, as_int(e.ranges.front().to))
            .bind(13, ranges);
      }
      break;
    }
    case sync::AuditEvent::Kind::kPull:
      q.bind(6, as_int(e.count));
      break;
    case sync::AuditEvent::Kind::kEnd:
      q.bind(6, as_int(e.count)).bind(8, as_int(e.refused));
      break;
    case sync::AuditEvent::Kind::kError:
      bind_text_or_null(q, 17, e.message);
      q.bind(18, e.code);
      break;
  }
  LIAISON_RETURN_IF_ERROR(q.run());
  for (const sync::Refusal& r : e.refusals) {
    common("refused");
    q.bind(10, r.origin.str()).bind(14, as_int(r.seq));
    bind_text_or_null(q, 15, r.table);
    bind_text_or_null(q, 16, r.row_id);
    q.bind(17, r.reason);
    LIAISON_RETURN_IF_ERROR(q.run());
  }
  return {};
}

sync::DeviceScope scope_of(const sync::Principal& p) {
  return {p.role, p.station_id, p.spokesperson_id, p.replica_id};
}

sync::GuardFactory scope_guards(sync::Replica& replica) {
  return [&replica](const sync::Principal& pusher) -> sync::ChangeGuard {
    auto lookup = std::make_shared<sync::ReplicaOpinionLookup>(replica);
    // The scope of each relayed origin, looked up once per session.
    auto relayed = std::make_shared<std::map<Uuid, sync::DeviceScope>>();
    sync::DeviceScope own = scope_of(pusher);
    return [&replica, lookup, relayed, own](const sync::ChangeView& v) -> std::optional<std::string> {
      sync::DeviceScope scope = own;
      if (v.origin != own.replica_id) {
        auto it = relayed->find(v.origin);
        if (it == relayed->end()) {
          auto bound = app::device_for_replica(replica, v.origin);
          if (!bound) return std::string("lookup_failed");
          // An origin bound to no device (a spokesperson device that only ever synced through
          // its station hub) gets the relaying station's rights, as that replica.
          sync::DeviceScope s = own;
          if (own.role == sync::Role::kStation) s.replica_id = v.origin;
          if (bound.value()) {
            auto bound_scope = app::device_scope(**bound);
            if (!bound_scope) return std::string("lookup_failed");
            s = bound_scope.value();
          }
          it = relayed->emplace(v.origin, s).first;
        }
        scope = it->second;
      }
      auto verdict = sync::check_write(scope, v.table, v.create, v.created, v.existing, *lookup);
      if (!verdict) return std::string("lookup_failed");
      if (verdict.value()) return std::string(sync::scope_refusal_name(*verdict.value()));
      return std::nullopt;
    };
  };
}

sync::FilterFactory scope_filters(sync::Replica& replica) {
  return [&replica](const sync::Principal& p) -> sync::RowFilter {
    if (p.role == sync::Role::kDistrict) return {};
    auto lookup = std::make_shared<sync::ReplicaOpinionLookup>(replica);
    sync::DeviceScope scope = scope_of(p);
    return [lookup, scope](const sync::TablePolicy& t, const sync::Row& row) {
      auto ok = sync::visible(scope, t, row.values, *lookup);
      return ok && ok.value();
    };
  };
}

}  // namespace liaison::service
