// Writing the spokesperson archive: the roster and visit rounds. Reading and the coverage check
// are in spokesperson_query.cpp.
#include "shared/app/spokespersons.h"

#include "shared/app/parse.h"
#include "shared/app/record_checks.h"
#include "shared/app/tables.h"

namespace liaison::app {

namespace {

const sync::TablePolicy& spokesperson_table() { return table_named("spokesperson"); }

Result<std::optional<std::string>> checked_phone(const std::string& text) {
  if (is_blank(text)) return std::optional<std::string>{};
  LIAISON_ASSIGN_OR_RETURN(std::string phone, parse_phone(text));
  return std::optional<std::string>(std::move(phone));
}

Value count_value(const std::optional<int64_t>& n) { return n ? Value{*n} : Value{}; }

// Adds the edited fields that take the same checks as on creation to f.
Status collect_edit(const SpokespersonEdit& e, FieldList& f) {
  if (e.name) {
    LIAISON_ASSIGN_OR_RETURN(std::string name, required_text(*e.name, "name"));
    f.set("name", name);
  }
  if (e.phone) {
    LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> phone, checked_phone(*e.phone));
    f.set_text("phone", phone);
  }
  if (e.gender) {
    LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> gender, optional_gender(*e.gender));
    f.set_text("gender", gender);
  }
  if (e.area) {
    LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> area, optional_text(*e.area, "area"));
    f.set_text("area", area);
  }
  if (e.voters) {
    LIAISON_ASSIGN_OR_RETURN(std::optional<int64_t> voters, optional_count(*e.voters));
    f.set("voters", count_value(voters));
  }
  if (e.households) {
    LIAISON_ASSIGN_OR_RETURN(std::optional<int64_t> households, optional_count(*e.households));
    f.set("households", count_value(households));
  }
  if (e.party_member) f.set("party_member", int64_t{*e.party_member ? 1 : 0});
  return {};
}

// The spokesperson a visit is for: checked to be this station's (or this device's own).
Result<std::string> visit_spokesperson(sync::Replica& r, const std::string& typed) {
  const sync::ReplicaInfo& info = r.info();
  std::string id = trim(typed);
  bool own_device = info.role == sync::Role::kSpokesperson;
  if (id.empty() && own_device) id = info.spokesperson_id;
  if (id.empty()) return Status::invalid("err.empty", "spokesperson");
  LIAISON_RETURN_IF_ERROR(check_id(id));
  if (own_device) {
    if (id != info.spokesperson_id) return Status::invalid("err.own_visits_only", id);
    // Its own record may not have reached the device yet: the server checks it on sync.
    return id;
  }
  Result<std::optional<std::string>> station =
      row_station(r, "spokesperson", id, "err.unknown_spokesperson");
  if (!station && station.status().code() == Code::kNotFound)
    return Status::invalid("err.unknown_spokesperson", id);
  if (!station) return station.status();
  if (*station != info.station_id) return Status::invalid("err.unknown_spokesperson", id);
  return id;
}

Status require_spokesperson(sync::Replica& r, const std::string& id) {
  Result<Spokesperson> s = get_spokesperson(r, id);
  return s ? Status{} : s.status();
}

}  // namespace

Result<std::string> add_spokesperson(sync::Replica& replica, const SpokespersonInput& in) {
  LIAISON_RETURN_IF_ERROR(require_station_device(replica.info()));
  SpokespersonEdit e{in.name, in.phone, in.gender, in.area, in.voters, in.households,
                     in.party_member};
  FieldList f(spokesperson_table());
  f.set("station_id", replica.info().station_id);
  LIAISON_RETURN_IF_ERROR(collect_edit(e, f));
  f.set("created_at", replica.now_iso());
  std::string id;
  LIAISON_RETURN_IF_ERROR(replica.write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(id, replica.insert(spokesperson_table(), f.fields()));
    return {};
  }));
  return id;
}

Status set_spokesperson(sync::Replica& replica, const std::string& id, const SpokespersonEdit& e) {
  LIAISON_RETURN_IF_ERROR(require_station_device(replica.info()));
  FieldList f(spokesperson_table());
  LIAISON_RETURN_IF_ERROR(collect_edit(e, f));
  if (f.empty()) return Status::invalid("err.no_change");
  LIAISON_RETURN_IF_ERROR(require_spokesperson(replica, id));
  return replica.write([&] { return replica.update(spokesperson_table(), id, f.fields()); });
}

Status void_spokesperson(sync::Replica& replica, const std::string& id, const std::string& reason) {
  LIAISON_RETURN_IF_ERROR(require_station_device(replica.info()));
  LIAISON_ASSIGN_OR_RETURN(std::string why, required_text(reason, "reason"));
  LIAISON_ASSIGN_OR_RETURN(Spokesperson s, get_spokesperson(replica, id));
  if (s.void_reason) return Status::invalid("err.already_void", id);
  FieldList f(spokesperson_table());
  f.set("void_reason", why);
  return replica.write([&] { return replica.update(spokesperson_table(), id, f.fields()); });
}

Result<std::string> add_visit(sync::Replica& replica, const VisitInput& in) {
  const sync::ReplicaInfo& info = replica.info();
  if (info.station_id.empty()) return Status(Code::kPermissionDenied, "err.no_station");
  LIAISON_ASSIGN_OR_RETURN(std::string date, parse_date(in.date));
  LIAISON_ASSIGN_OR_RETURN(std::optional<int64_t> households, optional_count(in.households));
  LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> note, optional_text(in.note, "note"));
  LIAISON_ASSIGN_OR_RETURN(std::string spokesperson, visit_spokesperson(replica, in.spokesperson));
  const sync::TablePolicy& t = table_named("visit");
  FieldList f(t);
  f.set("spokesperson_id", spokesperson).set("station_id", info.station_id);
  f.set("visited_on", date).set("households", count_value(households)).set_text("note", note);
  f.set("recorded_by", info.id.str());
  std::string id;
  LIAISON_RETURN_IF_ERROR(replica.write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(id, replica.insert(t, f.fields()));
    return {};
  }));
  return id;
}

}  // namespace liaison::app
