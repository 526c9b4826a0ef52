// Every string field of a request message, nested and repeated ones
// included, is checked for NUL bytes; bytes fields are data.
#include "gateway/request_text.h"

#include <string>

#include "ctg/v1/caf_requests.pb.h"
#include "ctg/v1/data_requests.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::gateway {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::StartsWith;

const std::string kNul("x\0y", 3);

TEST(RequestTextTest, CleanMessagesPass) {
  ctg::v1::SubmitRequestRequest submit;
  submit.set_purpose("Diagnostic");
  submit.mutable_scope()->add_territories("33069");
  EXPECT_THAT(CheckRequestText(submit), IsOk());
  EXPECT_THAT(CheckRequestText(ctg::v1::SubmitRequestRequest()), IsOk());
}

TEST(RequestTextTest, NamesTheFieldTopLevelNestedOrRepeated) {
  ctg::v1::GetRequestRequest get;
  get.set_id(kNul);
  EXPECT_THAT(CheckRequestText(get),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("id: NUL byte (U+0000) at byte 1")));
  ctg::v1::SubmitRequestRequest submit;
  submit.mutable_scope()->add_territories("33069");
  submit.mutable_scope()->add_territories(kNul);
  EXPECT_THAT(CheckRequestText(submit),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("scope.territories[1]: NUL byte")));
  ctg::v1::SubmitRequestRequest recipient;
  recipient.add_recipients()->set_name("ok");
  recipient.add_recipients()->set_name(kNul);
  EXPECT_THAT(CheckRequestText(recipient),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("recipients[1].name: NUL byte")));
}

TEST(RequestTextTest, BytesFieldsAreDataNotText) {
  ctg::v1::UploadCafRequestDataChunk chunk;
  chunk.set_data(kNul);
  EXPECT_THAT(CheckRequestText(chunk), IsOk());
  chunk.mutable_header()->set_request_id(kNul);
  EXPECT_THAT(CheckRequestText(chunk),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("header.request_id: NUL byte")));
}

}  // namespace
}  // namespace ctg::gateway
