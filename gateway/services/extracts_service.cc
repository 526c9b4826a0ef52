#include "gateway/services/extracts_service.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "extract/receipt.h"
#include "gateway/services/audit_proto.h"
#include "gateway/services/convention_end_proto.h"
#include "gateway/services/extract_builder.h"
#include "gateway/services/release_agreements.h"
#include "gateway/services/release_checks.h"
#include "policy/transfer_agreement.h"
#include "store/audit_trail_store.h"
#include "store/release_ledger.h"

namespace ctg::gateway {
namespace {

// The client's deadline (none: the infinite future).
absl::Time CallDeadline(const grpc::ServerContext& context) {
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max())
    return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

constexpr int kCellsPerMessage = 500;

}  // namespace

// One GetExtract call: what its stages share.
struct ExtractsService::Release {
  std::string id;
  absl::Time deadline;
  std::shared_ptr<const PreparedExtract> prepared;
  std::vector<ListedAgreement> agreements;  // R3: listed in the receipt
  // R11: the convention's termination notice, told in the receipt.
  std::optional<policy::ConventionEndNotice> convention_end;
};

grpc::Status ExtractsService::GetExtract(
    grpc::ServerContext* context, const ctg::v1::GetExtractRequest* request,
    grpc::ServerWriter<ctg::v1::ExtractChunk>* writer) {
  Release release{.id = request->request_id(),
                  .deadline = CallDeadline(*context)};
  return dispatcher_->Staged(
      context, "/ctg.v1.Extracts/GetExtract",
      [&](Call& call) { return Prepare(release, call); },
      [&](Call& call, store::WriteSession& tx) {
        return Commit(release, call, tx);
      },
      [&](Call& call) { return Stream(release, call, *writer); });
}

absl::Status ExtractsService::Prepare(Release& release, Call& call) {
  const std::string& id = release.id;
  call.SetTarget("request", id);
  call.SetRequestId(id);
  if (id.empty()) return absl::InvalidArgumentError("request_id is required");
  return db_->Read([&](store::ReadSession& session) -> absl::Status {
    int quota = 0;
    CTG_RETURN_IF_ERROR(
        CheckReleasable(session, id, call.identity(), call.now(), &quota));
    CTG_ASSIGN_OR_RETURN(release.prepared,
                         PrepareExtract(session, id, *bases_, *config_, cache_,
                                        engines_, release.deadline));
    if (static_cast<int64_t>(release.prepared->cells.size()) >
        config_->limits.max_cells_per_extract) {
      return absl::ResourceExhaustedError(
          absl::StrCat("the extract has ", release.prepared->cells.size(),
                       " cells, more than limits.max_cells_per_extract (",
                       config_->limits.max_cells_per_extract,
                       "): approve a narrower scope"));
    }
    return absl::OkStatus();
  });
}

absl::Status ExtractsService::Commit(Release& release, Call& call,
                                     store::WriteSession& tx) {
  const std::string& id = release.id;
  const PreparedExtract& prepared = *release.prepared;
  // Re-checked inside the transaction: a suspension, a revocation or
  // another download may have committed since the table was computed.
  int quota = 0;
  CTG_RETURN_IF_ERROR(
      CheckReleasable(tx, id, call.identity(), call.now(), &quota));
  CTG_ASSIGN_OR_RETURN(int used, tx.releases().CountForRequest(id));
  if (prepared.memory_changes) {
    CTG_RETURN_IF_ERROR(tx.releases().PutMemory(
        prepared.commune, prepared.memory_after, prepared.memory_version));
  } else {
    // Nothing new disclosed (a re-download): the memory keeps its version,
    // but must still be the one the table was computed against.
    CTG_ASSIGN_OR_RETURN(store::MemoryRow current,
                         tx.releases().GetMemory(prepared.commune));
    if (current.version != prepared.memory_version) {
      return absl::AbortedError(absl::StrCat("another release to commune ",
                                             prepared.commune,
                                             " committed meanwhile; retry"));
    }
  }
  CTG_RETURN_IF_ERROR(
      tx.releases().Insert({.request_id = id,
                            .download = used + 1,
                            .extract_id = prepared.header.extract_id(),
                            .commune = prepared.commune,
                            .sha256 = prepared.sha256,
                            .base_version = prepared.header.base_version(),
                            .cells_published = prepared.published,
                            .cells_masked = prepared.masked,
                            .cells_excluded = prepared.excluded,
                            .time_us = absl::ToUnixMicros(call.now()),
                            .recipient = call.identity().spiffe_id}));
  call.SetExtractSha256(prepared.sha256);
  call.AddFact("extract_id", prepared.header.extract_id());
  call.AddFact("sha256", prepared.sha256);
  call.AddFact("download", absl::StrCat(used + 1, "/", quota));
  call.AddFact("cells_published", absl::StrCat(prepared.published));
  call.AddFact("cells_masked", absl::StrCat(prepared.masked));
  call.AddFact("cells_excluded", absl::StrCat(prepared.excluded));
  call.AddFact("base_version", prepared.header.base_version());
  call.AddFact("purpose", prepared.header.purpose());
  // R11: under a termination notice, the end date is a fact of the release
  // so that the signed checkpoint covers what the receipt tells.
  CTG_ASSIGN_OR_RETURN(release.convention_end,
                       ReleaseEndNotice(tx, id, call.now()));
  if (release.convention_end) {
    call.AddFact("convention_ends",
                 policy::FormatDate(release.convention_end->last_day));
    ctg::v1::ConventionEndNotice told;
    EndNoticeToProto(*release.convention_end, &told);
    call.AddFact(extract::kConventionEndDigestFact,
                 extract::ConventionEndDigest(told));
  }
  // R3: the onward transfers the Caf agreed to, in force, named in the
  // release event so that its signed checkpoint covers the list; not to a
  // downloader who may not read agreements (an operator).
  if (!policy::ReceiptListsAgreements(call.identity())) return absl::OkStatus();
  CTG_ASSIGN_OR_RETURN(
      release.agreements,
      AgreementsForReceipt(tx, prepared.header.extract_id(), call.now()));
  if (!release.agreements.empty())
    call.AddFact("transfer_agreements", AgreementIdsFact(release.agreements));
  return absl::OkStatus();
}

absl::Status ExtractsService::Stream(
    const Release& release, Call& call,
    grpc::ServerWriter<ctg::v1::ExtractChunk>& writer) {
  const PreparedExtract& prepared = *release.prepared;
  ctg::v1::ExtractChunk chunk;
  *chunk.mutable_header() = prepared.header;
  SetTimestampMicros(absl::ToUnixMicros(call.now()),
                     chunk.mutable_header()->mutable_release_time());
  if (!writer.Write(chunk)) return absl::CancelledError("the client went away");
  for (size_t i = 0; i < prepared.cells.size(); i += kCellsPerMessage) {
    ctg::v1::ExtractChunk batch;
    for (size_t j = i;
         j < std::min(prepared.cells.size(), i + kCellsPerMessage); ++j) {
      *batch.mutable_cells()->add_cells() = prepared.cells[j];
    }
    if (!writer.Write(batch))
      return absl::CancelledError("the client went away");
  }
  CTG_ASSIGN_OR_RETURN(ctg::v1::ExtractChunk trailer,
                       Receipt(release, call.audit_sequence()));
  if (!writer.Write(trailer))
    return absl::CancelledError("the client went away");
  return absl::OkStatus();
}

absl::StatusOr<ctg::v1::ExtractChunk> ExtractsService::Receipt(
    const Release& release, uint64_t seq) {
  CTG_ASSIGN_OR_RETURN(AuditLog::SignedCheckpoint checkpoint,
                       audit_log_->CheckpointCovering(seq));
  CTG_ASSIGN_OR_RETURN(std::vector<audit::Hash> proof,
                       audit_log_->InclusionProof(seq - 1, checkpoint.size));
  store::AuditRow row;
  CTG_RETURN_IF_ERROR(
      db_->Read([&](store::ReadSession& session) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(row, session.audit().Get(seq));
        return absl::OkStatus();
      }));
  ctg::v1::ExtractChunk trailer;
  ctg::v1::ExtractTrailer* t = trailer.mutable_trailer();
  t->set_sha256(release.prepared->sha256);
  ctg::v1::ReleaseReceipt* receipt = t->mutable_receipt();
  receipt->set_audit_sequence(seq);
  receipt->set_checkpoint(checkpoint.note);
  receipt->set_tree_size(checkpoint.size);
  for (const audit::Hash& h : proof)
    receipt->add_inclusion_proof(std::string(audit::AsBytes(h)));
  receipt->set_event(row.canonical);
  if (release.convention_end) {
    EndNoticeToProto(*release.convention_end,
                     receipt->mutable_convention_end());
  }
  CTG_RETURN_IF_ERROR(
      AddAgreementsToReceipt(*audit_log_, *db_, release.agreements, receipt));
  return trailer;
}

}  // namespace ctg::gateway
