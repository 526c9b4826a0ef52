#include "gateway/services/request_proto.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/services/audit_proto.h"
#include "gateway/services/convention_end_proto.h"
#include "policy/convention.h"

namespace ctg::gateway {
namespace {

std::vector<std::string> ToVector(
    const google::protobuf::RepeatedPtrField<std::string>& in) {
  return std::vector<std::string>(in.begin(), in.end());
}

void AddAll(const std::vector<std::string>& in,
            google::protobuf::RepeatedPtrField<std::string>* out) {
  for (const std::string& s : in) out->Add(std::string(s));
}

}  // namespace

policy::RequestLimits RequestLimitsFrom(const LimitsConfig& limits) {
  policy::RequestLimits out;
  const size_t items = static_cast<size_t>(std::max(1, limits.max_list_items));
  const size_t chars = static_cast<size_t>(std::max(1, limits.max_text_chars));
  for (size_t* list :
       {&out.max_indicators, &out.max_territories, &out.max_periods,
        &out.max_breakdowns, &out.max_recipients, &out.max_questions}) {
    *list = std::min(*list, items);
  }
  for (size_t* text : {&out.max_purpose_chars, &out.max_justification_chars,
                       &out.max_answer_chars, &out.max_question_chars,
                       &out.max_reasoning_chars, &out.max_reason_chars}) {
    *text = std::min(*text, chars);
  }
  return out;
}

policy::Scope ScopeFromProto(const ctg::v1::Scope& in) {
  return {ToVector(in.indicators()), ToVector(in.territories()),
          ToVector(in.periods()), ToVector(in.breakdowns())};
}

policy::Scope ScopeFromRow(const store::ScopeRow& in) {
  return {in.indicators, in.territories, in.periods, in.breakdowns};
}

store::ScopeRow ScopeToRow(const policy::Scope& in) {
  return {in.indicators, in.territories, in.periods, in.breakdowns};
}

void ScopeRowToProto(const store::ScopeRow& in, ctg::v1::Scope* out) {
  AddAll(in.indicators, out->mutable_indicators());
  AddAll(in.territories, out->mutable_territories());
  AddAll(in.periods, out->mutable_periods());
  AddAll(in.breakdowns, out->mutable_breakdowns());
}

policy::Submission SubmissionFromProto(
    const ctg::v1::SubmitRequestRequest& in) {
  policy::Submission s;
  s.purpose = in.purpose();
  s.objective = in.objective();
  s.justification = in.justification();
  s.scope = ScopeFromProto(in.scope());
  for (const ctg::v1::Recipient& r : in.recipients()) {
    s.recipients.push_back({static_cast<policy::RecipientKind>(r.kind()),
                            r.name(), r.operator_person()});
  }
  s.retention_months = in.retention_months();
  return s;
}

policy::Amendment AmendmentFromProto(const ctg::v1::AmendRequestRequest& in) {
  policy::Amendment a;
  if (in.has_scope()) a.scope = ScopeFromProto(in.scope());
  a.justification = in.justification();
  a.answer = in.answer();
  a.purpose = in.purpose();
  return a;
}

std::vector<store::RecipientRow> RecipientsToRows(
    const std::vector<policy::Recipient>& in) {
  std::vector<store::RecipientRow> out;
  for (const policy::Recipient& r : in) {
    out.push_back({static_cast<int>(r.kind), r.name, r.operator_person});
  }
  return out;
}

policy::Opinion OpinionFromProto(const ctg::v1::StudyOpinion& in,
                                 const std::string& reviewer) {
  return {static_cast<policy::OpinionValue>(in.opinion()), in.reasoning(),
          reviewer};
}

store::OpinionRow OpinionToRow(const policy::Opinion& in, int aspect,
                               int version, int64_t time_us) {
  return {aspect,       static_cast<int>(in.value),
          in.reasoning, in.reviewer,
          version,      time_us};
}

policy::Opinions CurrentOpinions(const store::StoredRequest& request) {
  return CurrentOpinionsOf(request);
}

absl::StatusOr<absl::Time> ConventionEndTime(const store::ConventionRow& row) {
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(row));
  return policy::ConventionEndTime(terms, CafTimeZone());
}

absl::StatusOr<policy::RequestState> StoredState(const store::RequestRow& row) {
  return StoredStateOf(row.state, row.id);
}

absl::StatusOr<std::optional<policy::Expiry>> ExpiryOf(
    const store::StoredRequest& request, const store::ConventionRow& convention,
    absl::Time now) {
  CTG_ASSIGN_OR_RETURN(policy::RequestState stored,
                       StoredState(request.request));
  if (stored != policy::RequestState::kApproved)
    return std::optional<policy::Expiry>();
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(convention));
  return policy::ExpiryOf(stored, ApprovalEndOf(request), terms, now,
                          CafTimeZone());
}

absl::StatusOr<policy::RequestState> EffectiveRequestState(
    const store::StoredRequest& request, const store::ConventionRow& convention,
    absl::Time now) {
  CTG_ASSIGN_OR_RETURN(policy::RequestState stored,
                       StoredState(request.request));
  // Only an approval expires: the convention's terms matter for no other state.
  if (stored != policy::RequestState::kApproved) return stored;
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(convention));
  return policy::EffectiveRequestState(stored, ApprovalEndOf(request), terms,
                                       now, CafTimeZone());
}

namespace {

void RecipientsToProto(const std::vector<store::RecipientRow>& recipients,
                       ctg::v1::DataRequest* out) {
  for (const store::RecipientRow& rec : recipients) {
    ctg::v1::Recipient* p = out->add_recipients();
    p->set_kind(static_cast<ctg::v1::Recipient::Kind>(rec.kind));
    p->set_name(rec.name);
    p->set_operator_person(rec.operator_person);
  }
}

// The current version's text and scope, and every version.
void VersionsToProto(const std::vector<store::VersionRow>& versions,
                     ctg::v1::DataRequest* out) {
  if (!versions.empty()) {
    const store::VersionRow& current = versions.back();
    out->set_justification(current.justification);
    ScopeRowToProto(current.scope, out->mutable_scope());
  }
  for (const store::VersionRow& v : versions) {
    ctg::v1::RequestVersion* p = out->add_versions();
    p->set_version(v.version);
    ScopeRowToProto(v.scope, p->mutable_scope());
    p->set_justification(v.justification);
    p->set_answer(v.answer);
    p->set_author(v.author);
    SetTimestampMicros(v.time_us, p->mutable_create_time());
  }
}

// The approval's terms, with the extracts released under it.
void ApprovalToProto(const store::ApprovalRow& approval,
                     const std::vector<store::LedgerRow>& releases,
                     ctg::v1::Approval* out) {
  ScopeRowToProto(approval.scope, out->mutable_scope());
  std::vector<int64_t> release_times;
  for (const store::LedgerRow& release : releases)
    release_times.push_back(release.time_us);
  ApprovalTermsToProto(approval, release_times, out);
}

// R11: the expiry follows from time; it is shown, not stored, as a last
// transition APPROVED -> EXPIRED by "gateway".
void ExpiryToProto(const policy::Expiry& expiry, ctg::v1::DataRequest* out) {
  ctg::v1::Transition* p = out->add_history();
  p->set_from_state(ctg::v1::APPROVED);
  p->set_to_state(ctg::v1::EXPIRED);
  p->set_actor("gateway");
  SetTimestampMicros(absl::ToUnixMicros(expiry.time), p->mutable_time());
  p->set_reason(expiry.reason);
}

}  // namespace

absl::Status RequestToProto(const store::StoredRequest& request,
                            const std::vector<store::LedgerRow>& releases,
                            const store::ConventionRow& convention,
                            absl::Time now, ctg::v1::DataRequest* out) {
  const store::RequestRow& r = request.request;
  CTG_ASSIGN_OR_RETURN(std::optional<policy::Expiry> expiry,
                       ExpiryOf(request, convention, now));
  CTG_ASSIGN_OR_RETURN(policy::RequestState stored, StoredState(r));
  DeclarationToProto(r, expiry ? policy::RequestState::kExpired : stored, out);
  RecipientsToProto(r.recipients, out);
  VersionsToProto(request.versions, out);
  if (request.approval)
    ApprovalToProto(*request.approval, releases, out->mutable_approval());
  StudyToProto(request, stored, out);
  int64_t update_us = r.update_time_us;
  if (expiry) {
    ExpiryToProto(*expiry, out);
    update_us = std::max(update_us, absl::ToUnixMicros(expiry->time));
  }
  SetTimestampMicros(update_us, out->mutable_update_time());
  CTG_ASSIGN_OR_RETURN(std::optional<policy::ConventionEndNotice> end,
                       EndNoticeAt(convention, now));
  if (end) EndNoticeToProto(*end, out->mutable_convention_end());  // R11
  return absl::OkStatus();
}

}  // namespace ctg::gateway
