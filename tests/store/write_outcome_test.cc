// store/write_outcome: the mark of a write whose outcome is unknown is
// carried by the error it is set on, and only by it.
#include "store/write_outcome.h"

#include "gtest/gtest.h"

namespace ctg::store {
namespace {

TEST(WriteOutcomeTest, OnlyAMarkedErrorHasAnUnknownOutcome) {
  const absl::Status lost = absl::UnavailableError("COMMIT: connection lost");
  EXPECT_FALSE(IsOutcomeUnknown(lost));
  const absl::Status unknown = OutcomeUnknown(lost);
  EXPECT_TRUE(IsOutcomeUnknown(unknown));
  EXPECT_EQ(unknown.code(), lost.code());
  EXPECT_EQ(unknown.message(), lost.message());
  // Copies keep it (a write group hands its error to each function).
  const absl::Status copy = unknown;
  EXPECT_TRUE(IsOutcomeUnknown(copy));
  // A new status with the same code and text does not.
  EXPECT_FALSE(
      IsOutcomeUnknown(absl::Status(unknown.code(), unknown.message())));
  // OK stays OK: a success has a known outcome.
  EXPECT_TRUE(OutcomeUnknown(absl::OkStatus()).ok());
  EXPECT_FALSE(IsOutcomeUnknown(absl::OkStatus()));
}

}  // namespace
}  // namespace ctg::store
