// The single dispatch point every RPC goes through: identify the caller from
// its verified certificate, authorize the method for its role (policy/
// authorization.h), run the service's body, and append exactly one audit
// event for the call, allowed or denied (R8, R9).
//
// A state-changing body runs inside the store's write transaction, and its
// event is appended in that same transaction: no state change without its
// event. A refused or failed body changes nothing (its savepoint is rolled
// back) but its event is still recorded. The response is sent only once the
// event is durable.
//
// Thread-safe.
#ifndef CTG_GATEWAY_DISPATCHER_H_
#define CTG_GATEWAY_DISPATCHER_H_

#include <string>
#include <utility>
#include <vector>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/audit_log.h"
#include "gateway/caller.h"
#include "gateway/metrics.h"
#include "gateway/rate_limiter.h"
#include "policy/identity.h"
#include "store/database.h"

namespace ctg::gateway {

// One call as a service body sees it: who calls, and the facts the body
// records for its audit event.
class Call {
 public:
  Call(absl::string_view method, Caller caller, absl::Time now)
      : method_(method), caller_(std::move(caller)), now_(now) {}

  // Valid only once the call was authorized (always, inside a body).
  const policy::Identity& identity() const { return *caller_.identity; }
  absl::string_view method() const { return method_; }
  absl::Time now() const { return now_; }

  // Text given here may come from the client: it is made valid UTF-8 and
  // bounded before it reaches the audit trail.
  // What the call is about ("request", "convention", "extract",
  // "statistics") and its id.
  void SetTarget(absl::string_view kind, absl::string_view id);
  // The request concerned (indexed for auditors' filters).
  void SetRequestId(absl::string_view id);
  // The SHA-256 of a released extract (indexed for inclusion proofs).
  void SetExtractSha256(absl::string_view hex) { extract_sha256_ = std::string(hex); }
  // One of the action's own facts (purpose, decision, digest, counts...).
  // Keys are unique per call. Values (client text included) are recorded
  // as valid UTF-8, at most 2 KiB.
  void AddFact(absl::string_view key, absl::string_view value);
  // The sequence number of this call's audit event, once appended.
  uint64_t audit_sequence() const { return audit_sequence_; }

 private:
  friend class Dispatcher;
  AuditEntry ToEntry(const absl::Status& outcome) const;

  std::string method_;
  Caller caller_;
  absl::Time now_;
  std::string target_kind_, target_id_, request_id_, extract_sha256_;
  std::vector<audit::Fact> facts_;
  uint64_t audit_sequence_ = 0;
};

class Dispatcher {
 public:
  Dispatcher(store::Database* db, AuditLog* audit, CallerResolver* callers,
             RateLimiter* limiter)
      : db_(db), audit_(audit), callers_(callers), limiter_(limiter) {}

  // A call that changes no state: `body` runs outside any transaction, then
  // the event is appended. `body` errors are returned to the client.
  grpc::Status Read(grpc::ServerContext* context, absl::string_view method,
                    absl::FunctionRef<absl::Status(Call&)> body);

  // A call that changes state: `body` runs in the write transaction, with
  // the event appended in the same transaction.
  grpc::Status Write(grpc::ServerContext* context, absl::string_view method,
                     absl::FunctionRef<absl::Status(Call&, store::Transaction&)> body);

  // For calls that must first compute outside the transaction, then commit
  // (extracts): `prepare` runs outside, then `commit` in the transaction
  // with the event; `after` runs once the event is durable (to stream the
  // result), and its error, if any, is returned but not audited again. If
  // the client has gone (cancelled, deadline passed) when `prepare` ends,
  // `commit` does not run and the call is recorded as CANCELLED.
  grpc::Status Staged(grpc::ServerContext* context, absl::string_view method,
                      absl::FunctionRef<absl::Status(Call&)> prepare,
                      absl::FunctionRef<absl::Status(Call&, store::Transaction&)> commit,
                      absl::FunctionRef<absl::Status(Call&)> after);

  // Each call is counted and timed in `metrics` (null: not measured). Set
  // before serving.
  void set_metrics(Metrics* metrics) { metrics_ = metrics; }

  // Records a refused TLS handshake (no call exists yet).
  void RecordHandshakeRefusal(const std::string& cert_sha256, const std::string& uri,
                              const absl::Status& why);

 private:
  // Resolves and authorizes: the returned status is the refusal, if any.
  absl::Status Admit(grpc::ServerContext* context, Call& call);
  absl::Status AppendAlone(Call& call, const absl::Status& outcome);
  // Reports the call and the status sent to metrics_ and the operational
  // log (`write`: the call changes state); returns `sent`.
  grpc::Status Observed(const Call& call, grpc::Status sent, bool write) const;
  void LogCall(const Call& call, absl::string_view role, absl::StatusCode code,
               absl::string_view message, bool write) const;

  store::Database* const db_;
  AuditLog* const audit_;
  CallerResolver* const callers_;
  RateLimiter* const limiter_;
  Metrics* metrics_ = nullptr;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_DISPATCHER_H_
