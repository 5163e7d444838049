#include "shared/app/json.h"

namespace liaison::app {


namespace {

Json opt(const OptText& text) { return text ? Json(*text) : Json(nullptr); }

Json text_or_null(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

template <typename T>
Json array_of(const std::vector<T>& items) {
  Json out = Json::array();
  for (const T& item : items) out.push_back(to_json(item));
  return out;
}

}  // namespace

Json to_json(const Value& value) {
  switch (value.index()) {
    case 0: return nullptr;
    case 1: return std::get<int64_t>(value);
    case 2: return std::get<double>(value);
    default: return std::get<std::string>(value);
  }
}

Json to_json(const Opinion& o) {
  return {{"id", o.id},
          {"station", o.station},
          {"voter", o.voter},
          {"phone", opt(o.phone)},
          {"place", opt(o.place)},
          {"matter", o.matter},
          {"category", opt(o.category)},
          {"source", o.source},
          {"at", o.at},
          {"status", status_name(o.status)},
          {"spokesperson", opt(o.spokesperson)},
          {"void_reason", opt(o.void_reason)},
          {"created_at", o.created_at},
          {"recorded_by", o.recorded_by}};
}

Json to_json(const std::vector<Opinion>& opinions) { return array_of(opinions); }

Json to_json(const OpinionDetail& d) {
  Json out = to_json(d.opinion);
  out["steps"] = array_of(d.steps);
  out["amendments"] = array_of(d.amendments);
  out["conflicts"] = array_of(d.conflicts);
  out["attachments"] = array_of(d.attachments);
  return out;
}

Json to_json(const Attachment& a) {
  return {{"id", a.id},     {"sha256", a.sha256}, {"size", a.size}, {"mime", opt(a.mime)},
          {"name", opt(a.name)}, {"at", a.at},    {"present", a.present}};
}

Json to_json(const Step& s) {
  return {{"id", s.id}, {"step", s.step}, {"to", opt(s.to)}, {"channel", opt(s.channel)},
          {"note", opt(s.note)}, {"by", opt(s.by)}, {"at", s.at}, {"recorded_by", s.recorded_by}};
}

Json to_json(const Amendment& a) {
  return {{"id", a.id}, {"text", a.text}, {"by", opt(a.by)}, {"at", a.at},
          {"recorded_by", a.recorded_by}};
}

Json to_json(const sync::Conflict& c) {
  auto side = [](const Value& v, uint64_t hlc, const std::string& origin) {
    return Json{{"value", to_json(v)}, {"hlc", hlc}, {"origin", text_or_null(origin)}};
  };
  return {{"id", c.id},
          {"table", c.table},
          {"row", c.row_id},
          {"field", c.field},
          {"kind", c.kind},
          {"kept", side(c.kept, c.kept_hlc, c.kept_origin)},
          {"lost", side(c.lost, c.lost_hlc, c.lost_origin)},
          {"detected_at", c.detected_at},
          {"decision", text_or_null(c.decision)},
          {"decided_at", text_or_null(c.decided_at)}};
}

Json to_json(const std::vector<sync::Conflict>& conflicts) { return array_of(conflicts); }

Json to_json(const Home& h) {
  return {{"id", h.id}, {"name", h.name}, {"township", opt(h.township)},
          {"void_reason", opt(h.void_reason)}, {"created_at", h.created_at}};
}

Json to_json(const Station& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"home", opt(s.home)},
          {"kind", opt(s.kind)},
          {"township", opt(s.township)},
          {"voters", s.voters ? Json(*s.voters) : Json(nullptr)},
          {"void_reason", opt(s.void_reason)},
          {"created_at", s.created_at}};
}

Json to_json(const Deputy& d) {
  return {{"id", d.id},
          {"name", d.name},
          {"level", d.level},
          {"home", opt(d.home)},
          {"station", opt(d.station)},
          {"work_unit", opt(d.work_unit)},
          {"phone", opt(d.phone)},
          {"gender", opt(d.gender)},
          {"term_start", opt(d.term_start)},
          {"term_end", opt(d.term_end)},
          {"void_reason", opt(d.void_reason)},
          {"created_at", d.created_at}};
}

Json to_json(const sync::ApplyStats& s) {
  return {{"applied", s.applied},   {"duplicates", s.duplicates}, {"pending", s.pending},
          {"conflicts", s.conflicts}, {"refused", s.refused},     {"gaps", s.gaps}};
}

Json to_json(const sync::VersionVector& vv) {
  Json out = Json::object();
  for (const auto& [origin, seq] : vv) out[origin.str()] = seq;
  return out;
}

Result<sync::VersionVector> vector_from_json(std::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Status::invalid("err.bad_vector");
  sync::VersionVector vv;
  for (const auto& [key, value] : doc.items()) {
    std::optional<Uuid> origin = Uuid::parse(key);
    if (!origin) return Status::invalid("err.bad_vector", key);
    if (!value.is_number_unsigned()) return Status::invalid("err.bad_vector", key);
    vv[*origin] = value.get<uint64_t>();
  }
  return vv;
}

}  // namespace liaison::app
