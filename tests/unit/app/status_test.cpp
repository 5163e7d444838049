// Status derivation: the status follows from the set of handling steps, whatever order they
// arrive in or are stored in, on every replica; and the checks that keep a device from adding a
// step that makes no sense for the status it sees.
#include "shared/app/status.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "shared/app/opinion_query.h"
#include "shared/app/opinions.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::app {
namespace {

TEST(StatusTest, EveryArrivalOrderGivesTheSameStatus) {
  const std::vector<std::vector<StepEvent>> histories = {
      {{"2026-09-01T09:00:00Z", "a", "reported"},
       {"2026-09-02T09:00:00Z", "b", "referred"},
       {"2026-09-20T09:00:00Z", "c", "replied"}},
      {{"2026-09-01T09:00:00Z", "a", "explained"},
       {"2026-09-01T10:00:00Z", "b", "closed"},
       {"2026-09-05T09:00:00Z", "c", "reopened"},
       {"2026-09-06T09:00:00Z", "d", "motion"}},
      // Two steps at the same time: the id decides, on every replica.
      {{"2026-09-01T09:00:00Z", "b", "replied"}, {"2026-09-01T09:00:00Z", "a", "redirected"}},
      // A step name from a newer program is ignored, not an error.
      {{"2026-09-01T09:00:00Z", "a", "referred"}, {"2026-09-03T09:00:00Z", "b", "escalated"}},
  };
  const std::vector<OpinionStatus> expected = {OpinionStatus::kReplied, OpinionStatus::kMotion,
                                               OpinionStatus::kReplied, OpinionStatus::kReferred};
  for (size_t h = 0; h < histories.size(); ++h) {
    std::vector<StepEvent> steps = histories[h];
    std::sort(steps.begin(), steps.end(),
              [](const StepEvent& a, const StepEvent& b) { return a.id < b.id; });
    size_t orders = 0;
    do {
      EXPECT_EQ(derive_status(steps, false), expected[h]) << "history " << h;
      EXPECT_EQ(derive_status(steps, true), OpinionStatus::kVoid);
      ++orders;
    } while (std::next_permutation(steps.begin(), steps.end(),
                                   [](const StepEvent& a, const StepEvent& b) { return a.id < b.id; }));
    EXPECT_GE(orders, 2u);
  }
}

TEST(StatusTest, StepRefusals) {
  EXPECT_EQ(step_refusal(OpinionStatus::kRecorded, "reported"), nullptr);
  EXPECT_EQ(step_refusal(OpinionStatus::kRecorded, "replied"), nullptr);
  EXPECT_STREQ(step_refusal(OpinionStatus::kRecorded, "closed"), "err.close_unhandled");
  EXPECT_STREQ(step_refusal(OpinionStatus::kReported, "closed"), "err.close_unhandled");
  EXPECT_EQ(step_refusal(OpinionStatus::kExplained, "closed"), nullptr);
  EXPECT_STREQ(step_refusal(OpinionStatus::kReferred, "reopened"), "err.reopen_unsettled");
  EXPECT_EQ(step_refusal(OpinionStatus::kReplied, "reopened"), nullptr);
  EXPECT_EQ(step_refusal(OpinionStatus::kClosed, "reopened"), nullptr);
  EXPECT_STREQ(step_refusal(OpinionStatus::kClosed, "replied"), "err.step_on_closed");
  EXPECT_STREQ(step_refusal(OpinionStatus::kVoid, "reopened"), "err.step_on_void");
}

class StatusSyncTest : public test::SyncFixture {};

TEST_F(StatusSyncTest, StepsFromTwoDevicesGiveOneStatusWhicheverArrivesFirst) {
  auto& station = make("station", 1);
  auto& district = make("district", 2);
  auto& third = make("third", 3);
  OpinionInput in;
  in.voter = "张三";
  in.matter = "村口路灯不亮";
  ASSERT_OK_AND_ASSIGN(std::string id, add_opinion(*station, in));
  ASSERT_OK(test::exchange(*station, *district));
  // Each device adds steps while apart; the later reply was made at the district.
  ASSERT_OK(add_step(*station, id, StepInput{"referred", "镇城管办", "", "", ""}));
  district.clock.advance(60'000);
  ASSERT_OK(add_step(*district, id, StepInput{"replied", "", "", "已修复", ""}));
  // The third replica hears from the district first, the station from the station first.
  ASSERT_OK(test::exchange(*district, *third));
  ASSERT_OK(test::exchange(*station, *third));
  ASSERT_OK(test::exchange(*district, *station));
  ASSERT_OK(test::exchange(*station, *district));
  for (auto* r : {&station, &district, &third}) {
    ASSERT_OK_AND_ASSIGN(Opinion o, get_opinion(**r, id));
    EXPECT_EQ(o.status, OpinionStatus::kReplied);
  }
}

}  // namespace
}  // namespace liaison::app
