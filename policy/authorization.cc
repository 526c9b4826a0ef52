#include "policy/authorization.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ctg::policy {
namespace {

constexpr Role kRequester = Role::kRequester;
constexpr Role kOperator = Role::kOperator;
constexpr Role kReviewer = Role::kReviewer;
constexpr Role kAdmin = Role::kAdmin;
constexpr Role kAuditor = Role::kAuditor;
constexpr Role kCafRequester = Role::kCafRequester;
constexpr Role kCommuneReviewer = Role::kCommuneReviewer;

using A = RequestAction;

// The lifecycle step of a method on the commune's requests to the Caf, and on
// the Caf's requests to a commune.
LifecycleStep ToCaf(std::vector<RequestAction> actions) {
  return {Direction::kCommuneToCaf, std::move(actions)};
}
LifecycleStep ToCommune(std::vector<RequestAction> actions) {
  return {Direction::kCafToCommune, std::move(actions)};
}

// R8 least privilege: api.md's "who" column, nothing more. Operators (R3:
// analysis operators declared on a request) only read the catalogue, read
// the requests they are declared on and download their extracts. The
// Caf's requests to a commune (R1, the other direction) are filed by a
// caf-requester and studied by a commune-reviewer; onward-transfer
// agreements (R3) are asked by the commune's requester and decided by the
// Caf's reviewer. The methods that move a request name their lifecycle
// actions: R1 (the other party studies and decides), R2 (only the filer
// amends or withdraws), R10 (revocation). No method expires a request (R11:
// the clock does).
const std::vector<MethodRule>& Table() {
  static const auto* table = new std::vector<MethodRule>{
      {"/ctg.v1.DataRequests/SubmitRequest", {kRequester}},
      {"/ctg.v1.DataRequests/GetRequest",
       {kRequester, kOperator, kReviewer, kAuditor}},
      {"/ctg.v1.DataRequests/ListRequests",
       {kRequester, kOperator, kReviewer, kAuditor}},
      {"/ctg.v1.DataRequests/AmendRequest", {kRequester}, ToCaf({A::kAmend})},
      {"/ctg.v1.DataRequests/WithdrawRequest",
       {kRequester},
       ToCaf({A::kWithdraw})},
      {"/ctg.v1.DataRequests/StartStudy", {kReviewer}, ToCaf({A::kStartStudy})},
      {"/ctg.v1.DataRequests/PreviewFeasibility", {kReviewer}},
      {"/ctg.v1.DataRequests/RequestInformation",
       {kReviewer},
       ToCaf({A::kRequestInformation})},
      {"/ctg.v1.DataRequests/DecideRequest",
       {kReviewer},
       ToCaf({A::kApprove, A::kReject})},
      {"/ctg.v1.DataRequests/RevokeRequest",
       {kReviewer, kAdmin},
       ToCaf({A::kRevoke})},
      {"/ctg.v1.Extracts/GetExtract", {kRequester, kOperator}},
      {"/ctg.v1.Catalogue/ListIndicators",
       {kRequester, kOperator, kReviewer, kAdmin, kAuditor, kCafRequester,
        kCommuneReviewer}},
      {"/ctg.v1.Catalogue/ListTerritories",
       {kRequester, kOperator, kReviewer, kAdmin, kAuditor, kCafRequester,
        kCommuneReviewer}},
      {"/ctg.v1.Catalogue/ListPeriods",
       {kRequester, kOperator, kReviewer, kAdmin, kAuditor, kCafRequester,
        kCommuneReviewer}},
      {"/ctg.v1.Conventions/CreateConvention", {kAdmin}},
      {"/ctg.v1.Conventions/GetConvention",
       {kAdmin, kReviewer, kAuditor, kRequester, kCafRequester,
        kCommuneReviewer}},
      {"/ctg.v1.Conventions/ListConventions",
       {kAdmin, kReviewer, kAuditor, kRequester, kCafRequester,
        kCommuneReviewer}},
      {"/ctg.v1.Conventions/SuspendConvention", {kAdmin}},
      {"/ctg.v1.Conventions/ReinstateConvention", {kAdmin}},
      {"/ctg.v1.Conventions/TerminateConvention", {kAdmin}},
      {"/ctg.v1.Statistics/ImportStatistics", {kAdmin}},
      {"/ctg.v1.Audit/ListEvents", {kAuditor}},
      {"/ctg.v1.Audit/GetCheckpoint", {kAuditor}},
      {"/ctg.v1.Audit/GetInclusionProof", {kAuditor}},
      {"/ctg.v1.Audit/GetConsistencyProof", {kAuditor}},
      {"/ctg.v1.CafRequests/SubmitCafRequest", {kCafRequester}},
      {"/ctg.v1.CafRequests/GetCafRequest",
       {kCafRequester, kCommuneReviewer, kAuditor}},
      {"/ctg.v1.CafRequests/ListCafRequests",
       {kCafRequester, kCommuneReviewer, kAuditor}},
      {"/ctg.v1.CafRequests/AmendCafRequest",
       {kCafRequester},
       ToCommune({A::kAmend})},
      {"/ctg.v1.CafRequests/WithdrawCafRequest",
       {kCafRequester},
       ToCommune({A::kWithdraw})},
      {"/ctg.v1.CafRequests/StartCafRequestStudy",
       {kCommuneReviewer},
       ToCommune({A::kStartStudy})},
      {"/ctg.v1.CafRequests/RequestCafRequestInformation",
       {kCommuneReviewer},
       ToCommune({A::kRequestInformation})},
      {"/ctg.v1.CafRequests/DecideCafRequest",
       {kCommuneReviewer},
       ToCommune({A::kApprove, A::kReject})},
      {"/ctg.v1.CafRequests/RevokeCafRequest",
       {kCommuneReviewer},
       ToCommune({A::kRevoke})},
      {"/ctg.v1.CafRequests/UploadCafRequestData", {kCommuneReviewer}},
      {"/ctg.v1.CafRequests/GetCafRequestData", {kCafRequester}},
      {"/ctg.v1.TransferAgreements/RequestTransferAgreement", {kRequester}},
      {"/ctg.v1.TransferAgreements/GetTransferAgreement",
       {kRequester, kReviewer, kAuditor}},
      {"/ctg.v1.TransferAgreements/ListTransferAgreements",
       {kRequester, kReviewer, kAuditor}},
      {"/ctg.v1.TransferAgreements/DecideTransferAgreement", {kReviewer}},
  };
  return *table;
}

// R8: health and reflection answer every accepted identity, and only those
// (the dispatcher resolves the identity before it consults this table).
const std::vector<MethodRule>& StandardTable() {
  static const auto* table = new std::vector<MethodRule>{
      {"/grpc.health.v1.Health/Check",
       {kRequester, kOperator, kReviewer, kAdmin, kAuditor, kCafRequester,
        kCommuneReviewer}},
      {"/grpc.health.v1.Health/Watch",
       {kRequester, kOperator, kReviewer, kAdmin, kAuditor, kCafRequester,
        kCommuneReviewer}},
      {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
       {kRequester, kOperator, kReviewer, kAdmin, kAuditor, kCafRequester,
        kCommuneReviewer}},
  };
  return *table;
}

const MethodRule* FindRule(absl::string_view full_method) {
  for (const auto* table : {&Table(), &StandardTable()}) {
    for (const MethodRule& rule : *table) {
      if (rule.full_method == full_method) return &rule;
    }
  }
  return nullptr;
}

}  // namespace

absl::Span<const MethodRule> AuthorizationTable() { return Table(); }

absl::Span<const MethodRule> StandardServicesTable() { return StandardTable(); }

bool IsKnownMethod(absl::string_view full_method) {
  return FindRule(full_method) != nullptr;
}

absl::Status Authorize(Role role, absl::string_view full_method) {
  if (const MethodRule* rule = FindRule(full_method); rule != nullptr) {
    if (std::find(rule->roles.begin(), rule->roles.end(), role) !=
        rule->roles.end()) {
      return absl::OkStatus();
    }
    return absl::PermissionDeniedError(absl::StrCat(
        "role \"", RoleName(role), "\" may not call ", full_method));
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "method ", full_method, " is not in the authorization table"));
}

}  // namespace ctg::policy
