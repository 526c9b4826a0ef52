#include "policy/sdc/release.h"

namespace ctg::policy::sdc {

const char* MaskReasonName(MaskReason reason) {
  switch (reason) {
    case MaskReason::kNone:
      return "none";
    case MaskReason::kExcludedTerritory:
      return "excluded_territory";
    case MaskReason::kSmallCount:
      return "small_count";
    case MaskReason::kDerivedFigure:
      return "derived_figure";
    case MaskReason::kEarlierRelease:
      return "earlier_release";
    case MaskReason::kSecondary:
      return "secondary";
    case MaskReason::kGroupDisclosure:
      return "group_disclosure";
  }
  return "unknown";
}

const char* CellStatusName(CellStatus status) {
  switch (status) {
    case CellStatus::kPublished:
      return "published";
    case CellStatus::kMasked:
      return "masked";
    case CellStatus::kExcluded:
      return "excluded";
  }
  return "unknown";
}

}  // namespace ctg::policy::sdc
