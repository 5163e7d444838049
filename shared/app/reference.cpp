#include "shared/app/reference.h"

#include <functional>

#include "shared/app/deputy_profile.h"
#include "shared/app/parse.h"
#include "shared/app/tables.h"
#include "shared/app/vocab.h"

namespace liaison::app {

namespace {

Status require_district(sync::Replica& r) {
  if (r.info().role != sync::Role::kDistrict) return Status(Code::kPermissionDenied, "err.district_only");
  return {};
}

Result<bool> exists(sync::Replica& r, std::string_view table, const std::string& id) {
  LIAISON_ASSIGN_OR_RETURN(std::optional<sync::Row> row, r.load(table_named(table), id));
  return row.has_value();
}

// Checks the id and name every reference row has.
Status check_id_name(const std::string& id, const std::string& name) {
  LIAISON_RETURN_IF_ERROR(check_id(id));
  return check_required_text(name, "name");
}

// Checked optional text: trimmed, empty when blank.
Result<std::string> optional_text(const std::string& text, const char* field) {
  if (is_blank(text)) return std::string();
  LIAISON_RETURN_IF_ERROR(check_text(text, field));
  return trim(text);
}

Status insert(sync::Replica& r, std::string_view table, const std::string& id, const FieldList& f) {
  return r.write([&]() -> Status {
    Result<std::string> written = r.insert(table_named(table), f.fields(), id);
    return written ? Status{} : written.status();
  });
}

// Runs sql (with an optional id parameter) and reads every row with read.
template <typename T>
Result<std::vector<T>> query(sync::Replica& r, std::string sql, const std::string& id,
                             const std::function<T(const storage::Stmt&)>& read) {
  sql += id.empty() ? " ORDER BY id" : " WHERE id = ?";
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, r.db().prepare(sql));
  if (!id.empty()) q.bind(1, id);
  std::vector<T> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    out.push_back(read(q));
  }
  return out;
}

Result<std::vector<Home>> homes(sync::Replica& r, const std::string& id) {
  return query<Home>(r, "SELECT id, name, created_at, township, void_reason FROM home", id,
                     [](const storage::Stmt& q) {
                       return Home{q.column_text(0), q.column_text(1), q.column_text(2),
                                   opt_text(q, 3), opt_text(q, 4)};
                     });
}

Result<std::vector<Station>> stations(sync::Replica& r, const std::string& id) {
  return query<Station>(r,
                        "SELECT id, name, created_at, home_id, kind, township, void_reason, "
                        "voters FROM station",
                        id, [](const storage::Stmt& q) {
                          return Station{q.column_text(0), q.column_text(1), q.column_text(2),
                                         opt_text(q, 3),   opt_text(q, 4),   opt_text(q, 5),
                                         opt_text(q, 6),   opt_int(q, 7)};
                        });
}

Result<std::vector<Deputy>> deputies(sync::Replica& r, const std::string& id) {
  return query<Deputy>(r,
                       "SELECT id, name, level, created_at, home_id, station_id, work_unit, "
                       "phone, void_reason, gender, term_start, term_end FROM deputy",
                       id, [](const storage::Stmt& q) {
                         return Deputy{q.column_text(0), q.column_text(1), q.column_text(2),
                                       q.column_text(3), opt_text(q, 4),   opt_text(q, 5),
                                       opt_text(q, 6),   opt_text(q, 7),   opt_text(q, 8),
                                       opt_text(q, 9),   opt_text(q, 10),  opt_text(q, 11)};
                       });
}

// The one row just written.
template <typename T>
Result<T> first(Result<std::vector<T>> rows, const std::string& id) {
  if (!rows) return rows.status();
  if (rows->empty()) return Status::internal("row not stored: " + id);
  return std::move(rows->front());
}

// Checks the deputy's level and the home or station it is fixed to.
Status check_deputy_place(sync::Replica& r, const DeputyInput& in) {
  if (!is_one_of(kLevels, in.level)) return Status::invalid("err.bad_level", in.level);
  bool city = in.level == "city";
  const std::string& place = city ? in.home : in.station;
  const std::string& other = city ? in.station : in.home;
  if (is_blank(place) || !is_blank(other)) return Status::invalid("err.deputy_place", in.level);
  LIAISON_ASSIGN_OR_RETURN(bool found, exists(r, city ? "home" : "station", trim(place)));
  if (!found) return Status::invalid(city ? "err.unknown_home" : "err.unknown_station", trim(place));
  return {};
}

}  // namespace

Result<Home> add_home(sync::Replica& replica, const HomeInput& in) {
  LIAISON_RETURN_IF_ERROR(require_district(replica));
  LIAISON_RETURN_IF_ERROR(check_id_name(in.id, in.name));
  LIAISON_ASSIGN_OR_RETURN(std::string township, optional_text(in.township, "township"));
  FieldList f(table_named("home"));
  f.set("created_at", replica.now_iso()).set("name", trim(in.name)).set_text("township", township);
  LIAISON_RETURN_IF_ERROR(insert(replica, "home", in.id, f));
  return first(homes(replica, in.id), in.id);
}

Result<Station> add_station(sync::Replica& replica, const StationInput& in) {
  LIAISON_RETURN_IF_ERROR(require_district(replica));
  LIAISON_RETURN_IF_ERROR(check_id_name(in.id, in.name));
  LIAISON_ASSIGN_OR_RETURN(std::string township, optional_text(in.township, "township"));
  std::string kind = trim(in.kind);
  if (!kind.empty() && !is_one_of(kStationKinds, kind)) return Status::invalid("err.bad_kind", kind);
  FieldList f(table_named("station"));
  if (!is_blank(in.voters)) {
    LIAISON_ASSIGN_OR_RETURN(int64_t voters, parse_count(in.voters));
    f.set("voters", voters);
  }
  std::string home = trim(in.home);
  if (!home.empty()) {
    LIAISON_ASSIGN_OR_RETURN(bool found, exists(replica, "home", home));
    if (!found) return Status::invalid("err.unknown_home", home);
  }
  f.set("created_at", replica.now_iso()).set("name", trim(in.name)).set_text("home_id", home);
  f.set_text("kind", kind).set_text("township", township);
  LIAISON_RETURN_IF_ERROR(insert(replica, "station", in.id, f));
  return first(stations(replica, in.id), in.id);
}

Result<Deputy> add_deputy(sync::Replica& replica, const DeputyInput& in) {
  LIAISON_RETURN_IF_ERROR(require_district(replica));
  LIAISON_RETURN_IF_ERROR(check_id_name(in.id, in.name));
  LIAISON_RETURN_IF_ERROR(check_deputy_place(replica, in));
  LIAISON_ASSIGN_OR_RETURN(std::string work_unit, optional_text(in.work_unit, "work_unit"));
  FieldList f(table_named("deputy"));
  if (!is_blank(in.phone)) {
    LIAISON_ASSIGN_OR_RETURN(std::string phone, parse_phone(in.phone));
    f.set("phone", phone);
  }
  f.set("created_at", replica.now_iso()).set("name", trim(in.name)).set("level", in.level);
  f.set_text("home_id", trim(in.home)).set_text("station_id", trim(in.station));
  f.set_text("work_unit", work_unit);
  LIAISON_RETURN_IF_ERROR(collect_deputy_profile(in.profile, f));
  LIAISON_RETURN_IF_ERROR(insert(replica, "deputy", in.id, f));
  return first(deputies(replica, in.id), in.id);
}

Result<std::vector<Home>> list_homes(sync::Replica& replica) { return homes(replica, {}); }
Result<std::vector<Station>> list_stations(sync::Replica& replica) { return stations(replica, {}); }
Result<std::vector<Deputy>> list_deputies(sync::Replica& replica) { return deputies(replica, {}); }
Result<Deputy> get_deputy(sync::Replica& replica, const std::string& id) {
  if (id.empty()) return Status::not_found("err.unknown_deputy", id);  // "" would list them all
  LIAISON_ASSIGN_OR_RETURN(std::vector<Deputy> found, deputies(replica, id));
  if (found.empty()) return Status::not_found("err.unknown_deputy", id);
  return std::move(found.front());
}

}  // namespace liaison::app
