// The reasons a reviewer reads in the feasibility preview: every reason the
// engine can give for masking a cell has its own word on the wire.
#include "gateway/services/feasibility_preview.h"

#include "gtest/gtest.h"

namespace ctg::gateway {
namespace {

namespace sdc = ::ctg::policy::sdc;

TEST(FeasibilityPreviewTest, EveryMaskReasonHasItsOwnProtoValue) {
  EXPECT_EQ(MaskReasonToProto(sdc::MaskReason::kSmallCount),
            ctg::v1::SMALL_COUNT);
  EXPECT_EQ(MaskReasonToProto(sdc::MaskReason::kDerivedFigure),
            ctg::v1::SMALL_COUNT);
  EXPECT_EQ(MaskReasonToProto(sdc::MaskReason::kSecondary), ctg::v1::SECONDARY);
  EXPECT_EQ(MaskReasonToProto(sdc::MaskReason::kEarlierRelease),
            ctg::v1::EARLIER_RELEASE);
  EXPECT_EQ(MaskReasonToProto(sdc::MaskReason::kGroupDisclosure),
            ctg::v1::GROUP_DISCLOSURE);
  // Not masked cells: a published figure, an excluded territory (listed apart).
  EXPECT_EQ(MaskReasonToProto(sdc::MaskReason::kNone),
            ctg::v1::MASK_REASON_UNSPECIFIED);
  EXPECT_EQ(MaskReasonToProto(sdc::MaskReason::kExcludedTerritory),
            ctg::v1::MASK_REASON_UNSPECIFIED);
}

}  // namespace
}  // namespace ctg::gateway
