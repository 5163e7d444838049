#include "shared/app/opinions.h"

#include "shared/app/opinion_query.h"
#include "shared/app/parse.h"
#include "shared/app/tables.h"
#include "shared/app/vocab.h"

namespace liaison::app {

namespace {

const sync::TablePolicy& opinion_table() { return table_named("opinion"); }

// The opinion's station, or NotFound when the opinion does not exist here.
Result<std::string> opinion_station(sync::Replica& r, const std::string& id) {
  const sync::TablePolicy& t = opinion_table();
  LIAISON_ASSIGN_OR_RETURN(std::optional<sync::Row> row, r.load(t, id));
  if (!row) return Status::not_found("err.not_found", id);
  const Value& station = row->values[static_cast<size_t>(t.column_index("station_id"))];
  return value_to_display(station);
}

Status require_opinion(sync::Replica& r, const std::string& id) {
  Result<std::string> station = opinion_station(r, id);
  return station ? Status{} : station.status();
}

// Checked optional text: trimmed, nullopt when blank.
Result<std::optional<std::string>> optional_text(const std::string& text, const char* field) {
  if (is_blank(text)) return std::optional<std::string>{};
  LIAISON_RETURN_IF_ERROR(check_text(text, field));
  return std::optional<std::string>(trim(text));
}

Result<std::string> checked_source(const OpinionInput& in, const sync::ReplicaInfo& info) {
  std::string source = trim(in.source);
  if (source.empty()) {
    bool by_spokesperson = !is_blank(in.spokesperson) || info.role == sync::Role::kSpokesperson;
    return std::string(by_spokesperson ? "visit" : "reception");
  }
  if (!is_one_of(kSources, source)) return Status::invalid("err.bad_source", source);
  return source;
}

Result<std::optional<std::string>> checked_phone(const std::string& phone) {
  if (is_blank(phone)) return std::optional<std::string>{};
  LIAISON_ASSIGN_OR_RETURN(std::string p, parse_phone(phone));
  return std::optional<std::string>(std::move(p));
}

Status check_step(const StepInput& in) {
  if (!is_one_of(kSteps, in.step)) return Status::invalid("err.bad_step", in.step);
  bool redirected = in.step == "redirected";
  if (is_blank(in.channel)) {
    if (redirected) return Status::invalid("err.channel_needed");
    return {};
  }
  if (!redirected) return Status::invalid("err.channel_only_redirected", in.channel);
  if (!is_one_of(kChannels, in.channel)) return Status::invalid("err.bad_channel", in.channel);
  return {};
}

}  // namespace

Result<sync::Fields> new_opinion_fields(const OpinionInput& in, const sync::ReplicaInfo& info,
                                        const std::string& now) {
  if (info.station_id.empty()) return Status(Code::kPermissionDenied, "err.no_station");
  LIAISON_RETURN_IF_ERROR(check_required_text(in.voter, "voter"));
  LIAISON_RETURN_IF_ERROR(check_required_text(in.matter, "matter"));
  LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> phone, checked_phone(in.phone));
  LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> place, optional_text(in.place, "place"));
  LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> category,
                           optional_text(in.category, "category"));
  LIAISON_ASSIGN_OR_RETURN(std::string source, checked_source(in, info));
  std::string spokesperson = trim(in.spokesperson);
  if (spokesperson.empty() && info.role == sync::Role::kSpokesperson)
    spokesperson = info.spokesperson_id;
  if (!spokesperson.empty()) LIAISON_RETURN_IF_ERROR(check_id(spokesperson));
  std::string at = now;
  if (!is_blank(in.at)) {
    LIAISON_ASSIGN_OR_RETURN(at, parse_time(in.at));
  }
  FieldList f(opinion_table());
  f.set("station_id", info.station_id).set("recorded_by", info.id.str());
  f.set_text("spokesperson_id", spokesperson).set("at", at).set("matter", in.matter);
  f.set("created_at", now).set("voter", trim(in.voter)).set_text("phone", phone);
  f.set_text("place", place).set_text("category", category).set("source", source);
  return f.fields();
}

Result<std::string> add_opinion(sync::Replica& replica, const OpinionInput& in) {
  LIAISON_ASSIGN_OR_RETURN(sync::Fields fields,
                           new_opinion_fields(in, replica.info(), replica.now_iso()));
  LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> ids, add_opinions(replica, {fields}));
  return ids.front();
}

Result<std::vector<std::string>> add_opinions(sync::Replica& replica,
                                              const std::vector<sync::Fields>& rows,
                                              const std::function<Status()>& also) {
  std::vector<std::string> ids;
  LIAISON_RETURN_IF_ERROR(replica.write([&]() -> Status {
    for (const sync::Fields& fields : rows) {
      LIAISON_ASSIGN_OR_RETURN(std::string id, replica.insert(opinion_table(), fields));
      ids.push_back(std::move(id));
    }
    return also ? also() : Status();
  }));
  return ids;
}

Status set_opinion(sync::Replica& replica, const std::string& id, const OpinionEdit& edit) {
  FieldList f(opinion_table());
  if (edit.voter) {
    LIAISON_RETURN_IF_ERROR(check_required_text(*edit.voter, "voter"));
    f.set("voter", trim(*edit.voter));
  }
  if (edit.phone) {
    LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> phone, checked_phone(*edit.phone));
    f.set_text("phone", phone);
  }
  if (edit.place) {
    LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> place, optional_text(*edit.place, "place"));
    f.set_text("place", place);
  }
  if (edit.category) {
    LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> category,
                             optional_text(*edit.category, "category"));
    f.set_text("category", category);
  }
  if (f.empty()) return Status::invalid("err.nothing_to_set");
  LIAISON_RETURN_IF_ERROR(require_opinion(replica, id));
  return replica.write([&] { return replica.update(opinion_table(), id, f.fields()); });
}

Result<std::string> add_step(sync::Replica& replica, const std::string& opinion_id,
                             const StepInput& in) {
  LIAISON_RETURN_IF_ERROR(check_step(in));
  LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> to, optional_text(in.to, "to"));
  LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> note, optional_text(in.note, "note"));
  if (!is_blank(in.by)) LIAISON_RETURN_IF_ERROR(check_id(trim(in.by)));
  LIAISON_ASSIGN_OR_RETURN(Opinion current, get_opinion(replica, opinion_id));
  if (const char* why = step_refusal(current.status, in.step))
    return Status::invalid(why, opinion_id);
  const std::string& station = current.station;
  FieldList f(table_named("opinion_step"));
  f.set("opinion_id", opinion_id).set("station_id", station).set("step", in.step);
  f.set_text("to_org", to).set_text("channel", trim(in.channel)).set_text("note", note);
  f.set_text("by_id", trim(in.by)).set("at", replica.now_iso());
  f.set("recorded_by", replica.info().id.str());
  std::string id;
  LIAISON_RETURN_IF_ERROR(replica.write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(id, replica.insert(table_named("opinion_step"), f.fields()));
    return {};
  }));
  return id;
}

Result<std::string> add_amendment(sync::Replica& replica, const std::string& opinion_id,
                                  const std::string& text, const std::string& by) {
  LIAISON_RETURN_IF_ERROR(check_required_text(text, "text"));
  if (!is_blank(by)) LIAISON_RETURN_IF_ERROR(check_id(trim(by)));
  LIAISON_ASSIGN_OR_RETURN(std::string station, opinion_station(replica, opinion_id));
  FieldList f(table_named("amendment"));
  f.set("opinion_id", opinion_id).set("station_id", station).set("body", text);
  f.set_text("by_id", trim(by)).set("at", replica.now_iso());
  f.set("recorded_by", replica.info().id.str());
  std::string id;
  LIAISON_RETURN_IF_ERROR(replica.write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(id, replica.insert(table_named("amendment"), f.fields()));
    return {};
  }));
  return id;
}

Status void_opinion(sync::Replica& replica, const std::string& id, const std::string& reason) {
  LIAISON_RETURN_IF_ERROR(check_required_text(reason, "reason"));
  LIAISON_ASSIGN_OR_RETURN(Opinion o, get_opinion(replica, id));
  // A second void would replace the first reason: the record says why it was voided once.
  if (o.void_reason) return Status::invalid("err.already_void", id);
  FieldList f(opinion_table());
  f.set("void_reason", trim(reason));
  return replica.write([&] { return replica.update(opinion_table(), id, f.fields()); });
}

}  // namespace liaison::app
