#include "policy/sdc/preview.h"

#include "absl/strings/str_cat.h"

namespace ctg::policy::sdc {

FeasibilityPreview MakePreview(const Release& release) {
  FeasibilityPreview p;
  p.excluded = release.excluded;
  p.loss = release.loss;
  p.audit_ran = release.audit.ran;
  p.audit_complete = release.audit.complete;
  p.audit_passed = release.audit.passed();
  for (const ReleasedCell& c : release.cells) {
    ++p.cells_total;
    if (c.status == CellStatus::kPublished) {
      ++p.cells_published;
      continue;
    }
    p.masked.push_back({c.key, c.status, c.reason});
    ++(c.status == CellStatus::kExcluded ? p.cells_shown_excluded
                                         : p.cells_shown_masked);
    switch (c.reason) {
      case MaskReason::kExcludedTerritory:
        ++p.cells_excluded;
        break;
      case MaskReason::kSmallCount:
      case MaskReason::kDerivedFigure:
        ++p.cells_masked_small;
        break;
      case MaskReason::kSecondary:
        ++p.cells_masked_secondary;
        break;
      case MaskReason::kEarlierRelease:
        ++p.cells_masked_earlier;
        break;
      case MaskReason::kGroupDisclosure:
        ++p.cells_masked_group;
        break;
      case MaskReason::kNone:
        break;
    }
  }
  return p;
}

std::string FormatPreview(const FeasibilityPreview& p) {
  std::string out = absl::StrCat(
      "cells requested: ", p.cells_total,
      "\ncells published: ", p.cells_published,
      "\ncells excluded (R6): ", p.cells_excluded,
      "\ncells masked, small count (R7): ", p.cells_masked_small,
      "\ncells masked, secondary: ", p.cells_masked_secondary,
      "\ncells masked, earlier release: ", p.cells_masked_earlier,
      "\ncells masked, group disclosure: ", p.cells_masked_group,
      "\nthe commune sees: ", p.cells_published, " published, ",
      p.cells_shown_masked, " \"masked\" (one marker, no reason), ",
      p.cells_shown_excluded, " \"excluded\" (territory under the threshold)",
      "\ninformation loss: ", p.loss.cells_secondary,
      " secondary cells, value ", p.loss.value_secondary, "\nLP audit: ",
      !p.audit_ran ? "not run" : (p.audit_passed ? "passed" : "FAILED"),
      p.audit_ran && !p.audit_complete ? " (sampled)" : "", "\n");
  for (const ExcludedTerritory& e : p.excluded) {
    absl::StrAppend(&out, "excluded territory: ", e.territory, " (", e.period,
                    ")\n");
  }
  return out;
}

}  // namespace ctg::policy::sdc
