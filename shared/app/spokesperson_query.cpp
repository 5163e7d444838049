// Reading the spokesperson archive: the roster, one spokesperson with visits and attachments,
// visit lists and the coverage check.
#include <algorithm>

#include "shared/app/attachments.h"
#include "shared/app/spokespersons.h"
#include "shared/app/tables.h"

namespace liaison::app {

namespace {

constexpr const char* kSelect =
    "SELECT s.id, s.station_id, s.name, s.created_at, s.phone, s.gender, s.area, s.void_reason, "
    "s.party_member, s.voters, s.households, "
    "(SELECT COUNT(*) FROM visit v WHERE v.spokesperson_id = s.id) FROM spokesperson s";

Spokesperson read_spokesperson(const storage::Stmt& q) {
  Spokesperson s;
  s.id = q.column_text(0);
  s.station = q.column_text(1);
  s.name = q.column_text(2);
  s.created_at = q.column_text(3);
  s.phone = opt_text(q, 4);
  s.gender = opt_text(q, 5);
  s.area = opt_text(q, 6);
  s.void_reason = opt_text(q, 7);
  if (std::optional<int64_t> party = opt_int(q, 8)) s.party_member = *party != 0;
  s.voters = opt_int(q, 9);
  s.households = opt_int(q, 10);
  s.visits = q.column_int(11);
  return s;
}

Result<std::vector<Spokesperson>> query(sync::Replica& r, const std::string& id) {
  std::string sql = kSelect;
  sql += id.empty() ? " ORDER BY s.name, s.id" : " WHERE s.id = ?";
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, r.db().prepare(sql));
  if (!id.empty()) q.bind(1, id);
  std::vector<Spokesperson> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    out.push_back(read_spokesperson(q));
  }
  return out;
}

Result<int64_t> count(sync::Replica& r, const std::string& sql, const std::string& param) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, r.db().prepare(sql));
  q.bind(1, param);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  return found ? q.column_int(0) : 0;
}

void add_to(Coverage& c, const Spokesperson& s) {
  ++c.spokespersons;
  if (s.voters) c.covered_voters += *s.voters;
  else ++c.without_area;
  c.households += s.households.value_or(0);
  if (s.gender == "f") ++c.women;
  if (s.gender == "m") ++c.men;
  if (s.party_member.value_or(false)) ++c.party_members;
}

}  // namespace

Result<std::vector<Spokesperson>> list_spokespersons(sync::Replica& replica) {
  return query(replica, {});
}

Result<Spokesperson> get_spokesperson(sync::Replica& replica, const std::string& id) {
  if (id.empty()) return Status::not_found("err.not_found", id);
  LIAISON_ASSIGN_OR_RETURN(std::vector<Spokesperson> found, query(replica, id));
  if (found.empty()) return Status::not_found("err.not_found", id);
  return std::move(found.front());
}

Result<SpokespersonDetail> show_spokesperson(sync::Replica& replica, const std::string& id) {
  SpokespersonDetail d;
  LIAISON_ASSIGN_OR_RETURN(d.spokesperson, get_spokesperson(replica, id));
  LIAISON_ASSIGN_OR_RETURN(d.visits, list_visits(replica, id));
  LIAISON_ASSIGN_OR_RETURN(d.attachments, attachments_of(replica, id));
  LIAISON_ASSIGN_OR_RETURN(
      d.opinions, count(replica, "SELECT COUNT(*) FROM opinion WHERE spokesperson_id = ?", id));
  return d;
}

Result<std::vector<Visit>> list_visits(sync::Replica& replica, const std::string& spokesperson) {
  const sync::ReplicaInfo& info = replica.info();
  bool own = info.role == sync::Role::kSpokesperson && spokesperson == info.spokesperson_id;
  if (!spokesperson.empty() && !own) {
    Result<Spokesperson> known = get_spokesperson(replica, spokesperson);
    if (!known && known.status().code() == Code::kNotFound)
      return Status::not_found("err.unknown_spokesperson", spokesperson);
    if (!known) return known.status();
  }
  std::string sql =
      "SELECT id, spokesperson_id, station_id, visited_on, recorded_by, households, note "
      "FROM visit";
  if (!spokesperson.empty()) sql += " WHERE spokesperson_id = ?";
  sql += " ORDER BY visited_on DESC, id DESC";
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, replica.db().prepare(sql));
  if (!spokesperson.empty()) q.bind(1, spokesperson);
  std::vector<Visit> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    out.push_back({q.column_text(0), q.column_text(1), q.column_text(2), q.column_text(3),
                   q.column_text(4), opt_int(q, 5), opt_text(q, 6)});
  }
  return out;
}

Result<Coverage> spokesperson_coverage(sync::Replica& replica) {
  const std::string& station = replica.info().station_id;
  if (station.empty()) return Status(Code::kPermissionDenied, "err.no_station");
  Coverage c;
  c.station = station;
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           replica.db().prepare("SELECT voters FROM station WHERE id = ?"));
  q.bind(1, station);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (found) c.registered_voters = opt_int(q, 0);
  LIAISON_ASSIGN_OR_RETURN(std::vector<Spokesperson> roster, list_spokespersons(replica));
  for (const Spokesperson& s : roster)
    if (s.station == station && !s.void_reason) add_to(c, s);
  if (c.registered_voters)
    c.uncovered_voters = std::max<int64_t>(0, *c.registered_voters - c.covered_voters);
  return c;
}

}  // namespace liaison::app
