#include "shared/sync/scope.h"

#include <array>
#include <utility>

namespace liaison::sync {

namespace {

// The opinion a row hangs on: none, its opinion_id column, or owner_id when owner_table is
// "opinion" (attachments).
enum class Link { kNone, kOpinionId, kOwner };

// Which rows of a table a spokesperson device sees (always within its own station).
enum class Sees {
  kNothing,
  kStation,          // every row of its station
  kOwnColumn,        // rows whose `own` column names its spokesperson
  kRecordedOrNamed,  // rows it recorded, or whose `own` column names its spokesperson
  kLinkedOpinion,    // rows whose opinion it sees
};

// What a spokesperson device may do with one station-scope table. Station and district devices
// need no per-table data: their rules are the same for every table.
struct SpokespersonRule {
  std::string_view table;
  bool creates;          // it may create rows here (subject to the checks in the header)
  Link link;             // the opinion a created row must hang on, and visibility follows
  std::string_view own;  // the column naming the spokesperson a row belongs to, or empty
  Sees sees;
};

constexpr std::array<SpokespersonRule, 11> kSpokespersonRules = {{
    {"spokesperson", false, Link::kNone, "id", Sees::kOwnColumn},
    {"opinion", true, Link::kNone, "spokesperson_id", Sees::kRecordedOrNamed},
    {"opinion_step", true, Link::kOpinionId, "", Sees::kLinkedOpinion},
    {"amendment", true, Link::kOpinionId, "", Sees::kLinkedOpinion},
    {"activity", false, Link::kNone, "", Sees::kStation},
    {"attendance", false, Link::kNone, "", Sees::kNothing},
    {"activity_opinion", false, Link::kOpinionId, "", Sees::kLinkedOpinion},
    {"visit", true, Link::kNone, "spokesperson_id", Sees::kOwnColumn},
    {"deputy_report", false, Link::kNone, "", Sees::kNothing},
    {"attachment", true, Link::kOwner, "", Sees::kLinkedOpinion},
    {"hub_device", false, Link::kNone, "", Sees::kNothing},
}};

constexpr SpokespersonRule kNoRule{"", false, Link::kNone, "", Sees::kNothing};

const SpokespersonRule& rule_for(std::string_view table) {
  for (const SpokespersonRule& r : kSpokespersonRules)
    if (r.table == table) return r;
  return kNoRule;
}

constexpr std::array<std::pair<ScopeRefusal, const char*>, 7> kRefusalNames = {{
    {ScopeRefusal::kReferenceData, "reference_data"},
    {ScopeRefusal::kOtherStation, "other_station"},
    {ScopeRefusal::kNotOwnRecord, "not_own_record"},
    {ScopeRefusal::kUnknownRow, "unknown_row"},
    {ScopeRefusal::kForgedOrigin, "forged_origin"},
    {ScopeRefusal::kOutsideRole, "outside_role"},
    {ScopeRefusal::kUnknownOpinion, "unknown_opinion"},
}};

// The text in column of a row, empty when the column is absent, NULL or not text.
std::string_view text_at(const TablePolicy& table, const std::vector<Value>& values,
                         std::string_view column) {
  if (column.empty()) return {};
  int i = table.column_index(column);
  if (i < 0 || static_cast<size_t>(i) >= values.size()) return {};
  const auto* s = std::get_if<std::string>(&values[static_cast<size_t>(i)]);
  return s ? std::string_view(*s) : std::string_view();
}

// The facts of one scope check that every rule below needs.
struct Subject {
  const DeviceScope& scope;
  std::string replica;  // the device's replica id as text, empty when unbound
  const TablePolicy& table;
  const SpokespersonRule& rule;
  OpinionLookup& lookup;

  bool own_station(std::string_view station) const {
    return !station.empty() && station == scope.station_id;
  }
  bool own_replica(std::string_view recorded_by) const {
    return !replica.empty() && recorded_by == replica;
  }
  bool own_spokesperson(std::string_view id) const {
    return !id.empty() && id == scope.spokesperson_id;
  }
  bool has_recorded_by() const { return table.column_index("recorded_by") >= 0; }
  // The id of the opinion the row hangs on; empty when it hangs on none.
  std::string_view linked_opinion(const std::vector<Value>& values) const {
    switch (rule.link) {
      case Link::kNone: return {};
      case Link::kOpinionId: return text_at(table, values, "opinion_id");
      case Link::kOwner:
        return text_at(table, values, "owner_table") == "opinion"
                   ? text_at(table, values, "owner_id")
                   : std::string_view();
    }
    return {};
  }
  // Spokesperson visibility of an opinion: recorded by this device or naming its spokesperson.
  bool sees_opinion(const OpinionOwner& o) const {
    return own_station(o.station_id) &&
           (own_replica(o.recorded_by) || own_spokesperson(o.spokesperson_id));
  }
};

Subject make_subject(const DeviceScope& scope, const TablePolicy& table, OpinionLookup& lookup) {
  return {scope, scope.replica_id.is_nil() ? std::string() : scope.replica_id.str(), table,
          rule_for(table.name), lookup};
}

using Verdict = Result<std::optional<ScopeRefusal>>;
constexpr std::optional<ScopeRefusal> kAllowed = std::nullopt;
std::optional<ScopeRefusal> refuse(ScopeRefusal why) { return why; }

// A station device's row (created or existing) that hangs on an opinion of another station.
Verdict station_link(const Subject& s, const std::vector<Value>& values) {
  // Stations link opinions through the generic columns too: look them up whatever the rule.
  std::string_view id = text_at(s.table, values, "opinion_id");
  if (id.empty() && text_at(s.table, values, "owner_table") == "opinion")
    id = text_at(s.table, values, "owner_id");
  if (id.empty()) return kAllowed;
  LIAISON_ASSIGN_OR_RETURN(std::optional<OpinionOwner> o, s.lookup.opinion(std::string(id)));
  // An opinion not here yet may still be on its way (relayed in the same batch): allowed.
  if (o && !s.own_station(o->station_id)) return refuse(ScopeRefusal::kOtherStation);
  return kAllowed;
}

// A spokesperson device's row must hang on an opinion it recorded.
Verdict spokesperson_link(const Subject& s, const std::vector<Value>& values) {
  std::string_view id = s.linked_opinion(values);
  if (id.empty()) return refuse(ScopeRefusal::kNotOwnRecord);
  LIAISON_ASSIGN_OR_RETURN(std::optional<OpinionOwner> o, s.lookup.opinion(std::string(id)));
  if (!o) return refuse(ScopeRefusal::kUnknownOpinion);
  if (!s.own_station(o->station_id)) return refuse(ScopeRefusal::kOtherStation);
  if (!s.own_replica(o->recorded_by)) return refuse(ScopeRefusal::kNotOwnRecord);
  return kAllowed;
}

Verdict check_creation(const Subject& s, const std::vector<Value>& values) {
  bool spokesperson = s.scope.role == Role::kSpokesperson;
  if (spokesperson && !s.rule.creates) return refuse(ScopeRefusal::kOutsideRole);
  if (!s.own_station(text_at(s.table, values, "station_id")))
    return refuse(ScopeRefusal::kOtherStation);
  if (s.has_recorded_by() && !s.own_replica(text_at(s.table, values, "recorded_by")))
    return refuse(ScopeRefusal::kForgedOrigin);
  if (!spokesperson) return station_link(s, values);
  if (!s.rule.own.empty() && !s.own_spokesperson(text_at(s.table, values, s.rule.own)))
    return refuse(ScopeRefusal::kNotOwnRecord);
  if (s.rule.link != Link::kNone) return spokesperson_link(s, values);
  return kAllowed;
}

Verdict check_existing(const Subject& s, const std::vector<Value>& values) {
  if (!s.own_station(text_at(s.table, values, "station_id")))
    return refuse(ScopeRefusal::kOtherStation);
  if (s.scope.role != Role::kSpokesperson) return station_link(s, values);
  if (s.has_recorded_by())
    return s.own_replica(text_at(s.table, values, "recorded_by"))
               ? kAllowed
               : refuse(ScopeRefusal::kNotOwnRecord);
  if (s.rule.creates && s.rule.link != Link::kNone) return spokesperson_link(s, values);
  return refuse(ScopeRefusal::kNotOwnRecord);
}

Result<bool> spokesperson_sees(const Subject& s, const std::vector<Value>& values) {
  switch (s.rule.sees) {
    case Sees::kNothing: return false;
    case Sees::kStation: return true;
    case Sees::kOwnColumn: return s.own_spokesperson(text_at(s.table, values, s.rule.own));
    case Sees::kRecordedOrNamed:
      return s.own_replica(text_at(s.table, values, "recorded_by")) ||
             s.own_spokesperson(text_at(s.table, values, s.rule.own));
    case Sees::kLinkedOpinion: {
      std::string_view id = s.linked_opinion(values);
      if (id.empty()) return false;
      LIAISON_ASSIGN_OR_RETURN(std::optional<OpinionOwner> o, s.lookup.opinion(std::string(id)));
      return o.has_value() && s.sees_opinion(*o);
    }
  }
  return false;
}

}  // namespace

const char* scope_refusal_name(ScopeRefusal refusal) {
  for (const auto& [r, name] : kRefusalNames)
    if (r == refusal) return name;
  return "unknown";
}

std::optional<ScopeRefusal> parse_scope_refusal(std::string_view name) {
  for (const auto& [r, n] : kRefusalNames)
    if (name == n) return r;
  return std::nullopt;
}

bool has_scope_rule(std::string_view table) { return !rule_for(table).table.empty(); }

Result<std::optional<OpinionOwner>> ReplicaOpinionLookup::opinion(const std::string& id) {
  if (auto it = cache_.find(id); it != cache_.end())
    return std::optional<OpinionOwner>(it->second);
  static const TablePolicy& kOpinion = *find_table("opinion");
  LIAISON_ASSIGN_OR_RETURN(std::optional<Row> row, replica_.load(kOpinion, id));
  if (!row) return std::optional<OpinionOwner>();
  OpinionOwner o{std::string(text_at(kOpinion, row->values, "station_id")),
                 std::string(text_at(kOpinion, row->values, "recorded_by")),
                 std::string(text_at(kOpinion, row->values, "spokesperson_id"))};
  if (cache_.size() >= max_cached_) cache_.clear();
  if (max_cached_ > 0) cache_.emplace(id, o);
  return std::optional<OpinionOwner>(std::move(o));
}

Result<std::optional<ScopeRefusal>> check_write(const DeviceScope& scope,
                                                const TablePolicy& table, bool create,
                                                const std::vector<Value>* created,
                                                const Row* existing, OpinionLookup& lookup) {
  if (scope.role == Role::kDistrict) return kAllowed;
  if (table.scope == Scope::kReference) return refuse(ScopeRefusal::kReferenceData);
  if (existing == nullptr && (!create || created == nullptr))
    return refuse(ScopeRefusal::kUnknownRow);
  Subject s = make_subject(scope, table, lookup);
  if (create && created != nullptr) {
    LIAISON_ASSIGN_OR_RETURN(std::optional<ScopeRefusal> why, check_creation(s, *created));
    if (why) return why;
  }
  if (existing != nullptr) return check_existing(s, existing->values);
  return kAllowed;
}

Result<bool> visible(const DeviceScope& scope, const TablePolicy& table,
                     const std::vector<Value>& values, OpinionLookup& lookup) {
  if (scope.role == Role::kDistrict || table.scope == Scope::kReference) return true;
  Subject s = make_subject(scope, table, lookup);
  if (!s.own_station(text_at(table, values, "station_id"))) return false;
  if (scope.role == Role::kStation) return true;
  return spokesperson_sees(s, values);
}

}  // namespace liaison::sync
