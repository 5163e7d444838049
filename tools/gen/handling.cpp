// How each generated opinion is handled: the steps a station records over the following days
// and weeks, in the proportions stations report (most referred and replied within 30 days).
#include <array>
#include <map>
#include <utility>

#include "shared/app/opinions.h"
#include "tools/gen/calendar.h"
#include "tools/gen/year.h"

namespace liaison::gen {

namespace {

// Where an opinion of a category is referred (分级处理).
const char* department(const std::string& category) {
  static const std::map<std::string, const char*> kDepartments = {
      {"城市管理", "区城市管理委员会"}, {"交通出行", "区交通局"},
      {"生态环境", "区生态环境局"},     {"教育", "区教育委员会"},
      {"医疗卫生", "区卫生健康委员会"}, {"养老服务", "区民政局"},
      {"社会保障", "区人力资源和社会保障局"}, {"物业管理", "区住房和城乡建设委员会"},
      {"农业农村", "区农业农村局"},     {"公共安全", "区公安分局"}};
  auto it = kDepartments.find(category);
  return it == kDepartments.end() ? "街道（乡镇）办事处" : it->second;
}

constexpr std::array<const char*, 3> kChannels = {"petition", "litigation", "reconsideration"};

// One step to take, days (fractional) after the opinion was taken down.
struct Planned {
  double after_days;
  app::StepInput step;
};

app::StepInput step(const char* name, std::string to = {}, std::string note = {}) {
  app::StepInput s;
  s.step = name;
  s.to = std::move(to);
  s.note = std::move(note);
  return s;
}

double days_between(Engine& e, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(e);
}

// The steps of one opinion; void is set instead when the record is voided as a duplicate.
std::vector<Planned> plan_steps(Engine& e, const std::string& category, bool& voided) {
  std::vector<Planned> p;
  double x = std::uniform_real_distribution<double>(0, 1)(e);
  const char* to = department(category);
  auto reported = [&] { p.push_back({days_between(e, 0.05, 1.5), step("reported")}); };
  auto referred = [&](double lo, double hi) {
    p.push_back({days_between(e, lo, hi), step("referred", to)});
  };
  auto replied = [&](double lo, double hi, const char* note) {
    p.push_back({days_between(e, lo, hi), step("replied", {}, note)});
  };
  auto maybe_closed = [&](double after) {
    if (chance(e, 0.75)) p.push_back({after + days_between(e, 1, 8), step("closed")});
  };
  if (x < 0.10) {  // explained on the spot, which answers the voter
    p.push_back({days_between(e, 0.005, 0.05), step("explained", {}, "当场解释了相关政策")});
    p.push_back({days_between(e, 0.1, 3), step("closed")});
  } else if (x < 0.68) {  // referred and replied within 30 days
    reported();
    referred(1.6, 5);
    replied(6, 29, "已电话答复选民办理结果");
    maybe_closed(p.back().after_days);
  } else if (x < 0.73) {  // redirected to a legal channel
    reported();
    app::StepInput s = step("redirected", {}, "已告知选民依法反映的途径");
    s.channel = kChannels[pick(e, kChannels.size())];
    p.push_back({days_between(e, 1.6, 4), s});
    replied(5, 12, "已告知选民");
  } else if (x < 0.77) {  // raised as a motion or suggestion
    reported();
    p.push_back({days_between(e, 10, 40), step("motion", {}, "形成代表建议提交区人代会")});
    replied(41, 29 + 60, "已答复选民建议办理情况");
  } else if (x < 0.84) {  // replied late
    reported();
    referred(2, 8);
    replied(31, 80, "已答复（超期）");
  } else if (x < 0.94) {  // referred, no reply yet
    reported();
    if (chance(e, 0.7)) referred(1.6, 7);
  } else if (x < 0.96) {  // a duplicate record
    voided = true;
  }  // else: recorded, nothing yet
  return p;
}

}  // namespace

void Year::schedule_handling(Timeline& t, size_t s, size_t slot, int64_t at,
                             const std::string& category) {
  bool voided = false;
  std::vector<Planned> steps = plan_steps(e_, category, voided);
  if (voided) {
    t.at(at + static_cast<int64_t>(days_between(e_, 1, 3) * kDayMs), [this, s, slot] {
      return app::void_opinion(world_.station(s), opinion_ids_[slot], "与另一条记录重复");
    });
    return;
  }
  int64_t last = at;
  for (Planned& p : steps) {
    // Steps keep their order even when their drawn delays overlap.
    int64_t ms = std::max(last + kMinuteMs, at + static_cast<int64_t>(p.after_days * kDayMs));
    last = ms;
    t.at(ms, [this, s, slot, in = std::move(p.step)] {
      return status_of(app::add_step(world_.station(s), opinion_ids_[slot], in));
    });
  }
}

}  // namespace liaison::gen
