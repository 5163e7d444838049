#include "shared/app/deputies.h"

#include "shared/app/deputy_profile.h"
#include "shared/app/opinion_query.h"
#include "shared/app/parse.h"
#include "shared/app/record_checks.h"
#include "shared/app/tables.h"
#include "shared/app/vocab.h"

namespace liaison::app {

namespace {

const sync::TablePolicy& deputy_table() { return table_named("deputy"); }

Status check_term_order(const OptText& start, const OptText& end) {
  if (start && end && *end < *start)
    return Status::invalid("err.term_order", *start + " > " + *end);
  return {};
}

// The optional fields of an edit that take a checked text; nullopt leaves the field alone.
Status collect_edit(const DeputyEdit& e, FieldList& f) {
  if (e.phone) {
    if (is_blank(*e.phone)) {
      f.set("phone", Value{});
    } else {
      LIAISON_ASSIGN_OR_RETURN(std::string phone, parse_phone(*e.phone));
      f.set("phone", phone);
    }
  }
  if (e.work_unit) {
    LIAISON_ASSIGN_OR_RETURN(OptText unit, optional_text(*e.work_unit, "work_unit"));
    f.set_text("work_unit", unit);
  }
  if (e.gender) {
    LIAISON_ASSIGN_OR_RETURN(OptText gender, optional_gender(*e.gender));
    f.set_text("gender", gender);
  }
  return {};
}

void add_month(std::vector<MonthCount>& months, const std::string& date) {
  std::string month = date.substr(0, 7);
  if (months.empty() || months.back().month != month) months.push_back({month, 0});
  ++months.back().activities;
}

// The opinions taken at one activity, as the archive shows them.
Status add_opinions(sync::Replica& r, const Activity& activity,
                    std::vector<ArchivedOpinion>& out) {
  LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> ids, activity_opinion_ids(r, activity.id));
  for (const std::string& id : ids) {
    Result<Opinion> o = get_opinion(r, id);
    if (!o && o.status().code() == Code::kNotFound) continue;  // not here yet
    if (!o) return o.status();
    out.push_back({o->id, activity.id, o->at, status_name(o->status), o->matter, o->category});
  }
  return {};
}

}  // namespace

Status collect_deputy_profile(const DeputyProfile& p, FieldList& f) {
  LIAISON_ASSIGN_OR_RETURN(OptText gender, optional_gender(p.gender));
  LIAISON_ASSIGN_OR_RETURN(OptText start, optional_date(p.term_start));
  LIAISON_ASSIGN_OR_RETURN(OptText end, optional_date(p.term_end));
  LIAISON_RETURN_IF_ERROR(check_term_order(start, end));
  if (gender) f.set("gender", *gender);
  if (start) f.set("term_start", *start);
  if (end) f.set("term_end", *end);
  return {};
}

Result<std::string> add_deputy_report(sync::Replica& replica, const ReportInput& in) {
  const sync::ReplicaInfo& info = replica.info();
  LIAISON_RETURN_IF_ERROR(require_station_or_district(info));
  std::string deputy_id = trim(in.deputy);
  LIAISON_RETURN_IF_ERROR(check_id(deputy_id));
  LIAISON_ASSIGN_OR_RETURN(std::string date, parse_date(in.date));
  std::string form = trim(in.form);
  if (!form.empty() && !is_one_of(kReportForms, form))
    return Status::invalid("err.bad_report_form", form);
  LIAISON_ASSIGN_OR_RETURN(OptText note, optional_text(in.note, "note"));
  Result<Deputy> deputy = get_deputy(replica, deputy_id);
  if (!deputy && deputy.status().code() == Code::kNotFound)
    return Status::invalid("err.unknown_deputy", deputy_id);
  if (!deputy) return deputy.status();
  OptText station = info.role == sync::Role::kDistrict ? deputy->station : OptText(info.station_id);
  const sync::TablePolicy& t = table_named("deputy_report");
  FieldList f(t);
  f.set("deputy_id", deputy_id).set_text("station_id", station).set("reported_on", date);
  f.set_text("form", form).set_text("note", note);
  std::string id;
  LIAISON_RETURN_IF_ERROR(replica.write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(id, replica.insert(t, f.fields()));
    return {};
  }));
  return id;
}

Result<std::vector<DeputyReport>> list_deputy_reports(sync::Replica& replica,
                                                      const std::string& deputy) {
  if (!deputy.empty()) {
    Result<Deputy> known = get_deputy(replica, deputy);
    if (!known) return known.status();
  }
  std::string sql = "SELECT id, deputy_id, reported_on, station_id, form, note FROM deputy_report";
  if (!deputy.empty()) sql += " WHERE deputy_id = ?";
  sql += " ORDER BY reported_on DESC, id DESC";
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, replica.db().prepare(sql));
  if (!deputy.empty()) q.bind(1, deputy);
  std::vector<DeputyReport> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    out.push_back({q.column_text(0), q.column_text(1), q.column_text(2), opt_text(q, 3),
                   opt_text(q, 4), opt_text(q, 5)});
  }
  return out;
}

Result<Deputy> set_deputy(sync::Replica& replica, const std::string& id, const DeputyEdit& edit) {
  if (replica.info().role != sync::Role::kDistrict)
    return Status(Code::kPermissionDenied, "err.district_only");
  FieldList f(deputy_table());
  LIAISON_RETURN_IF_ERROR(collect_edit(edit, f));
  OptText start, end;
  if (edit.term_start) {
    LIAISON_ASSIGN_OR_RETURN(start, optional_date(*edit.term_start));
    f.set_text("term_start", start);
  }
  if (edit.term_end) {
    LIAISON_ASSIGN_OR_RETURN(end, optional_date(*edit.term_end));
    f.set_text("term_end", end);
  }
  if (f.empty()) return Status::invalid("err.no_change");
  LIAISON_ASSIGN_OR_RETURN(Deputy current, get_deputy(replica, id));
  LIAISON_RETURN_IF_ERROR(check_term_order(edit.term_start ? start : current.term_start,
                                           edit.term_end ? end : current.term_end));
  LIAISON_RETURN_IF_ERROR(
      replica.write([&] { return replica.update(deputy_table(), id, f.fields()); }));
  return get_deputy(replica, id);
}

Result<DeputyArchive> deputy_archive(sync::Replica& replica, const std::string& id) {
  DeputyArchive a;
  LIAISON_ASSIGN_OR_RETURN(a.deputy, get_deputy(replica, id));
  LIAISON_ASSIGN_OR_RETURN(a.activities, activities_attended(replica, id));
  for (const Activity& activity : a.activities) {
    add_month(a.by_month, activity_date(activity));
    LIAISON_RETURN_IF_ERROR(add_opinions(replica, activity, a.opinions));
  }
  LIAISON_ASSIGN_OR_RETURN(a.reports, list_deputy_reports(replica, id));
  if (const OptText& start = a.deputy.term_start) {
    int64_t n = 0;
    for (const DeputyReport& r : a.reports)
      if (r.reported_on >= *start && (!a.deputy.term_end || r.reported_on <= *a.deputy.term_end))
        ++n;
    a.reports_in_term = n;
  }
  return a;
}

}  // namespace liaison::app
