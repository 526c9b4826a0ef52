// gmock matchers for absl::Status and absl::StatusOr, which Debian's abseil
// does not ship. Prefer the specific form:
//   EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
//                           HasSubstr("territory")));
#ifndef CTG_TESTS_TESTING_STATUS_MATCHERS_H_
#define CTG_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace ctg::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.ok();
}

MATCHER_P(StatusIs, code, "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code &&
         ::testing::ExplainMatchResult(
             message_matcher, std::string(s.message()), result_listener);
}

}  // namespace ctg::testing

// ASSERT_OK_AND_ASSIGN(auto v, MakeValue());
#define CTG_ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  CTG_ASSERT_OK_AND_ASSIGN_IMPL_(            \
      CTG_TESTING_CONCAT_(ctg_test_statusor_, __LINE__), lhs, rexpr)
#define CTG_TESTING_CONCAT_INNER_(a, b) a##b
#define CTG_TESTING_CONCAT_(a, b) CTG_TESTING_CONCAT_INNER_(a, b)
#define CTG_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  ASSERT_TRUE(statusor.ok()) << statusor.status();           \
  lhs = std::move(statusor).value()

#endif  // CTG_TESTS_TESTING_STATUS_MATCHERS_H_
