#include "gateway/services/convention_proto.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/conventions.h"
#include "gateway/services/audit_proto.h"
#include "policy/convention.h"
#include "policy/text.h"

namespace ctg::gateway {
namespace {

ctg::v1::ConventionState ToProto(policy::ConventionStatus s) {
  switch (s) {
    case policy::ConventionStatus::kActive:
      return ctg::v1::ACTIVE;
    case policy::ConventionStatus::kNotYetValid:
      return ctg::v1::NOT_YET_VALID;
    case policy::ConventionStatus::kSuspended:
      return ctg::v1::SUSPENDED;
    case policy::ConventionStatus::kTerminationNotified:
      return ctg::v1::TERMINATION_NOTIFIED;
    case policy::ConventionStatus::kEnded:
      return ctg::v1::ENDED;
  }
  return ctg::v1::CONVENTION_STATE_UNSPECIFIED;
}

constexpr int kMaxPerimeter = 2000;
constexpr int kMaxPriorAgreements = 100;

}  // namespace

absl::StatusOr<store::ConventionRow> ConventionFromProto(
    const ctg::v1::Convention& in, const std::string& default_caf_name) {
  store::ConventionRow row;
  row.commune = in.commune();
  row.commune_name = in.commune_name();
  CTG_RETURN_IF_ERROR(policy::ValidateText(
      "convention.commune_name", row.commune_name, 200,
      policy::Presence::kRequired, policy::TextKind::kLine));
  if (in.perimeter_size() > kMaxPerimeter) {
    return absl::InvalidArgumentError(absl::StrCat(
        "convention.perimeter has more than ", kMaxPerimeter, " territories"));
  }
  row.perimeter.assign(in.perimeter().begin(), in.perimeter().end());
  if (row.perimeter.empty()) row.perimeter.push_back(row.commune);
  if (absl::Status s = policy::ValidatePerimeter(row.commune, row.perimeter);
      !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("convention.", s.message()));
  }
  CTG_ASSIGN_OR_RETURN(
      absl::CivilDay from,
      policy::ParseDate(in.valid_from(), "convention.valid_from"));
  CTG_ASSIGN_OR_RETURN(
      absl::CivilDay until,
      policy::ParseDate(in.valid_until(), "convention.valid_until"));
  if (until < from) {
    return absl::InvalidArgumentError(
        absl::StrCat("convention.valid_until ", in.valid_until(),
                     " is before valid_from ", in.valid_from()));
  }
  row.valid_from = policy::FormatDate(from);
  row.valid_until = policy::FormatDate(until);
  row.caf_name = in.caf_name().empty() ? default_caf_name : in.caf_name();
  CTG_RETURN_IF_ERROR(policy::ValidateText("convention.caf_name", row.caf_name,
                                           200, policy::Presence::kRequired,
                                           policy::TextKind::kLine));
  if (in.prior_agreements_size() > kMaxPriorAgreements) {
    return absl::InvalidArgumentError(
        "convention.prior_agreements: too many entries");
  }
  for (int i = 0; i < in.prior_agreements_size(); ++i) {  // R12
    const ctg::v1::PriorAgreement& a = in.prior_agreements(i);
    std::string field = absl::StrCat("convention.prior_agreements[", i, "]");
    CTG_RETURN_IF_ERROR(policy::ValidateText(field + ".title", a.title(), 200,
                                             policy::Presence::kRequired,
                                             policy::TextKind::kLine));
    CTG_ASSIGN_OR_RETURN(absl::CivilDay date,
                         policy::ParseDate(a.date(), field + ".date"));
    CTG_RETURN_IF_ERROR(policy::ValidateText(
        field + ".description", a.description(), 4000,
        policy::Presence::kOptional, policy::TextKind::kParagraph));
    row.prior_agreements.push_back(
        {a.title(), policy::FormatDate(date), a.description()});
  }
  return row;
}

absl::Status ConventionToProto(
    const store::ConventionRow& row,
    const std::vector<store::ConventionEventRow>& history, absl::CivilDay today,
    ctg::v1::Convention* out) {
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(row));
  out->set_id(row.id);
  out->set_commune(row.commune);
  out->set_commune_name(row.commune_name);
  for (const std::string& t : row.perimeter) out->add_perimeter(t);
  out->set_valid_from(row.valid_from);
  out->set_valid_until(row.valid_until);
  out->set_caf_name(row.caf_name);
  for (const store::PriorAgreementRow& a : row.prior_agreements) {
    ctg::v1::PriorAgreement* p = out->add_prior_agreements();
    p->set_title(a.title);
    p->set_date(a.date);
    p->set_description(a.description);
  }
  out->set_state(ToProto(policy::EffectiveStatus(terms, today)));
  out->set_suspension_reason(row.suspension_reason);
  out->set_termination_notice_date(row.termination_notice_date);
  out->set_termination_effective_date(row.termination_effective_date);
  for (const store::ConventionEventRow& e : history) {
    ctg::v1::ConventionEvent* h = out->add_history();
    h->set_action(e.action);
    h->set_actor(e.actor);
    SetTimestampMicros(e.time_us, h->mutable_time());
    h->set_reason(e.reason);
  }
  return absl::OkStatus();
}

}  // namespace ctg::gateway
