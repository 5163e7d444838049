#include "tools/gen/material.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace liaison::gen {

namespace {

template <size_t N>
const char* one_of(Engine& e, const std::array<const char*, N>& items) {
  return items[pick(e, N)];
}

constexpr std::array<const char*, 24> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
    "马", "朱", "胡", "郭", "何", "高", "林", "郑", "谢", "韩", "冯", "于"};
constexpr std::array<const char*, 20> kWomen = {
    "秀英", "桂兰", "海燕", "丽华", "玉梅", "淑珍", "凤霞", "桂芳", "红梅", "素梅",
    "丽娟", "淑芬", "玉兰", "春燕", "金凤", "晓燕", "雪梅", "慧敏", "文静", "秀兰"};
constexpr std::array<const char*, 20> kMen = {
    "建国", "志强", "国庆", "德明", "永红", "春生", "立新", "保全", "振华", "宝林",
    "德胜", "永刚", "建军", "明华", "海涛", "卫东", "文斌", "国栋", "长青", "树林"};

// A voter's own words around the matter, as spokespersons write them down verbatim.
constexpr std::array<const char*, 6> kOpenings = {
    "我是{}的居民，", "我家住在{}，", "我们{}的老百姓都有这个意见：", "{}这边，",
    "我在{}住了二十多年，", "代表您好，我是{}的，"};
constexpr std::array<const char*, 7> kClosings = {
    "希望代表帮忙反映一下。", "盼望早日解决。", "谢谢代表！", "这个事说了好几次了。",
    "希望给个答复。", "麻烦代表跟有关部门说说。", "大家都很着急。"};

// Work units named after the town (a sub-district or town) or, for a village, the village.
constexpr std::array<const char*, 7> kTownUnits = {
    "{}人民政府", "{}社区卫生服务中心", "{}中心小学", "{}派出所", "北京{}建材有限公司",
    "{}供销社", "{}文化服务中心"};
constexpr std::array<const char*, 3> kVillageUnits = {"{}村民委员会", "{}农业专业合作社",
                                                      "{}股份经济合作社"};
constexpr std::array<const char*, 10> kNotes = {
    "入户走访，了解老旧小区改造意见", "走访独居老人，登记用餐需求", "网格内逐户走访",
    "与楼门长一起走访", "走访农户，了解春耕用水情况", "走访商户，征求环境整治意见",
    "回访上月反映问题的选民", "走访新入住家庭", "夜间走访上班族", "走访困难家庭"};
// Reception topics by month, and general ones for any month.
constexpr std::array<const char*, 12> kTopics = {
    "新年民生实事征集", "老旧小区综合整治", "春季植树与环境整治", "养老助餐服务",
    "汛期安全", "物业管理与停车", "暑期青少年托管", "垃圾分类推进", "秋季农产品销售",
    "冬季供暖保障", "年度民生实事办理情况通报", "代表年度履职情况听取意见"};
constexpr std::array<const char*, 4> kGeneralTopics = {
    "听取选民意见建议", "物业管理与停车", "养老助餐服务", "社区环境整治"};

Result<std::vector<std::vector<std::string>>> read_rows(const std::string& path, size_t fields) {
  std::ifstream in(path);
  if (!in) return Status::invalid("err.file_missing", path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    std::vector<std::string> row;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, '\t');) row.push_back(cell);
    if (row.size() != fields) return Status::invalid("err.corrupt", fmt::format("{}:{}", path, number));
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return Status::invalid("err.corrupt", path + ": empty");
  return rows;
}

}  // namespace

size_t pick(Engine& e, size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(e); }
bool chance(Engine& e, double p) { return std::uniform_real_distribution<double>(0, 1)(e) < p; }
int64_t between(Engine& e, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(e);
}

Result<Material> Material::load(const std::string& dir) {
  Material m;
  LIAISON_ASSIGN_OR_RETURN(auto matters, read_rows(dir + "/matters.txt", 2));
  for (auto& row : matters) {
    if (std::find(m.categories_.begin(), m.categories_.end(), row[0]) == m.categories_.end())
      m.categories_.push_back(row[0]);
    m.matters_.push_back({std::move(row[0]), std::move(row[1])});
  }
  LIAISON_ASSIGN_OR_RETURN(auto places, read_rows(dir + "/places.txt", 3));
  for (auto& row : places) m.places_.push_back({std::move(row[0]), std::move(row[1]), std::move(row[2])});
  return m;
}

std::string Material::place_of(Engine& e, const Place& station) const {
  std::vector<const Place*> town;
  for (const Place& p : places_)
    if (p.town == station.town) town.push_back(&p);
  // Most voters live in the station's own community or village.
  const Place& spot = chance(e, 0.7) || town.empty() ? station : *town[pick(e, town.size())];
  return spot.town + spot.spot;
}

Matter Material::opinion(Engine& e, const Place& station) const {
  Matter m = matters_[pick(e, matters_.size())];
  if (chance(e, 0.35))
    m.text = fmt::format(fmt::runtime(one_of(e, kOpenings)), station.spot) + m.text;
  if (chance(e, 0.4)) m.text += one_of(e, kClosings);
  return m;
}

std::string person_name(Engine& e, char gender) {
  return std::string(one_of(e, kSurnames)) + (gender == 'f' ? one_of(e, kWomen) : one_of(e, kMen));
}

std::string fake_phone(Engine& e) { return fmt::format("1380000{:04}", between(e, 0, 9999)); }

std::string work_unit(Engine& e, const Place& station) {
  if (station.kind == "village" && chance(e, 0.5))
    return fmt::format(fmt::runtime(one_of(e, kVillageUnits)), station.spot);
  return fmt::format(fmt::runtime(one_of(e, kTownUnits)), station.town);
}

std::string visit_note(Engine& e) { return one_of(e, kNotes); }

std::string reception_topic(Engine& e, int month) {
  // Topics follow the season, with an occasional general one.
  if (chance(e, 0.2)) return one_of(e, kGeneralTopics);
  return kTopics[static_cast<size_t>(month - 1) % kTopics.size()];
}

}  // namespace liaison::gen
