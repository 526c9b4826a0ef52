// The ctg.v1.Extracts service: the moment data leave the Caf (R2-R7). An
// APPROVED request's table, cut from the statistical base, protected by the
// secret statistique with the memory of everything already released to the
// commune, stamped with the source mention and the declared purpose, its
// digest recorded in the release ledger and the audit trail, and streamed
// with a signed receipt.
#ifndef CTG_GATEWAY_SERVICES_EXTRACTS_SERVICE_H_
#define CTG_GATEWAY_SERVICES_EXTRACTS_SERVICE_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "gateway/audit_log.h"
#include "gateway/commune_bases.h"
#include "gateway/config.h"
#include "gateway/dispatcher.h"
#include "gateway/services/extract_builder.h"
#include "store/backend.h"

namespace ctg::gateway {

class ExtractsService final : public ctg::v1::Extracts::Service {
 public:
  ExtractsService(Dispatcher* dispatcher, store::Backend* db,
                  const Config* config, AuditLog* audit_log,
                  CommuneBases* bases)
      : dispatcher_(dispatcher),
        db_(db),
        config_(config),
        audit_log_(audit_log),
        bases_(bases),
        cache_(static_cast<size_t>(config->limits.release_cache_mb) << 20),
        engines_(config->limits.concurrent_releases) {}

  // Checks, in this order, each with its own FAILED_PRECONDITION: the
  // convention is active and within its validity; the request is APPROVED
  // (not expired nor revoked); a download is left. Another commune's request
  // is NOT_FOUND; an operator not declared on the request is
  // PERMISSION_DENIED. A release that fails leaves no ledger entry and
  // consumes no download. The receipt lists the onward-transfer agreements
  // approved on this release and in force (R3), which the release event
  // names (release_agreements.h).
  grpc::Status GetExtract(
      grpc::ServerContext* context, const ctg::v1::GetExtractRequest* request,
      grpc::ServerWriter<ctg::v1::ExtractChunk>* writer) override;

  // Engine slot waits and release cache lookups so far (metrics).
  const EngineSlots& engines() const { return engines_; }
  const ReleaseCache& cache() const { return cache_; }
  // Forgets the releases computed so far (a re-import was announced).
  void DropCachedReleases() { cache_.Clear(); }

 private:
  struct Release;  // one GetExtract call's state, shared by its stages
  // The stages of a release (Dispatcher::Staged): compute the protected
  // table outside any write; record it in the ledger, the release memory and
  // the event inside the write; stream it with its receipt once durable.
  absl::Status Prepare(Release& release, Call& call);
  absl::Status Commit(Release& release, Call& call, store::WriteSession& tx);
  absl::Status Stream(const Release& release, Call& call,
                      grpc::ServerWriter<ctg::v1::ExtractChunk>& writer);
  // The receipt of the release event `seq`: a checkpoint signed after it,
  // the inclusion proof, the event, the agreements it names.
  absl::StatusOr<ctg::v1::ExtractChunk> Receipt(const Release& release,
                                                uint64_t seq);

  Dispatcher* const dispatcher_;
  store::Backend* const db_;
  const Config* const config_;
  AuditLog* const audit_log_;
  CommuneBases* const bases_;
  ReleaseCache cache_;
  EngineSlots engines_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_EXTRACTS_SERVICE_H_
