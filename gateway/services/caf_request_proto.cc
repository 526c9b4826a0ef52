#include "gateway/services/caf_request_proto.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/services/audit_proto.h"

namespace ctg::gateway {
namespace {

constexpr int kOpportunity = 1;
constexpr int kFeasibility = 2;

policy::DataTemplate TemplateFromProto(const ctg::v1::DataTemplate& in) {
  return {{in.columns().begin(), in.columns().end()},
          {in.territories().begin(), in.territories().end()},
          {in.periods().begin(), in.periods().end()}};
}

bool HasTemplate(const ctg::v1::DataTemplate& in) {
  return in.columns_size() > 0 || in.territories_size() > 0 ||
         in.periods_size() > 0;
}

void TemplateToProto(const store::CafTemplateRow& in,
                     ctg::v1::DataTemplate* out) {
  for (const std::string& c : in.columns) out->add_columns(c);
  for (const std::string& t : in.territories) out->add_territories(t);
  for (const std::string& p : in.periods) out->add_periods(p);
}

absl::Time ApprovalEndOf(const store::StoredCafRequest& request) {
  if (!request.approval || !request.approval->end_time_us)
    return absl::InfiniteFuture();
  return absl::FromUnixMicros(*request.approval->end_time_us);
}

absl::StatusOr<policy::RequestState> StoredStateOf(
    const store::CafRequestRow& row) {
  std::optional<policy::RequestState> s =
      policy::RequestStateFromNumber(row.state);
  if (!s) {
    return absl::DataLossError(absl::StrCat("request ", row.id,
                                            " has stored state ", row.state,
                                            ", which is none"));
  }
  return *s;
}

void OpinionToProto(const store::CafOpinionRow& o, ctg::v1::StudyOpinion* out) {
  out->set_opinion(static_cast<ctg::v1::Opinion>(o.value));
  out->set_reasoning(o.reasoning);
  out->set_reviewer(o.reviewer);
}

}  // namespace

policy::CafSubmission CafSubmissionFromProto(
    const ctg::v1::SubmitCafRequestRequest& in) {
  policy::CafSubmission s;
  s.purpose = in.purpose();
  s.objective = in.objective();
  s.description = in.description();
  if (in.has_data_template() && HasTemplate(in.data_template())) {
    s.data_template = TemplateFromProto(in.data_template());
  }
  for (const ctg::v1::Recipient& r : in.recipients()) {
    s.recipients.push_back({static_cast<policy::RecipientKind>(r.kind()),
                            r.name(), r.operator_person()});
  }
  s.retention_months = in.retention_months();
  return s;
}

policy::CafAmendment CafAmendmentFromProto(
    const ctg::v1::AmendCafRequestRequest& in) {
  policy::CafAmendment a;
  a.answer = in.answer();
  a.description = in.description();
  if (in.has_data_template() && HasTemplate(in.data_template())) {
    a.data_template = TemplateFromProto(in.data_template());
  }
  a.purpose = in.purpose();
  return a;
}

std::optional<policy::DataTemplate> TemplateFromRow(
    const std::optional<store::CafTemplateRow>& in) {
  if (!in) return std::nullopt;
  return policy::DataTemplate{in->columns, in->territories, in->periods};
}

store::CafTemplateRow TemplateToRow(const policy::DataTemplate& in) {
  return {in.columns, in.territories, in.periods};
}

policy::Opinions CurrentCafOpinions(const store::StoredCafRequest& request) {
  policy::Opinions out;
  if (request.versions.empty()) return out;
  const int version = request.versions.back().version;
  for (const store::CafOpinionRow& o : request.opinions) {
    if (o.version != version) continue;
    policy::Opinion opinion{static_cast<policy::OpinionValue>(o.value),
                            o.reasoning, o.reviewer};
    (o.aspect == kOpportunity ? out.opportunity : out.feasibility) = opinion;
  }
  return out;
}

absl::StatusOr<policy::RequestState> EffectiveCafRequestState(
    const store::StoredCafRequest& request,
    const store::ConventionRow& convention, absl::Time now) {
  CTG_ASSIGN_OR_RETURN(policy::RequestState stored,
                       StoredStateOf(request.request));
  CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(convention));
  return policy::EffectiveRequestState(stored, ApprovalEndOf(request), terms,
                                       now, CafTimeZone());
}

policy::StudiedRequest StudiedCafRequest(const store::StoredCafRequest& request,
                                         policy::RequestState effective) {
  policy::StudiedRequest r;
  r.id = request.request.id;
  r.commune = request.request.commune;
  r.state = effective;
  r.recorded = CurrentCafOpinions(request);
  r.direction = policy::Direction::kCafToCommune;
  return r;
}

policy::UploadTarget UploadTargetOf(const store::StoredCafRequest& request,
                                    policy::RequestState effective) {
  policy::UploadTarget t;
  t.id = request.request.id;
  t.commune = request.request.commune;
  t.state = effective;
  if (!request.versions.empty())
    t.data_template = TemplateFromRow(request.versions.back().data_template);
  t.uploaded = request.upload.has_value();
  t.downloads_used = static_cast<int>(request.downloads.size());
  t.download_quota = request.approval ? request.approval->download_quota : 1;
  return t;
}

void UploadToProto(const std::string& request_id,
                   const store::CafUploadRow& row,
                   ctg::v1::CafRequestUpload* out) {
  out->set_request_id(request_id);
  out->set_sha256(row.sha256);
  out->set_size_bytes(row.size_bytes);
  out->set_rows(row.rows);
  out->set_uploader(row.uploader);
  SetTimestampMicros(row.time_us, out->mutable_upload_time());
  out->set_no_personal_data(row.no_personal_data);
}

absl::Status CafRequestToProto(const store::StoredCafRequest& request,
                               const store::ConventionRow& convention,
                               absl::Time now, ctg::v1::CafRequest* out) {
  const store::CafRequestRow& r = request.request;
  CTG_ASSIGN_OR_RETURN(policy::RequestState effective,
                       EffectiveCafRequestState(request, convention, now));
  out->Clear();
  out->set_id(r.id);
  out->set_commune(r.commune);
  out->set_convention_id(r.convention_id);
  out->set_purpose(r.purpose);
  out->set_objective(r.objective);
  for (const std::string& name : r.recipients) {
    ctg::v1::Recipient* p = out->add_recipients();
    p->set_kind(ctg::v1::Recipient::OWN_SERVICE);
    p->set_name(name);
  }
  out->set_retention_months(r.retention_months);
  out->set_requester(r.requester);
  out->set_state(static_cast<ctg::v1::RequestState>(effective));
  SetTimestampMicros(r.create_time_us, out->mutable_create_time());
  SetTimestampMicros(r.update_time_us, out->mutable_update_time());
  for (const store::CafVersionRow& v : request.versions) {
    ctg::v1::CafRequestVersion* p = out->add_versions();
    p->set_version(v.version);
    p->set_description(v.description);
    if (v.data_template)
      TemplateToProto(*v.data_template, p->mutable_data_template());
    p->set_answer(v.answer);
    p->set_author(v.author);
    SetTimestampMicros(v.time_us, p->mutable_create_time());
  }
  if (!request.versions.empty()) {
    const store::CafVersionRow& current = request.versions.back();
    out->set_description(current.description);
    if (current.data_template) {
      TemplateToProto(*current.data_template, out->mutable_data_template());
    }
    for (const store::CafOpinionRow& o : request.opinions) {
      ctg::v1::RecordedOpinion* p = out->add_opinions();
      p->set_aspect(static_cast<ctg::v1::RecordedOpinion::Aspect>(o.aspect));
      OpinionToProto(o, p->mutable_opinion());
      p->set_version(o.version);
      SetTimestampMicros(o.time_us, p->mutable_time());
      if (o.version == current.version) {
        OpinionToProto(o, o.aspect == kOpportunity
                              ? out->mutable_opportunity()
                              : out->mutable_feasibility());
      }
    }
  }
  for (const store::CafQuestionRow& q : request.questions)
    out->add_questions(q.text);
  for (const store::CafTransitionRow& t : request.transitions) {
    ctg::v1::Transition* p = out->add_history();
    p->set_from_state(static_cast<ctg::v1::RequestState>(t.from_state));
    p->set_to_state(static_cast<ctg::v1::RequestState>(t.to_state));
    p->set_actor(t.actor);
    SetTimestampMicros(t.time_us, p->mutable_time());
    p->set_reason(t.reason);
    if (t.to_state == static_cast<int>(policy::RequestState::kRejected) ||
        t.to_state == static_cast<int>(policy::RequestState::kRevoked)) {
      out->set_decision_reasons(t.reason);
    }
  }
  if (request.approval) {
    ctg::v1::Approval* a = out->mutable_approval();
    if (request.approval->end_time_us) {
      SetTimestampMicros(*request.approval->end_time_us, a->mutable_end_time());
    }
    a->set_download_quota(request.approval->download_quota);
    a->set_downloads_used(static_cast<int>(request.downloads.size()));
    for (const store::CafDownloadRow& d : request.downloads) {
      SetTimestampMicros(d.time_us, a->add_release_times());
    }
  }
  if (request.upload)
    UploadToProto(r.id, *request.upload, out->mutable_upload());
  return absl::OkStatus();
}

}  // namespace ctg::gateway
