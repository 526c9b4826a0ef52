#include "gateway/services/feasibility_preview.h"

#include <set>

#include "base/status_macros.h"
#include "gateway/protection.h"
#include "gateway/services/release_inputs.h"
#include "gateway/services/request_proto.h"
#include "policy/request_validation.h"
#include "policy/sdc/preview.h"
#include "store/release_ledger.h"
#include "store/request_store.h"

namespace ctg::gateway {
namespace {

namespace sdc = ::ctg::policy::sdc;

}  // namespace

absl::Status PreviewFeasibility(
    store::ReadSession& session,
    const ctg::v1::PreviewFeasibilityRequest& request, CommuneBases& bases,
    const Config& config, ctg::v1::FeasibilityPreview* out) {
  CTG_ASSIGN_OR_RETURN(store::StoredRequest stored,
                       session.requests().Get(request.id()));
  if (stored.versions.empty())
    return absl::DataLossError("request without a version");
  policy::Scope requested = ScopeFromRow(stored.versions.back().scope);
  policy::Scope scope = requested;
  if (request.has_scope()) {
    scope = ScopeFromProto(request.scope());
    CTG_RETURN_IF_ERROR(policy::CheckNarrowing(scope, requested, "scope"));
  }
  const std::string& commune = stored.request.commune;
  CTG_ASSIGN_OR_RETURN(
      ReleaseInputs in,
      LoadReleaseInputs(session, bases, commune, scope.periods));
  CTG_ASSIGN_OR_RETURN(sdc::ReleaseMemory memory, ParseMemory(in.memory));
  CTG_ASSIGN_OR_RETURN(
      sdc::Release release,
      ProtectScope(commune, in.bases, scope, memory,
                   SdcConfigFrom(config.secret), in.base_version));
  sdc::FeasibilityPreview preview = sdc::MakePreview(release);
  out->set_request_id(request.id());
  std::set<std::string> excluded;
  for (const sdc::ExcludedTerritory& t : preview.excluded)
    excluded.insert(t.territory);
  for (const std::string& code : excluded) out->add_excluded_territories(code);
  out->set_cells_total(preview.cells_total);
  out->set_cells_published(preview.cells_published);
  out->set_cells_masked_small(preview.cells_masked_small);
  out->set_cells_masked_secondary(preview.cells_masked_secondary);
  out->set_cells_masked_earlier(preview.cells_masked_earlier);
  out->set_value_suppressed(preview.loss.value_secondary);
  for (const sdc::MaskedCellView& m : preview.masked) {
    if (m.reason == sdc::MaskReason::kExcludedTerritory)
      continue;  // listed above
    ctg::v1::MaskedCell* cell = out->add_masked();
    cell->set_territory(m.key.territory);
    cell->set_period(m.key.period);
    cell->set_indicator(m.key.indicator);
    cell->set_breakdown(m.key.breakdown);
    cell->set_category(m.key.category);
    cell->set_reason(MaskReasonToProto(m.reason));
  }
  out->set_audit_passed(preview.audit_passed);
  return absl::OkStatus();
}

ctg::v1::MaskReason MaskReasonToProto(sdc::MaskReason reason) {
  switch (reason) {
    case sdc::MaskReason::kSmallCount:
    case sdc::MaskReason::kDerivedFigure:
      return ctg::v1::SMALL_COUNT;
    case sdc::MaskReason::kSecondary:
      return ctg::v1::SECONDARY;
    case sdc::MaskReason::kEarlierRelease:
      return ctg::v1::EARLIER_RELEASE;
    case sdc::MaskReason::kGroupDisclosure:
      return ctg::v1::GROUP_DISCLOSURE;
    case sdc::MaskReason::kNone:
    case sdc::MaskReason::kExcludedTerritory:
      break;
  }
  return ctg::v1::MASK_REASON_UNSPECIFIED;
}

}  // namespace ctg::gateway
