// gateway/status_mapping: what a client is told of a call whose audit event
// could not be recorded depends on what the store knows of the write.
#include "gateway/status_mapping.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/write_outcome.h"

namespace ctg::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kLost[] =
    "COMMIT: the connection was lost during COMMIT, whether it committed is "
    "unknown: server closed the connection unexpectedly";

TEST(NotRecordedStatusTest, ARolledBackWriteSaysNothingWasDone) {
  grpc::Status s = NotRecordedStatus(
      absl::UnavailableError("BEGIN: server closed the connection"), true);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.error_message(),
            "the call could not be recorded in the audit trail, nothing was "
            "done: BEGIN: server closed the connection");
}

TEST(NotRecordedStatusTest, AnUnknownOutcomeNeverSaysNothingWasDone) {
  const absl::Status why = store::OutcomeUnknown(absl::UnavailableError(kLost));
  grpc::Status write = NotRecordedStatus(why, true);
  EXPECT_EQ(write.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(write.error_message(), Not(HasSubstr("nothing was done")));
  EXPECT_THAT(write.error_message(), HasSubstr("the call may have been done"));
  EXPECT_THAT(write.error_message(), HasSubstr("check before retrying it"));
  EXPECT_THAT(write.error_message(), HasSubstr(kLost));

  // A read changed nothing either way; only its event is in doubt.
  grpc::Status read = NotRecordedStatus(why, false);
  EXPECT_EQ(read.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(read.error_message(), Not(HasSubstr("nothing was done")));
  EXPECT_THAT(read.error_message(),
              HasSubstr("audit event may or may not have been recorded"));
  EXPECT_THAT(read.error_message(), HasSubstr("nothing was changed"));
}

}  // namespace
}  // namespace ctg::gateway
