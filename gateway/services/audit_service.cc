#include "gateway/services/audit_service.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "audit/canonical.h"
#include "base/status_macros.h"
#include "gateway/services/audit_proto.h"
#include "store/audit_trail_store.h"

namespace ctg::gateway {
namespace {

absl::StatusOr<store::AuditFilter> ToFilter(
    const ctg::v1::ListEventsRequest& r) {
  store::AuditFilter f;
  if (r.has_start_time()) f.start_time_us = TimestampMicros(r.start_time());
  if (r.has_end_time()) f.end_time_us = TimestampMicros(r.end_time());
  if (f.start_time_us && f.end_time_us && *f.start_time_us > *f.end_time_us) {
    return absl::InvalidArgumentError("end_time is before start_time");
  }
  f.caller = r.caller();
  f.claimed_caller = r.claimed_caller();
  f.organisation = r.organisation();
  f.method = r.method();
  f.request_id = r.request_id();
  switch (r.outcome()) {
    case ctg::v1::ListEventsRequest::ALLOWED:
      f.outcome = store::AuditFilter::Outcome::kAllowed;
      break;
    case ctg::v1::ListEventsRequest::DENIED:
      f.outcome = store::AuditFilter::Outcome::kDenied;
      break;
    default:
      break;
  }
  f.from_seq = r.from_sequence();
  f.limit = r.limit();
  return f;
}

}  // namespace

grpc::Status AuditService::ListEvents(
    grpc::ServerContext* context, const ctg::v1::ListEventsRequest* request,
    grpc::ServerWriter<ctg::v1::AuditEvent>* writer) {
  return dispatcher_->Read(
      context, "/ctg.v1.Audit/ListEvents", [&](Call& call) {
        call.AddFact("filter", request->ShortDebugString());
        CTG_ASSIGN_OR_RETURN(store::AuditFilter filter, ToFilter(*request));
        // Only events committed before this call started: the call's own event
        // is not part of its answer.
        CTG_RETURN_IF_ERROR(log_->FollowOthers());
        filter.to_seq = log_->size();
        uint64_t sent = 0;
        absl::Status status = db_->Read([&](store::ReadSession& session) {
          return session.audit().Scan(
              filter, [&](const store::AuditRow& row) -> absl::Status {
                ctg::v1::AuditEvent event;
                CTG_RETURN_IF_ERROR(RowToProto(row, &event));
                if (context->IsCancelled() || !writer->Write(event)) {
                  return absl::CancelledError("the client went away");
                }
                ++sent;
                return absl::OkStatus();
              });
        });
        call.AddFact("events_sent", absl::StrCat(sent));
        return status;
      });
}

absl::Status AuditService::FillCheckpoint(ctg::v1::Checkpoint* out) {
  CTG_ASSIGN_OR_RETURN(AuditLog::SignedCheckpoint checkpoint,
                       log_->Checkpoint());
  out->set_note(checkpoint.note);
  out->set_tree_size(checkpoint.size);
  out->set_root_hash(std::string(audit::AsBytes(checkpoint.root)));
  out->set_origin(origin_);
  return absl::OkStatus();
}

grpc::Status AuditService::GetCheckpoint(grpc::ServerContext* context,
                                         const ctg::v1::GetCheckpointRequest*,
                                         ctg::v1::Checkpoint* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.Audit/GetCheckpoint", [&](Call& call) {
        CTG_RETURN_IF_ERROR(FillCheckpoint(response));
        call.AddFact("tree_size", absl::StrCat(response->tree_size()));
        return absl::OkStatus();
      });
}

grpc::Status AuditService::GetInclusionProof(
    grpc::ServerContext* context,
    const ctg::v1::GetInclusionProofRequest* request,
    ctg::v1::InclusionProof* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.Audit/GetInclusionProof",
      [&](Call& call) -> absl::Status {
        uint64_t seq = request->sequence();
        if (request->target_case() ==
            ctg::v1::GetInclusionProofRequest::kExtractSha256) {
          call.AddFact("extract_sha256", request->extract_sha256());
          CTG_RETURN_IF_ERROR(
              db_->Read([&](store::ReadSession& session) -> absl::Status {
                CTG_ASSIGN_OR_RETURN(seq, session.audit().FindReleaseSeq(
                                              request->extract_sha256()));
                return absl::OkStatus();
              }));
        } else if (request->target_case() !=
                   ctg::v1::GetInclusionProofRequest::kSequence) {
          return absl::InvalidArgumentError(
              "sequence or extract_sha256 is required");
        }
        CTG_RETURN_IF_ERROR(log_->FollowOthers());
        uint64_t size = request->tree_size();
        if (size == 0) {
          CTG_RETURN_IF_ERROR(FillCheckpoint(response->mutable_checkpoint()));
          size = response->checkpoint().tree_size();
        }
        if (seq == 0 || seq > size) {
          return absl::InvalidArgumentError(
              absl::StrCat("sequence ", seq, " is not in a tree of size ", size,
                           " (sequences start at 1)"));
        }
        CTG_ASSIGN_OR_RETURN(std::vector<audit::Hash> proof,
                             log_->InclusionProof(seq - 1, size));
        store::AuditRow row;
        CTG_RETURN_IF_ERROR(
            db_->Read([&](store::ReadSession& session) -> absl::Status {
              CTG_ASSIGN_OR_RETURN(row, session.audit().Get(seq));
              return absl::OkStatus();
            }));
        CTG_RETURN_IF_ERROR(RowToProto(row, response->mutable_event()));
        response->set_sequence(seq);
        response->set_leaf_index(seq - 1);
        response->set_tree_size(size);
        response->set_leaf_hash(row.leaf_hash);
        for (const audit::Hash& h : proof)
          response->add_hashes(std::string(audit::AsBytes(h)));
        call.AddFact("sequence", absl::StrCat(seq));
        call.AddFact("tree_size", absl::StrCat(size));
        return absl::OkStatus();
      });
}

grpc::Status AuditService::GetConsistencyProof(
    grpc::ServerContext* context,
    const ctg::v1::GetConsistencyProofRequest* request,
    ctg::v1::ConsistencyProof* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.Audit/GetConsistencyProof",
      [&](Call& call) -> absl::Status {
        call.AddFact("first_size", absl::StrCat(request->first_size()));
        call.AddFact("second_size", absl::StrCat(request->second_size()));
        CTG_RETURN_IF_ERROR(log_->FollowOthers());
        uint64_t size = log_->size();
        if (request->first_size() > request->second_size() ||
            request->second_size() > size) {
          return absl::InvalidArgumentError(
              absl::StrCat("first_size ", request->first_size(),
                           " and second_size ", request->second_size(),
                           " must satisfy first_size <= second_size <= ", size,
                           " (the current tree size)"));
        }
        CTG_ASSIGN_OR_RETURN(std::vector<audit::Hash> proof,
                             log_->ConsistencyProof(request->first_size(),
                                                    request->second_size()));
        response->set_first_size(request->first_size());
        response->set_second_size(request->second_size());
        for (const audit::Hash& h : proof)
          response->add_hashes(std::string(audit::AsBytes(h)));
        return absl::OkStatus();
      });
}

}  // namespace ctg::gateway
