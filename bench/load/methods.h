// The five methods ctg-load drives, each as a MethodLoad: one call of the
// method from a given worker, on that worker's own connection.
#ifndef CTG_BENCH_LOAD_METHODS_H_
#define CTG_BENCH_LOAD_METHODS_H_

#include <grpcpp/support/status.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bench/load/channels.h"
#include "bench/load/fixture.h"
#include "bench/load/options.h"

namespace ctg::load {

// Thread-safe for distinct workers: worker i only ever touches its own
// stub and state.
class MethodLoad {
 public:
  virtual ~MethodLoad() = default;
  // The full method name, e.g. "ctg.v1.DataRequests/GetRequest".
  virtual std::string name() const = 0;
  // Untimed work before worker's next call (e.g. taking a download of an
  // approved request, approving a new one when all are spent). An error
  // stops the worker.
  virtual absl::Status Prepare(int /*worker*/) { return absl::OkStatus(); }
  // One call, timed by the driver. A non-OK status is counted as an error.
  virtual grpc::Status Call(int worker) = 0;
  // Makes sure `calls` more calls can run without set-up work in Prepare
  // (approved requests for extracts). Errors: the set-up's.
  virtual absl::Status Provision(int64_t /*calls*/) { return absl::OkStatus(); }
  // What to say under the results (sizes, set-up done during the run).
  virtual std::string Note() const { return ""; }
};

// `method` is one of health, get, submit, extract, audit. Errors:
// kFailedPrecondition when the options give nothing to call it with (e.g.
// get without --request-id and without --pki); a channel's error.
absl::StatusOr<std::unique_ptr<MethodLoad>> MakeMethodLoad(
    const std::string& method, const Options& options, Channels& channels,
    const Fixture& fixture);

}  // namespace ctg::load

#endif  // CTG_BENCH_LOAD_METHODS_H_
