#include "base/status_code_name.h"

#include "gtest/gtest.h"

namespace ctg {
namespace {

// The names clients and the web console show: gRPC's spelling, by number.
TEST(StatusCodeNameTest, EveryCodeHasItsGrpcName) {
  const char* const kNames[] = {"OK",
                                "CANCELLED",
                                "UNKNOWN",
                                "INVALID_ARGUMENT",
                                "DEADLINE_EXCEEDED",
                                "NOT_FOUND",
                                "ALREADY_EXISTS",
                                "PERMISSION_DENIED",
                                "RESOURCE_EXHAUSTED",
                                "FAILED_PRECONDITION",
                                "ABORTED",
                                "OUT_OF_RANGE",
                                "UNIMPLEMENTED",
                                "INTERNAL",
                                "UNAVAILABLE",
                                "DATA_LOSS",
                                "UNAUTHENTICATED"};
  for (int code = 0; code < 17; ++code) {
    EXPECT_EQ(StatusCodeName(code), kNames[code]) << code;
  }
}

TEST(StatusCodeNameTest, ANumberThatIsNoCodeIsUnknown) {
  EXPECT_EQ(StatusCodeName(17), "UNKNOWN");
  EXPECT_EQ(StatusCodeName(-1), "UNKNOWN");
}

}  // namespace
}  // namespace ctg
