// Reading activities: filtered lists, one activity with its attendees, opinions and
// attachments, and the activities one person attended (the deputies' ledger).
#include <array>

#include "shared/app/activities.h"
#include "shared/app/attachments.h"
#include "shared/app/opinion_query.h"
#include "shared/app/tables.h"
#include "shared/app/vocab.h"

namespace liaison::app {

namespace {

constexpr std::array<std::string_view, 3> kStates = {"planned", "held", "void"};

constexpr const char* kSelect =
    "SELECT a.id, a.kind, a.created_at, a.station_id, a.home_id, a.planned_on, a.held_on, "
    "a.place, a.topic, a.note, a.void_reason, a.voters_received, "
    "(SELECT COUNT(DISTINCT t.person_id) FROM attendance t WHERE t.activity_id = a.id AND "
    "t.person_kind = 'deputy'), "
    "(SELECT COUNT(DISTINCT t.person_id) FROM attendance t WHERE t.activity_id = a.id AND "
    "t.person_kind = 'spokesperson'), "
    "(SELECT COUNT(DISTINCT l.opinion_id) FROM activity_opinion l WHERE l.activity_id = a.id) "
    "FROM activity a WHERE 1=1";

Activity read_activity(const storage::Stmt& q) {
  Activity a;
  a.id = q.column_text(0);
  a.kind = q.column_text(1);
  a.created_at = q.column_text(2);
  a.station = opt_text(q, 3);
  a.home = opt_text(q, 4);
  a.planned_on = opt_text(q, 5);
  a.held_on = opt_text(q, 6);
  a.place = opt_text(q, 7);
  a.topic = opt_text(q, 8);
  a.note = opt_text(q, 9);
  a.void_reason = opt_text(q, 10);
  a.voters = opt_int(q, 11);
  a.deputies = q.column_int(12);
  a.spokespersons = q.column_int(13);
  a.opinions = q.column_int(14);
  return a;
}

Result<std::vector<Activity>> query(sync::Replica& r, const std::string& sql,
                                    const std::vector<std::string>& params) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, r.db().prepare(sql));
  for (size_t i = 0; i < params.size(); ++i) q.bind(static_cast<int>(i + 1), params[i]);
  std::vector<Activity> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    out.push_back(read_activity(q));
  }
  return out;
}

Result<std::vector<Attendee>> attendees(sync::Replica& r, const std::string& activity) {
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt q,
      r.db().prepare("SELECT t.person_kind, t.person_id, CASE t.person_kind "
                     "WHEN 'deputy' THEN (SELECT name FROM deputy WHERE id = t.person_id) "
                     "ELSE (SELECT name FROM spokesperson WHERE id = t.person_id) END "
                     "FROM attendance t WHERE t.activity_id = ? "
                     "GROUP BY t.person_kind, t.person_id "
                     "ORDER BY t.person_kind <> 'deputy', t.person_kind, t.person_id"));
  q.bind(1, activity);
  std::vector<Attendee> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    out.push_back({q.column_text(0), q.column_text(1), opt_text(q, 2)});
  }
  return out;
}

}  // namespace

const char* activity_state(const Activity& a) {
  if (a.void_reason) return "void";
  return a.held_on ? "held" : "planned";
}

std::string activity_date(const Activity& a) {
  return a.held_on ? *a.held_on : a.planned_on.value_or("");
}

Result<std::vector<Activity>> list_activities(sync::Replica& replica, const ActivityFilter& f) {
  std::string sql = kSelect;
  std::vector<std::string> params;
  if (!f.kind.empty()) {
    if (!is_one_of(kActivityKinds, f.kind)) return Status::invalid("err.bad_activity_kind", f.kind);
    sql += " AND a.kind = ?";
    params.push_back(f.kind);
  }
  if (!f.home.empty()) {
    sql += " AND a.home_id = ?";
    params.push_back(f.home);
  }
  if (!f.state.empty()) {
    if (!is_one_of(kStates, f.state)) return Status::invalid("err.bad_activity_state", f.state);
    if (f.state == "void") sql += " AND a.void_reason IS NOT NULL";
    else if (f.state == "held") sql += " AND a.void_reason IS NULL AND a.held_on IS NOT NULL";
    else sql += " AND a.void_reason IS NULL AND a.held_on IS NULL";
  }
  sql += " ORDER BY COALESCE(a.held_on, a.planned_on) DESC, a.id DESC";
  return query(replica, sql, params);
}

Result<Activity> get_activity(sync::Replica& replica, const std::string& id) {
  LIAISON_ASSIGN_OR_RETURN(std::vector<Activity> found,
                           query(replica, std::string(kSelect) + " AND a.id = ?", {id}));
  if (found.empty()) return Status::not_found("err.not_found", id);
  return std::move(found.front());
}

Result<std::vector<std::string>> activity_opinion_ids(sync::Replica& replica,
                                                      const std::string& activity_id) {
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt q,
      replica.db().prepare("SELECT DISTINCT l.opinion_id, o.at FROM activity_opinion l "
                           "LEFT JOIN opinion o ON o.id = l.opinion_id WHERE l.activity_id = ? "
                           "ORDER BY o.at IS NULL, o.at, l.opinion_id"));
  q.bind(1, activity_id);
  return q.texts();
}

Result<ActivityDetail> show_activity(sync::Replica& replica, const std::string& id) {
  ActivityDetail d;
  LIAISON_ASSIGN_OR_RETURN(d.activity, get_activity(replica, id));
  LIAISON_ASSIGN_OR_RETURN(d.attendees, attendees(replica, id));
  LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> opinions, activity_opinion_ids(replica, id));
  for (const std::string& opinion_id : opinions) {
    Result<Opinion> o = get_opinion(replica, opinion_id);
    // A link can arrive before its opinion (relayed by another route): show what is here.
    if (!o && o.status().code() == Code::kNotFound) continue;
    if (!o) return o.status();
    d.opinions.push_back(std::move(o).value());
  }
  LIAISON_ASSIGN_OR_RETURN(d.attachments, attachments_of(replica, id));
  return d;
}

Result<std::vector<Activity>> activities_attended(sync::Replica& replica,
                                                 const std::string& person_id) {
  return query(replica,
               std::string(kSelect) +
                   " AND a.held_on IS NOT NULL AND a.void_reason IS NULL AND a.id IN "
                   "(SELECT activity_id FROM attendance WHERE person_id = ?) "
                   "ORDER BY a.held_on, a.id",
               {person_id});
}

}  // namespace liaison::app
