#include "tools/bench/corpus.h"

#include <array>

#include <fmt/format.h>

namespace liaison::corpus {

namespace {

template <size_t N>
const char* pick(Random& random, const std::array<const char*, N>& items) {
  return items[random.next_u64() % N];
}

constexpr std::array<const char*, 16> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
                                                   "周", "吴", "徐", "孙", "马", "朱", "胡", "郭"};
constexpr std::array<const char*, 16> kGiven = {"秀英", "桂兰", "建国", "海燕", "志强", "丽华",
                                                "国庆", "玉梅", "德明", "淑珍", "永红", "春生",
                                                "文静", "立新", "凤霞", "保全"};
constexpr std::array<const char*, 12> kTowns = {"中仓街道", "新华街道", "北苑街道", "玉桥街道",
                                                "永顺镇", "梨园镇", "宋庄镇", "张家湾镇",
                                                "漷县镇", "马驹桥镇", "台湖镇", "西集镇"};
constexpr std::array<const char*, 12> kSpots = {"东里社区", "西营社区", "南关村", "北杨洼村",
                                                "大稿村", "小营村", "如意社区", "果园社区",
                                                "后屯村", "前街村", "新城社区", "运河社区"};
constexpr std::array<const char*, 11> kCategories = {"城市管理", "交通出行", "生态环境", "教育",
                                                     "医疗卫生", "养老服务", "社会保障", "物业管理",
                                                     "农业农村", "公共安全", "其他"};
// Opinions are composed from a subject, a problem, how long it has lasted, who suffers and what
// is asked, with numbers and places drawn per sentence: whole sentences rarely repeat, as in
// real records, so compression figures are not flattered.
constexpr std::array<const char*, 16> kSubjects = {
    "楼道里的声控灯", "小区东门外的人行道", "村口连接主路的那段路", "社区西侧的垃圾分类站",
    "学校门口的路口", "农贸市场周边", "河道边的护栏", "小区的地下车库", "村东头的灌溉渠",
    "社区卫生服务站", "老旧小区的外墙", "公交站台的候车亭", "楼顶的防水层", "社区活动室",
    "集中供暖的管道", "单元门口的门禁"};
constexpr std::array<const char*, 16> kProblems = {
    "坏了一直没人修", "被乱停的车辆占满", "坑洼不平，下雨就积水", "清运不及时，气味很大",
    "上下学时段堵得水泄不通", "占道经营的摊贩很多", "断了一段，存在安全隐患", "漏水严重",
    "年久失修，渗漏很厉害", "周末不开门，药品也经常缺货", "墙皮大面积脱落", "顶棚破损",
    "夏天屋里漏雨", "平时总是锁着门", "温度一直上不来", "经常失灵，外人随便进出"};
constexpr std::array<const char*, 8> kDurations = {"快一个月了", "两个多月了", "半年多了",
                                                   "从去年冬天开始", "前后反映过三次",
                                                   "打过好几次热线", "一直拖着", "最近越来越严重"};
constexpr std::array<const char*, 10> kSufferers = {"老人晚上出门很不方便", "孩子上学很不安全",
                                                    "推轮椅的过不去", "上班族只能请假处理",
                                                    "周边商户也有意见", "独居老人最受影响",
                                                    "住户们意见很大", "骑电动车的经常摔倒",
                                                    "附近居民休息不好", "外来务工人员也反映过"};
constexpr std::array<const char*, 12> kRequests = {
    "希望有关部门尽快派人来看看", "希望街道出面协调物业", "建议增加巡查的频次",
    "希望能给个明确的答复和时间表", "建议在汛期前完成维修", "希望代表把这个问题带到区里",
    "建议划定专门的区域统一管理", "希望公开维修资金的使用情况", "建议听取居民意见后再定方案",
    "希望社区定期通报进展", "建议纳入明年的民生实事项目", "希望镇里统筹解决"};

}  // namespace

std::string place(Random& random);

namespace {

std::string sentence(Random& random) {
  uint64_t n = random.next_u64();
  return fmt::format("{}{}号附近的{}{}，{}，{}。{}，", place(random), 1 + n % 40,
                     pick(random, kSubjects), pick(random, kProblems), pick(random, kDurations),
                     pick(random, kSufferers), pick(random, kRequests));
}

}  // namespace

std::string voter_name(Random& random) {
  return std::string(pick(random, kSurnames)) + pick(random, kGiven);
}

std::string phone(Random& random) { return fmt::format("1380000{:04}", random.next_u64() % 10000); }

std::string place(Random& random) {
  return std::string(pick(random, kTowns)) + pick(random, kSpots);
}

std::string category(Random& random) { return pick(random, kCategories); }

std::string matter(Random& random, size_t target_bytes) {
  std::string out;
  while (out.size() < target_bytes) out += sentence(random);
  // The last clause ends the text.
  out.replace(out.size() - 3, 3, "。");
  return out;
}

}  // namespace liaison::corpus
