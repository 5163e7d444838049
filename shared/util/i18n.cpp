#include "shared/util/i18n.h"

#include <string>
#include <unordered_map>

namespace liaison::i18n {

namespace {

struct Entry {
  const char* zh;
  const char* en;
};

// Keys are grouped by prefix: err.* for errors, msg.* for results, label.* for field names.
const std::unordered_map<std::string_view, Entry>& catalogue() {
  static const std::unordered_map<std::string_view, Entry> kCatalogue = {
      {"err.corrupt", {"数据已损坏或格式错误", "malformed or damaged data"}},
      {"err.limit", {"超出限制", "over the limit"}},
      {"err.io", {"读写失败", "read or write failed"}},
      {"err.internal", {"内部错误", "internal error"}},
      {"err.constraint", {"违反数据约束", "constraint violated"}},
      {"err.not_found", {"找不到记录", "no such record"}},
      {"err.no_conflict", {"找不到冲突记录", "no such conflict"}},
      {"err.replica_exists", {"此处已有本地数据库，不会覆盖", "a replica already exists here and will not be overwritten"}},
      {"err.no_replica", {"找不到本地数据库，请先运行 init", "no replica here; run init first"}},
      {"err.not_a_replica", {"不是本系统的数据库", "not a liaison database"}},
      {"err.schema_too_new", {"数据库由更新版本的程序创建，请升级程序（数据库未改动）", "the database was written by a newer program; upgrade (the database was not changed)"}},
      {"err.peer_schema_newer", {"对方的数据版本更新，请升级程序", "the peer's schema is newer; upgrade this program"}},
      {"err.id_exists", {"编号已存在", "that id already exists"}},
      {"err.immutable_field", {"此字段记录后不可修改（原话不可改，请用补充说明）", "this field cannot change after it is recorded (add an amendment instead)"}},
      {"err.required_field", {"缺少必填项", "a required field is missing"}},
      {"err.field_type", {"字段类型不对", "wrong type for field"}},
      {"err.empty", {"内容不能为空", "must not be empty"}},
      {"err.bad_date", {"日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD"}},
      {"err.bad_time", {"时间格式应为 ISO 8601（如 2026-09-21T17:54:00+08:00）", "times are ISO 8601 (e.g. 2026-09-21T17:54:00+08:00)"}},
      {"err.bad_source", {"来源应为 visit、reception、mailbox、forum、survey、email、phone、other 之一", "source is one of visit, reception, mailbox, forum, survey, email, phone, other"}},
      {"err.bad_phone", {"电话号码格式不对", "malformed phone number"}},
      {"err.bad_number", {"应为非负整数", "must be a whole number of zero or more"}},
      {"err.bad_level", {"级别应为 city、district、township 之一", "level is one of city, district, township"}},
      {"err.bad_gender", {"性别应为 f 或 m", "gender is f or m"}},
      {"err.bad_keep", {"--keep 应为 kept 或 lost", "--keep is kept or lost"}},
      {"err.deputy_place", {"市级代表须指定 --home，区、乡镇级代表须指定 --station", "a city deputy needs --home; a district or township deputy needs --station"}},
      {"err.csv", {"CSV 文件有误，未导入任何记录", "bad CSV file; nothing was imported"}},
      {"err.no_station", {"此设备没有所属联络站", "this device belongs to no station"}},
      {"err.not_station_device", {"此命令只能在联络站或代言员设备上运行", "this command runs on a station or spokesperson device"}},
      {"err.unknown_home", {"找不到该代表之家", "no such deputies' home"}},
      {"err.unknown_station", {"找不到该联络站", "no such liaison station"}},
      {"err.file", {"无法读取或写入文件", "cannot read or write the file"}},
      {"msg.replica_created", {"已创建本地数据库", "replica created"}},
      {"msg.opinion_added", {"已记录意见建议", "opinion recorded"}},
      {"msg.imported", {"已导入 {} 条意见建议", "imported {} opinions"}},
      {"msg.saved", {"已保存", "saved"}},
      {"msg.no_opinions", {"没有符合条件的意见建议", "no opinions match"}},
      {"msg.no_conflicts", {"没有冲突", "no conflicts"}},
      {"msg.resolved", {"已重新裁定", "re-decided"}},
      {"msg.exported", {"已导出 {} 条变更到 {}", "exported {} changes to {}"}},
      {"msg.applied", {"已合并 {} 条，重复 {} 条，冲突 {} 条，待补 {} 条，拒收 {} 条", "applied {}, duplicates {}, conflicts {}, pending {}, refused {}"}},
      {"label.id", {"编号", "id"}},
      {"label.voter", {"选民", "voter"}},
      {"label.phone", {"电话", "phone"}},
      {"label.place", {"地点", "place"}},
      {"label.matter", {"反映事由（原话）", "matter (verbatim)"}},
      {"label.category", {"类别", "category"}},
      {"label.source", {"来源", "source"}},
      {"label.at", {"时间", "time"}},
      {"label.status", {"状态", "status"}},
      {"label.station", {"联络站", "station"}},
      {"label.spokesperson", {"代言员", "spokesperson"}},
      {"label.void", {"已作废", "void"}},
      {"label.steps", {"办理过程", "handling steps"}},
      {"label.amendments", {"补充说明", "amendments"}},
      {"label.conflicts", {"冲突", "conflicts"}},
      {"label.kept", {"保留值", "kept"}},
      {"label.lost", {"落选值", "lost"}},
      {"label.field", {"字段", "field"}},
      {"label.decision", {"裁定", "decision"}},
      {"label.replica", {"本机编号", "replica"}},
      {"label.role", {"角色", "role"}},
  };
  return kCatalogue;
}

}  // namespace

std::string normalize(std::string_view lang) { return lang == "en" ? "en" : "zh"; }

std::string text(std::string_view lang, std::string_view key) {
  const auto& c = catalogue();
  auto it = c.find(key);
  if (it == c.end()) return std::string(key);
  return lang == "en" ? it->second.en : it->second.zh;
}

}  // namespace liaison::i18n
