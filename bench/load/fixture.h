// What the load needs on the gateway, set up through the public gRPC API as
// the PKI's admin, requesters and reviewer (as tools/demo-data.sh and the
// integration tests do): an active convention per requester's commune, a
// scope of about --extract-cells cells over the commune's territories, and
// approved requests of that scope with the largest download quota.
//
// Thread-safe after SetUp (NewApprovedRequest may be called concurrently).
#ifndef CTG_BENCH_LOAD_FIXTURE_H_
#define CTG_BENCH_LOAD_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/load/channels.h"
#include "bench/load/options.h"
#include "ctg/v1/common.pb.h"

namespace ctg::load {

// The gateway's largest download quota (policy::RequestLimits).
inline constexpr int kDownloadQuota = 100;

struct CommuneSetup {
  std::string requester;  // client name
  std::string commune;    // INSEE code
  ctg::v1::Scope scope;   // of the extract requests (and of SubmitRequest)
  int64_t cells = 0;      // cells of that scope, as the first download counted
  double first_extract_ms = 0;
  std::string approved_id;  // an APPROVED request (GetRequest's target), never
                            // downloaded
  std::string extract_id;   // an APPROVED request for extracts, downloaded once
  // The secret statistique refused that first release (FAILED_PRECONDITION:
  // no protection found): the commune is left out of the load.
  bool release_refused = false;
};

class Fixture {
 public:
  // With --pki: sets everything up (see the file comment). With one
  // certificate: takes the ids of the options. Errors: the failing call's
  // status, naming the step.
  static absl::StatusOr<std::unique_ptr<Fixture>> SetUp(const Options& options,
                                                        Channels& channels);

  const std::vector<CommuneSetup>& communes() const { return communes_; }
  // Submits, studies and approves one more request of communes()[i]'s scope
  // with `quota` downloads. Errors: the failing call's status.
  absl::StatusOr<std::string> NewApprovedRequest(
      size_t i, int quota = kDownloadQuota) const;
  // The audit trail's size when set-up ended.
  uint64_t audit_size() const { return audit_size_; }

 private:
  Fixture(const Options& options, Channels& channels)
      : options_(options), channels_(channels) {}
  absl::Status SetUpCommune(CommuneSetup& c);
  absl::StatusOr<std::string> Approve(const CommuneSetup& c,
                                      int quota = kDownloadQuota) const;
  absl::StatusOr<std::string> ActiveConvention(const std::string& commune);
  absl::Status SizeScope(CommuneSetup& c);
  absl::Status CountCells(CommuneSetup& c);
  absl::Status ReadAuditSize();

  const Options& options_;
  Channels& channels_;
  std::vector<CommuneSetup> communes_;
  std::vector<std::string> active_conventions_;  // "commune id" pairs read once
  uint64_t audit_size_ = 0;
};

// The commune of a requester client name: what follows its last '-'
// ("requester-33069" -> "33069").
std::string CommuneOfClient(const std::string& client);

}  // namespace ctg::load

#endif  // CTG_BENCH_LOAD_FIXTURE_H_
