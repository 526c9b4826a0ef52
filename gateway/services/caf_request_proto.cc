#include "gateway/services/caf_request_proto.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/services/audit_proto.h"
#include "gateway/services/request_message_parts.h"

namespace ctg::gateway {
namespace {

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
  return CurrentOpinionsOf(request);
}

absl::StatusOr<policy::RequestState> EffectiveCafRequestState(
    const store::StoredCafRequest& request,
    const store::ConventionRow& convention, absl::Time now) {
  CTG_ASSIGN_OR_RETURN(
      policy::RequestState stored,
      StoredStateOf(request.request.state, request.request.id));
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

namespace {

void VersionsToProto(const std::vector<store::CafVersionRow>& versions,
                     ctg::v1::CafRequest* out) {
  if (!versions.empty()) {
    const store::CafVersionRow& current = versions.back();
    out->set_description(current.description);
    if (current.data_template) {
      TemplateToProto(*current.data_template, out->mutable_data_template());
    }
  }
  for (const store::CafVersionRow& v : versions) {
    ctg::v1::CafRequestVersion* p = out->add_versions();
    p->set_version(v.version);
    p->set_description(v.description);
    if (v.data_template)
      TemplateToProto(*v.data_template, p->mutable_data_template());
    p->set_answer(v.answer);
    p->set_author(v.author);
    SetTimestampMicros(v.time_us, p->mutable_create_time());
  }
}

// The approval's terms, with the Caf's downloads under it.
void ApprovalToProto(const store::CafApprovalRow& approval,
                     const std::vector<store::CafDownloadRow>& downloads,
                     ctg::v1::Approval* out) {
  std::vector<int64_t> download_times;
  for (const store::CafDownloadRow& d : downloads)
    download_times.push_back(d.time_us);
  ApprovalTermsToProto(approval, download_times, out);
}

}  // namespace

absl::Status CafRequestToProto(const store::StoredCafRequest& request,
                               const store::ConventionRow& convention,
                               absl::Time now, ctg::v1::CafRequest* out) {
  const store::CafRequestRow& r = request.request;
  CTG_ASSIGN_OR_RETURN(policy::RequestState effective,
                       EffectiveCafRequestState(request, convention, now));
  out->Clear();
  DeclarationToProto(r, effective, out);
  for (const std::string& name : r.recipients) {
    ctg::v1::Recipient* p = out->add_recipients();
    p->set_kind(ctg::v1::Recipient::OWN_SERVICE);
    p->set_name(name);
  }
  SetTimestampMicros(r.update_time_us, out->mutable_update_time());
  VersionsToProto(request.versions, out);
  // An expired request was approved: only REJECTED and REVOKED, shown as
  // stored, have decision reasons.
  StudyToProto(request, effective, out);
  if (request.approval)
    ApprovalToProto(*request.approval, request.downloads,
                    out->mutable_approval());
  if (request.upload)
    UploadToProto(r.id, *request.upload, out->mutable_upload());
  return absl::OkStatus();
}

}  // namespace ctg::gateway
