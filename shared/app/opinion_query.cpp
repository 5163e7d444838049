#include "shared/app/opinion_query.h"

#include <map>

#include "shared/app/attachments.h"
#include "shared/app/parse.h"
#include "shared/app/tables.h"

namespace liaison::app {

namespace {

constexpr const char* kOpinionColumns =
    "id, station_id, voter, phone, place, matter, category, source, at, spokesperson_id, "
    "void_reason, created_at, recorded_by";

using StepMap = std::map<std::string, std::vector<StepEvent>>;

Opinion read_opinion(const storage::Stmt& q) {
  Opinion o;
  o.id = q.column_text(0);
  o.station = q.column_text(1);
  o.voter = q.column_text(2);
  o.phone = opt_text(q, 3);
  o.place = opt_text(q, 4);
  o.matter = q.column_text(5);
  o.category = opt_text(q, 6);
  o.source = q.column_text(7);
  o.at = q.column_text(8);
  o.spokesperson = opt_text(q, 9);
  o.void_reason = opt_text(q, 10);
  o.created_at = q.column_text(11);
  o.recorded_by = q.column_text(12);
  return o;
}

// The steps of every opinion (or of one), as far as the status needs them.
Result<StepMap> step_events(sync::Replica& r, const std::string& opinion_id = {}) {
  std::string sql = "SELECT opinion_id, id, step, at FROM opinion_step";
  if (!opinion_id.empty()) sql += " WHERE opinion_id = ?";
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, r.db().prepare(sql));
  if (!opinion_id.empty()) q.bind(1, opinion_id);
  StepMap out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    out[q.column_text(0)].push_back({q.column_text(3), q.column_text(1), q.column_text(2)});
  }
  return out;
}

void derive(Opinion& o, const StepMap& steps) {
  auto it = steps.find(o.id);
  std::vector<StepEvent> events = it == steps.end() ? std::vector<StepEvent>{} : it->second;
  o.status = derive_status(std::move(events), o.void_reason.has_value());
}

// "%text%" for LIKE ... ESCAPE '\', with the wildcards in text taken literally.
std::string like_pattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

// The query for the SQL-side filters, with its parameters in order.
struct Query {
  std::string sql;
  std::vector<Value> params;
};

Result<Query> build_query(sync::Replica& r, const OpinionFilter& f) {
  Query q{std::string("SELECT ") + kOpinionColumns + " FROM opinion WHERE 1=1", {}};
  if (!f.station.empty()) {
    q.sql += " AND station_id = ?";
    q.params.emplace_back(f.station);
  }
  if (!f.category.empty()) {
    LIAISON_RETURN_IF_ERROR(check_text(f.category, "category"));
    q.sql += " AND category = ?";
    q.params.emplace_back(f.category);
  }
  if (!f.search.empty()) {
    LIAISON_RETURN_IF_ERROR(check_text(f.search, "search"));
    q.sql += " AND (matter LIKE ? ESCAPE '\\' OR place LIKE ? ESCAPE '\\' OR "
             "voter LIKE ? ESCAPE '\\')";
    for (int i = 0; i < 3; ++i) q.params.emplace_back(like_pattern(f.search));
  }
  if (f.overdue) {
    int64_t days = kDefaultOverdueDays;
    if (!f.overdue_days.empty()) {
      LIAISON_ASSIGN_OR_RETURN(days, parse_count(f.overdue_days));
    }
    q.sql += " AND julianday(at) < julianday(?) - ?";
    q.params.emplace_back(r.now_iso());
    q.params.emplace_back(days);
  }
  q.sql += " ORDER BY julianday(at) DESC, at DESC, id DESC";
  return q;
}

}  // namespace

Result<std::vector<Opinion>> list_opinions(sync::Replica& replica, const OpinionFilter& given) {
  OpinionFilter filter = given;
  filter.overdue = filter.overdue || !filter.overdue_days.empty();
  std::optional<OpinionStatus> wanted;
  if (!filter.status.empty()) {
    wanted = parse_status(filter.status);
    if (!wanted) return Status::invalid("err.bad_status", filter.status);
  }
  LIAISON_ASSIGN_OR_RETURN(Query query, build_query(replica, filter));
  LIAISON_ASSIGN_OR_RETURN(StepMap steps, step_events(replica));
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, replica.db().prepare(query.sql));
  for (size_t i = 0; i < query.params.size(); ++i) q.bind(static_cast<int>(i + 1), query.params[i]);
  std::vector<Opinion> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    Opinion o = read_opinion(q);
    derive(o, steps);
    if (wanted && o.status != *wanted) continue;
    if (filter.overdue && is_settled(o.status)) continue;
    out.push_back(std::move(o));
  }
  return out;
}

Result<Opinion> get_opinion(sync::Replica& replica, const std::string& id) {
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt q,
      replica.db().prepare(std::string("SELECT ") + kOpinionColumns + " FROM opinion WHERE id = ?"));
  q.bind(1, id);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (!found) return Status::not_found("err.not_found", id);
  Opinion o = read_opinion(q);
  q.reset();
  LIAISON_ASSIGN_OR_RETURN(StepMap steps, step_events(replica, id));
  derive(o, steps);
  return o;
}

Result<OpinionDetail> show_opinion(sync::Replica& replica, const std::string& id) {
  OpinionDetail d;
  LIAISON_ASSIGN_OR_RETURN(d.opinion, get_opinion(replica, id));
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt s,
                           replica.db().prepare("SELECT id, opinion_id, step, to_org, channel, "
                                                "note, by_id, at, recorded_by FROM opinion_step "
                                                "WHERE opinion_id = ? ORDER BY at, id"));
  s.bind(1, id);
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, s.step());
    if (!more) break;
    d.steps.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(7),
                       s.column_text(8), opt_text(s, 3), opt_text(s, 4), opt_text(s, 5),
                       opt_text(s, 6)});
  }
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt a,
                           replica.db().prepare("SELECT id, opinion_id, body, at, recorded_by, "
                                                "by_id FROM amendment WHERE opinion_id = ? "
                                                "ORDER BY at, id"));
  a.bind(1, id);
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, a.step());
    if (!more) break;
    d.amendments.push_back({a.column_text(0), a.column_text(1), a.column_text(2),
                            a.column_text(3), a.column_text(4), opt_text(a, 5)});
  }
  LIAISON_ASSIGN_OR_RETURN(d.conflicts, replica.conflicts(false, id));
  LIAISON_ASSIGN_OR_RETURN(d.attachments, attachments_of(replica, id));
  return d;
}

}  // namespace liaison::app
