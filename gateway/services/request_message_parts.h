// The parts of a request's message that both directions of Article 7 (R1)
// share: ctg.v1.DataRequest (request_proto.h) and ctg.v1.CafRequest
// (caf_request_proto.h) carry the same declaration fields, questions,
// transitions, opinions and approval terms, and the stores keep them in
// rows of the same fields (store/request_store.h,
// store/caf_request_store.h). The templates below take either: `Stored`
// is store::StoredRequest or store::StoredCafRequest, `Message`
// ctg::v1::DataRequest or ctg::v1::CafRequest.
//
// Pure functions of their arguments; thread-safe.
#ifndef CTG_GATEWAY_SERVICES_REQUEST_MESSAGE_PARTS_H_
#define CTG_GATEWAY_SERVICES_REQUEST_MESSAGE_PARTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctg/v1/data_requests.pb.h"
#include "gateway/services/audit_proto.h"
#include "policy/request_state.h"
#include "policy/workflow.h"

namespace ctg::gateway {

// Aspects of RecordedOpinion (and the opinion rows' `aspect`).
inline constexpr int kOpportunity = 1;
inline constexpr int kFeasibility = 2;

// A request's state as stored. Errors: kDataLoss for a number that is not
// a state (only corrupted storage has one).
absl::StatusOr<policy::RequestState> StoredStateOf(int state,
                                                   const std::string& id);

// The end (exclusive) of the request's approval; absl::InfiniteFuture()
// when it has none or no end time.
template <typename Stored>
absl::Time ApprovalEndOf(const Stored& request) {
  if (request.approval && request.approval->end_time_us) {
    return absl::FromUnixMicros(*request.approval->end_time_us);
  }
  return absl::InfiniteFuture();
}

// The latest opinion of `aspect` given on the request's current (last)
// version; null when none.
template <typename Stored>
const auto* CurrentOpinionRow(const Stored& request, int aspect) {
  const int current =
      request.versions.empty() ? 0 : request.versions.back().version;
  for (auto it = request.opinions.rbegin(); it != request.opinions.rend();
       ++it) {
    if (it->aspect == aspect && it->version == current) return &*it;
  }
  return static_cast<decltype(&request.opinions.front())>(nullptr);
}

// The latest opinions on the request's current version.
template <typename Stored>
policy::Opinions CurrentOpinionsOf(const Stored& request) {
  auto as_opinion = [](const auto& row) {
    return policy::Opinion{static_cast<policy::OpinionValue>(row.value),
                           row.reasoning, row.reviewer};
  };
  policy::Opinions out;
  if (const auto* o = CurrentOpinionRow(request, kOpportunity))
    out.opportunity = as_opinion(*o);
  if (const auto* f = CurrentOpinionRow(request, kFeasibility))
    out.feasibility = as_opinion(*f);
  return out;
}

template <typename OpinionRow>
void OpinionRowToProto(const OpinionRow& in, ctg::v1::StudyOpinion* out) {
  out->set_opinion(static_cast<ctg::v1::Opinion>(in.value));
  out->set_reasoning(in.reasoning);
  out->set_reviewer(in.reviewer);
}

// The declaration (id, commune, convention, purpose, objective, retention,
// requester; not the recipients, whose rows differ), the state shown and
// the creation time.
template <typename RequestRow, typename Message>
void DeclarationToProto(const RequestRow& r, policy::RequestState shown,
                        Message* out) {
  out->set_id(r.id);
  out->set_commune(r.commune);
  out->set_convention_id(r.convention_id);
  out->set_purpose(r.purpose);
  out->set_objective(r.objective);
  out->set_retention_months(r.retention_months);
  out->set_requester(r.requester);
  out->set_state(static_cast<ctg::v1::RequestState>(shown));
  SetTimestampMicros(r.create_time_us, out->mutable_create_time());
}

// The stored transitions, in order, as the message's history.
template <typename Stored, typename Message>
void TransitionsToProto(const Stored& request, Message* out) {
  for (const auto& t : request.transitions) {
    ctg::v1::Transition* p = out->add_history();
    p->set_from_state(static_cast<ctg::v1::RequestState>(t.from_state));
    p->set_to_state(static_cast<ctg::v1::RequestState>(t.to_state));
    p->set_actor(t.actor);
    SetTimestampMicros(t.time_us, p->mutable_time());
    p->set_reason(t.reason);
  }
}

// Every recorded opinion, and the current ones (opportunity, feasibility).
template <typename Stored, typename Message>
void OpinionsToProto(const Stored& request, Message* out) {
  if (const auto* o = CurrentOpinionRow(request, kOpportunity))
    OpinionRowToProto(*o, out->mutable_opportunity());
  if (const auto* f = CurrentOpinionRow(request, kFeasibility))
    OpinionRowToProto(*f, out->mutable_feasibility());
  for (const auto& o : request.opinions) {
    ctg::v1::RecordedOpinion* p = out->add_opinions();
    p->set_aspect(static_cast<ctg::v1::RecordedOpinion::Aspect>(o.aspect));
    OpinionRowToProto(o, p->mutable_opinion());
    p->set_version(o.version);
    SetTimestampMicros(o.time_us, p->mutable_time());
  }
}

// The reason of the last transition into `state`, or "".
template <typename Stored>
std::string LastReasonInto(const Stored& request, policy::RequestState state) {
  for (auto it = request.transitions.rbegin(); it != request.transitions.rend();
       ++it) {
    if (it->to_state == static_cast<int>(state)) return it->reason;
  }
  return "";
}

// The study's record: questions, transitions, opinions, and for a
// request REJECTED or REVOKED (terminal: its last transition led there)
// the reasons given.
template <typename Stored, typename Message>
void StudyToProto(const Stored& request, policy::RequestState stored,
                  Message* out) {
  if (stored == policy::RequestState::kRejected ||
      stored == policy::RequestState::kRevoked) {
    out->set_decision_reasons(LastReasonInto(request, stored));
  }
  for (const auto& q : request.questions) out->add_questions(q.text);
  TransitionsToProto(request, out);
  OpinionsToProto(request, out);
}

// The approval's terms both directions have, and its uses (`uses_us`: the
// times of the downloads or releases made under it).
template <typename ApprovalRow>
void ApprovalTermsToProto(const ApprovalRow& approval,
                          const std::vector<int64_t>& uses_us,
                          ctg::v1::Approval* out) {
  if (approval.end_time_us) {
    SetTimestampMicros(*approval.end_time_us, out->mutable_end_time());
  }
  out->set_download_quota(approval.download_quota);
  out->set_downloads_used(static_cast<int32_t>(uses_us.size()));
  for (int64_t time_us : uses_us)
    SetTimestampMicros(time_us, out->add_release_times());
}

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_REQUEST_MESSAGE_PARTS_H_
