// GoogleTest helpers for Status and Result<T>: ASSERT_OK / EXPECT_OK print the code and the
// message of a failure, ASSERT_OK_AND_ASSIGN unwraps a Result or fails the test.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "shared/util/status.h"

namespace liaison::test {

inline Status status_of(const Status& s) { return s; }
template <typename T>
Status status_of(const Result<T>& r) {
  return r.is_ok() ? Status{} : r.status();
}

inline std::string describe(const Status& s) {
  return std::string(code_name(s.code())) + " (" + s.message() + ")";
}

// Success when v (a Status or a Result) is OK; otherwise a failure naming its code and message.
template <typename T>
::testing::AssertionResult is_ok(const T& v) {
  Status s = status_of(v);
  if (s.is_ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "not OK: " << describe(s);
}

// Success when v (a Status or a Result) carries the code want.
template <typename T>
::testing::AssertionResult has_code(const T& v, Code want) {
  Status s = status_of(v);
  if (s.code() == want) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected " << code_name(want) << ", got " << describe(s);
}

}  // namespace liaison::test

// Each of these accepts further << context, like the gtest macros they wrap.
#define EXPECT_OK(expr) EXPECT_TRUE(::liaison::test::is_ok(expr))
#define ASSERT_OK(expr) ASSERT_TRUE(::liaison::test::is_ok(expr))
#define EXPECT_CODE(expr, code) EXPECT_TRUE(::liaison::test::has_code((expr), (code)))

#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  LIAISON_ASSERT_OK_AND_ASSIGN_IMPL(LIAISON_CONCAT(liaison_assign_, __COUNTER__), lhs, expr)
#define LIAISON_ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                      \
  ASSERT_OK(tmp);                                         \
  lhs = std::move(tmp).value()
