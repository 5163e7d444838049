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
constexpr std::array<const char*, 20> kSentences = {
    "小区东门外的人行道被共享单车堆满，老人推着轮椅根本过不去。",
    "楼道里的声控灯坏了快一个月了，晚上上下楼只能摸黑，物业一直说等配件。",
    "村里到镇上的公交车一天只有三趟，孩子上学和老人看病都很不方便。",
    "垃圾清运车每天早上五点多就来，噪音很大，能不能把时间往后调一调。",
    "希望在社区里增加几处健身器材，现有的几件已经锈坏，存在安全隐患。",
    "雨季路口积水严重，电动车经常在这里摔倒，排水管道需要尽快疏通。",
    "社区卫生服务站周末不开门，上班族只能请假去看病。",
    "老旧小区加装电梯的事情说了两年，低楼层住户有意见，希望街道出面协调。",
    "村东头的灌溉渠年久失修，渗漏很厉害，今年春灌明显不够用。",
    "学校门口上下学时段车辆乱停，接孩子的家长和过路车辆经常堵成一团。",
    "独居老人越来越多，希望建一个老年餐桌，解决吃饭难的问题。",
    "小区里有人私拉电线给电动车充电，一旦起火后果不堪设想。",
    "附近工地晚上十点以后还在施工，严重影响周边居民休息。",
    "医保异地报销的手续太复杂，来回跑了好几趟还没办下来。",
    "农贸市场周边占道经营，早上出门买菜的人和车挤在一起很危险。",
    "希望能定期安排区医院的医生下乡坐诊，村卫生室的药品也要补齐。",
    "冬季取暖的补贴政策不清楚，很多老人不知道该去哪里申请。",
    "河道边的护栏有一段断了，夏天孩子们常去那里玩，很不安全。",
    "物业费年年涨，服务却越来越差，业主委员会的选举也迟迟没有进行。",
    "社区活动室平时总是锁着门，希望能按时开放，方便居民使用。"};

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
  while (out.size() < target_bytes) out += pick(random, kSentences);
  return out;
}

}  // namespace liaison::corpus
