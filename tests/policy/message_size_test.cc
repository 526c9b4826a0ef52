#include "policy/message_size.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg::policy {
namespace {

using ::testing::HasSubstr;

TEST(MessageSizeTest, AtTheLimitIsAccepted) {
  EXPECT_TRUE(CheckMessageSize(4096, 4096).ok());
  EXPECT_TRUE(CheckMessageSize(0, 4096, 3).ok());
}

TEST(MessageSizeTest, OverTheLimitIsRefusedNamingTheLimit) {
  absl::Status one = CheckMessageSize(4097, 4096);
  EXPECT_EQ(one.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(one.message(),
            "request: the message is 4097 bytes, over "
            "limits.max_message_bytes = 4096");
  absl::Status streamed = CheckMessageSize(70000, 65536, 3);
  EXPECT_EQ(streamed.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(streamed.message(),
              HasSubstr("request: message 3 of the stream is 70000 bytes, "
                        "over limits.max_message_bytes = 65536"));
}

}  // namespace
}  // namespace ctg::policy
