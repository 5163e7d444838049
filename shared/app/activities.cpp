// Writing activities: announcing, logging, recording as held (with attendance and opinions
// taken) and cancelling. Reading is in activity_query.cpp.
#include "shared/app/activities.h"

#include <algorithm>

#include "shared/app/parse.h"
#include "shared/app/record_checks.h"
#include "shared/app/tables.h"
#include "shared/app/vocab.h"

namespace liaison::app {

namespace {

const sync::TablePolicy& activity_table() { return table_named("activity"); }

// The people and opinions of a held activity, checked and not yet linked to it.
struct Links {
  std::vector<std::string> deputies, spokespersons, opinions;
  bool empty() const { return deputies.empty() && spokespersons.empty() && opinions.empty(); }
};

// OK when the record id of table is here and, when station is given, belongs to that station;
// InvalidArgument unknown_key (detail: the id) otherwise.
Status check_linked(sync::Replica& r, std::string_view table, const std::string& id,
                    const OptText& station, const char* unknown_key) {
  Result<std::optional<std::string>> own = row_station(r, table, id, unknown_key);
  if (!own) {
    if (own.status().code() == Code::kNotFound) return Status::invalid(unknown_key, id);
    return own.status();
  }
  if (station && *own != station) return Status::invalid(unknown_key, id);
  return {};
}

Result<Links> check_links(sync::Replica& r, const OptText& station, const HeldInput& in) {
  Links l;
  LIAISON_ASSIGN_OR_RETURN(l.deputies, distinct_ids(in.deputies));
  for (const std::string& id : l.deputies) {
    LIAISON_ASSIGN_OR_RETURN(bool found, row_exists(r, "deputy", id));
    if (!found) return Status::invalid("err.unknown_deputy", id);
  }
  LIAISON_ASSIGN_OR_RETURN(l.spokespersons, distinct_ids(in.spokespersons));
  for (const std::string& id : l.spokespersons)
    LIAISON_RETURN_IF_ERROR(
        check_linked(r, "spokesperson", id, station, "err.unknown_spokesperson"));
  LIAISON_ASSIGN_OR_RETURN(l.opinions, distinct_ids(in.opinions));
  for (const std::string& id : l.opinions)
    LIAISON_RETURN_IF_ERROR(check_linked(r, "opinion", id, station, "err.unknown_opinion"));
  return l;
}

// The values of column in table for the rows of one activity.
Result<std::vector<std::string>> linked(sync::Replica& r, const std::string& table,
                                        const std::string& column, const std::string& activity) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, r.db().prepare("SELECT " + column + " FROM " + table +
                                                           " WHERE activity_id = ?"));
  q.bind(1, activity);
  return q.texts();
}

void drop_known(std::vector<std::string>& ids, const std::vector<std::string>& known) {
  std::erase_if(ids, [&](const std::string& id) {
    return std::find(known.begin(), known.end(), id) != known.end();
  });
}

// Removes from l what the activity already links, so that nothing is recorded twice.
Status drop_linked(sync::Replica& r, const std::string& activity, Links& l) {
  LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> people,
                           linked(r, "attendance", "person_id", activity));
  drop_known(l.deputies, people);
  drop_known(l.spokespersons, people);
  LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> opinions,
                           linked(r, "activity_opinion", "opinion_id", activity));
  drop_known(l.opinions, opinions);
  return {};
}

// REQUIRES: inside Replica::write().
Status insert_links(sync::Replica& r, const std::string& activity, const OptText& station,
                    const Links& l) {
  const sync::TablePolicy& attendance = table_named("attendance");
  auto attend = [&](std::string_view kind, const std::string& person) -> Status {
    FieldList f(attendance);
    f.set("activity_id", activity).set_text("station_id", station);
    f.set("person_kind", std::string(kind)).set("person_id", person);
    Result<std::string> id = r.insert(attendance, f.fields());
    return id ? Status{} : id.status();
  };
  for (const std::string& d : l.deputies) LIAISON_RETURN_IF_ERROR(attend(kDeputyAttendee, d));
  for (const std::string& s : l.spokespersons)
    LIAISON_RETURN_IF_ERROR(attend(kSpokespersonAttendee, s));
  const sync::TablePolicy& link = table_named("activity_opinion");
  for (const std::string& o : l.opinions) {
    FieldList f(link);
    f.set("activity_id", activity).set("opinion_id", o).set_text("station_id", station);
    Result<std::string> id = r.insert(link, f.fields());
    if (!id) return id.status();
  }
  return {};
}

// Where a new activity belongs: this station for a reception, a home for a home meeting.
struct Owner {
  OptText station, home;
};

// OK when this device writes activities of the kind: receptions on a station device, home
// meetings at the district.
Status check_writer(const sync::ReplicaInfo& info, std::string_view kind) {
  if (kind == kReception) return require_station_device(info);
  if (info.role != sync::Role::kDistrict)
    return Status(Code::kPermissionDenied, "err.meeting_district_only");
  return {};
}

Result<Owner> check_owner(sync::Replica& r, const std::string& kind, const std::string& home) {
  LIAISON_RETURN_IF_ERROR(check_writer(r.info(), kind));
  if (kind == kReception) return Owner{r.info().station_id, std::nullopt};
  std::string id = trim(home);
  LIAISON_RETURN_IF_ERROR(check_id(id));
  LIAISON_ASSIGN_OR_RETURN(bool found, row_exists(r, "home", id));
  if (!found) return Status::invalid("err.unknown_home", id);
  return Owner{std::nullopt, id};
}

bool has_held_details(const HeldInput& in) {
  return !is_blank(in.voters) || !in.deputies.empty() || !in.spokespersons.empty() ||
         !in.opinions.empty();
}

}  // namespace

Result<std::string> add_activity(sync::Replica& replica, const ActivityInput& in) {
  std::string kind = trim(in.kind);
  if (!is_one_of(kActivityKinds, kind)) return Status::invalid("err.bad_activity_kind", kind);
  LIAISON_ASSIGN_OR_RETURN(Owner owner, check_owner(replica, kind, in.home));
  LIAISON_ASSIGN_OR_RETURN(std::string date, parse_date(in.held.date));
  LIAISON_ASSIGN_OR_RETURN(std::string place, required_text(in.place, "place"));
  LIAISON_ASSIGN_OR_RETURN(std::string topic, required_text(in.topic, "topic"));
  LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> note, optional_text(in.held.note, "note"));
  if (in.planned && has_held_details(in.held)) return Status::invalid("err.planned_attendance");
  LIAISON_ASSIGN_OR_RETURN(std::optional<int64_t> voters, optional_count(in.held.voters));
  LIAISON_ASSIGN_OR_RETURN(Links links, check_links(replica, owner.station, in.held));
  FieldList f(activity_table());
  f.set_text("station_id", owner.station).set_text("home_id", owner.home);
  f.set("kind", kind).set(in.planned ? "planned_on" : "held_on", date);
  f.set("place", place).set("topic", topic).set_text("note", note);
  if (voters) f.set("voters_received", *voters);
  f.set("created_at", replica.now_iso());
  std::string id;
  LIAISON_RETURN_IF_ERROR(replica.write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(id, replica.insert(activity_table(), f.fields()));
    return insert_links(replica, id, owner.station, links);
  }));
  return id;
}

Status record_held(sync::Replica& replica, const std::string& id, const HeldInput& in) {
  LIAISON_ASSIGN_OR_RETURN(Activity a, get_activity(replica, id));
  if (a.void_reason) return Status::invalid("err.activity_void", id);
  LIAISON_RETURN_IF_ERROR(check_writer(replica.info(), a.kind));
  LIAISON_ASSIGN_OR_RETURN(std::string date, parse_date(in.date));
  LIAISON_ASSIGN_OR_RETURN(std::optional<int64_t> voters, optional_count(in.voters));
  LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> note, optional_text(in.note, "note"));
  LIAISON_ASSIGN_OR_RETURN(Links links, check_links(replica, a.station, in));
  LIAISON_RETURN_IF_ERROR(drop_linked(replica, id, links));
  FieldList f(activity_table());
  f.set("held_on", date);
  if (voters) f.set("voters_received", *voters);
  if (note) f.set("note", *note);
  return replica.write([&]() -> Status {
    LIAISON_RETURN_IF_ERROR(replica.update(activity_table(), id, f.fields()));
    return insert_links(replica, id, a.station, links);
  });
}

Status void_activity(sync::Replica& replica, const std::string& id, const std::string& reason) {
  LIAISON_ASSIGN_OR_RETURN(std::string why, required_text(reason, "reason"));
  LIAISON_ASSIGN_OR_RETURN(Activity a, get_activity(replica, id));
  LIAISON_RETURN_IF_ERROR(check_writer(replica.info(), a.kind));
  if (a.void_reason) return Status::invalid("err.activity_void", id);
  FieldList f(activity_table());
  f.set("void_reason", why);
  return replica.write([&] { return replica.update(activity_table(), id, f.fields()); });
}

}  // namespace liaison::app
