#include "shared/app/record_checks.h"

#include <algorithm>

#include "shared/app/parse.h"
#include "shared/app/tables.h"

namespace liaison::app {

Result<std::optional<std::string>> optional_text(std::string_view text, std::string_view field) {
  if (is_blank(text)) return std::optional<std::string>{};
  LIAISON_RETURN_IF_ERROR(check_text(text, field));
  return std::optional<std::string>(trim(text));
}

Result<std::string> required_text(std::string_view text, std::string_view field) {
  LIAISON_RETURN_IF_ERROR(check_required_text(text, field));
  return trim(text);
}

Result<std::optional<int64_t>> optional_count(std::string_view text) {
  if (is_blank(text)) return std::optional<int64_t>{};
  LIAISON_ASSIGN_OR_RETURN(int64_t n, parse_count(text));
  return std::optional<int64_t>(n);
}

Result<std::optional<std::string>> optional_date(std::string_view text) {
  if (is_blank(text)) return std::optional<std::string>{};
  LIAISON_ASSIGN_OR_RETURN(std::string date, parse_date(text));
  return std::optional<std::string>(std::move(date));
}

Result<std::optional<std::string>> optional_gender(std::string_view text) {
  std::string g = trim(text);
  if (g.empty()) return std::optional<std::string>{};
  if (g != "f" && g != "m") return Status::invalid("err.bad_gender", g);
  return std::optional<std::string>(g);
}

Result<std::optional<std::string>> row_station(sync::Replica& replica, std::string_view table,
                                               const std::string& id,
                                               const std::string& not_found_key) {
  const sync::TablePolicy& t = table_named(table);
  LIAISON_ASSIGN_OR_RETURN(std::optional<sync::Row> row, replica.load(t, id));
  if (!row) return Status::not_found(not_found_key, id);
  int column = t.column_index("station_id");
  if (column < 0) return std::optional<std::string>{};
  const auto* station = std::get_if<std::string>(&row->values[static_cast<size_t>(column)]);
  return station ? std::optional<std::string>(*station) : std::optional<std::string>{};
}

Result<bool> row_exists(sync::Replica& replica, std::string_view table, const std::string& id) {
  LIAISON_ASSIGN_OR_RETURN(std::optional<sync::Row> row, replica.load(table_named(table), id));
  return row.has_value();
}

Status require_station_device(const sync::ReplicaInfo& info) {
  if (info.role != sync::Role::kStation || info.station_id.empty())
    return Status(Code::kPermissionDenied, "err.station_device_only");
  return {};
}

Status require_station_or_district(const sync::ReplicaInfo& info) {
  if (info.role == sync::Role::kDistrict) return {};
  return require_station_device(info);
}

Result<std::vector<std::string>> distinct_ids(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (const std::string& typed : ids) {
    std::string id = trim(typed);
    LIAISON_RETURN_IF_ERROR(check_id(id));
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  }
  return out;
}

}  // namespace liaison::app
