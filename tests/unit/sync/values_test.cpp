// Value checks against the policy, shared by capture and apply.
#include "shared/sync/values.h"

#include <gtest/gtest.h>

#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

TEST(ValuesTest, TypeFollowsTheColumnAndNullAlwaysFits) {
  const TablePolicy& s = test::policy("station");
  int name = test::col(s, "name");
  int voters = test::col(s, "voters");
  EXPECT_OK(check_type(s, name, std::string("梨园站")));
  EXPECT_OK(check_type(s, name, Value{}));
  EXPECT_CODE(check_type(s, name, int64_t{1}), Code::kInvalidArgument);
  EXPECT_CODE(check_type(s, name, 1.5), Code::kInvalidArgument);
  EXPECT_OK(check_type(s, voters, int64_t{3200}));
  EXPECT_OK(check_type(s, voters, Value{}));
  EXPECT_CODE(check_type(s, voters, std::string("3200")), Code::kInvalidArgument);
  EXPECT_CODE(check_type(s, voters, 3200.0), Code::kInvalidArgument);
}

TEST(ValuesTest, RequiredColumnsMustBeNeitherNullNorEmpty) {
  const TablePolicy& c = test::policy("category");
  std::vector<Value> row(c.columns.size());
  row[0] = std::string("roads");
  row[static_cast<size_t>(test::col(c, "created_at"))] = std::string("2025-01-01T00:00:00Z");
  Status missing = check_required(c, row);
  EXPECT_CODE(missing, Code::kInvalidArgument);
  EXPECT_EQ(missing.detail(), "name");
  row[static_cast<size_t>(test::col(c, "name"))] = std::string();
  EXPECT_CODE(check_required(c, row), Code::kInvalidArgument);
  row[static_cast<size_t>(test::col(c, "name"))] = std::string("道路交通");
  EXPECT_OK(check_required(c, row));
}

}  // namespace
}  // namespace liaison::sync
