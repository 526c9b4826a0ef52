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
// Refusals of callers without an accepted identity (refused handshakes,
// certificates whose SPIFFE ID the gateway does not accept) are recorded
// through a RefusalThrottle: the first of each (peer host, reason,
// certificate) in a window at once, the others folded into one
// "refusal-summary" event at the window's end (refusal_throttle.h states
// the bound).
//
// A failure to append an event is reported to the HealthState as an
// integrity failure: of "database" when the database could not be reached
// (store::Backend::IsUnreachable; cleared by the server's probe once it
// answers), else of "audit-append". While HealthState::IntegrityStatus()
// is not OK, every call is refused UNAVAILABLE and nothing is recorded
// (the trail is in doubt, or cannot be written; the cause is in the health
// state).
//
// Client text never holds a NUL byte (policy::CheckNoNul): a request
// message with one in any string field, as the audit interceptor saw it
// arrive (CheckRequest), is refused INVALID_ARGUMENT naming the field once
// the caller is admitted, and the refusal recorded. A request message
// larger than limits.max_message_bytes is refused the same way, with
// RESOURCE_EXHAUSTED (gRPC's transport lets it through up to
// limits.transport_max_message_bytes so that this refusal is recorded).
//
// Thread-safe.
#ifndef CTG_GATEWAY_DISPATCHER_H_
#define CTG_GATEWAY_DISPATCHER_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/mutex.h"
#include "gateway/audit_log.h"
#include "gateway/caller.h"
#include "gateway/health_state.h"
#include "gateway/metrics.h"
#include "gateway/rate_limiter.h"
#include "gateway/refusal_throttle.h"
#include "google/protobuf/message.h"
#include "policy/identity.h"
#include "store/backend.h"

namespace ctg::gateway {

// One call as a service body sees it: who calls, and the facts the body
// records for its audit event.
class Call {
 public:
  // `method` may come from the client (unknown methods): it is recorded as
  // valid UTF-8, at most 2 KiB.
  Call(absl::string_view method, Caller caller, absl::Time now);

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
  void SetExtractSha256(absl::string_view hex) {
    extract_sha256_ = std::string(hex);
  }
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

// The pseudo-methods of events that are not one gRPC call.
inline constexpr char kHandshakeMethod[] = "tls-handshake";
inline constexpr char kRefusalSummaryMethod[] = "refusal-summary";

class Dispatcher {
 public:
  struct Options {
    RefusalThrottle::Options refusals;
    // How often the summaries of ended windows are appended; zero: only by
    // FlushRefusals() and Shutdown() (tests).
    absl::Duration flush_every = absl::Seconds(1);
    // limits.max_message_bytes, for CheckRequest(); zero: not checked.
    int64_t max_message_bytes = 0;
  };

  // `db`, `audit`, `callers` must outlive the dispatcher; `limiter` and
  // `health` may be null (no rate limit; failures not reported).
  Dispatcher(store::Backend* db, AuditLog* audit, CallerResolver* callers,
             RateLimiter* limiter, HealthState* health, Options options);
  Dispatcher(store::Backend* db, AuditLog* audit, CallerResolver* callers,
             RateLimiter* limiter, HealthState* health = nullptr)
      : Dispatcher(db, audit, callers, limiter, health, Options()) {}
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // A call that changes no state: `body` runs outside any transaction, then
  // the event is appended. `body` errors are returned to the client.
  // A method absent from both authorization tables is refused UNIMPLEMENTED
  // once the caller's identity is accepted (the catch-all service sends
  // unknown methods here).
  grpc::Status Read(grpc::ServerContextBase* context, absl::string_view method,
                    absl::FunctionRef<absl::Status(Call&)> body);

  // A call that changes state: `body` runs in the write transaction, with
  // the event appended in the same transaction.
  grpc::Status Write(
      grpc::ServerContextBase* context, absl::string_view method,
      absl::FunctionRef<absl::Status(Call&, store::WriteSession&)> body);

  // For calls that must first compute outside the transaction, then commit
  // (extracts): `prepare` runs outside, then `commit` in the transaction
  // with the event; `after` runs once the event is durable (to stream the
  // result), and its error, if any, is returned but not audited again. If
  // the client has gone (cancelled, deadline passed) when `prepare` ends,
  // `commit` does not run and the call is recorded as CANCELLED.
  grpc::Status Staged(
      grpc::ServerContextBase* context, absl::string_view method,
      absl::FunctionRef<absl::Status(Call&)> prepare,
      absl::FunctionRef<absl::Status(Call&, store::WriteSession&)> commit,
      absl::FunctionRef<absl::Status(Call&)> after);

  // Each call is counted and timed in `metrics` (null: not measured). Set
  // before serving.
  void set_metrics(Metrics* metrics) { metrics_ = metrics; }

  // Records a refused TLS handshake (no call exists yet; the verifier does
  // not know the peer's address), through the refusal throttle.
  void RecordHandshakeRefusal(const std::string& cert_sha256,
                              const std::string& uri, const absl::Status& why);

  // For the audit interceptor. Once TrackCalls() was called, each call that
  // went through Read/Write/Staged is remembered until FinishCall(): a call
  // that ends without having been recorded (gRPC answered it before any
  // body) is recorded then, with the status the client gets. gRPC's answer
  // to a request message it cannot parse (INTERNAL, no message) is
  // replaced by INVALID_ARGUMENT saying so: FinishCall returns the status
  // to send instead, if any. Forget() drops what is remembered of a call
  // that is over without FinishCall().
  void TrackCalls() { tracking_.store(true); }
  std::optional<grpc::Status> FinishCall(grpc::ServerContextBase* context,
                                         absl::string_view method,
                                         const grpc::Status& sent)
      ABSL_LOCKS_EXCLUDED(tracked_mu_);
  void Forget(const grpc::ServerContextBase* context)
      ABSL_LOCKS_EXCLUDED(tracked_mu_);
  // The request message of a unary or server-streaming call, as received,
  // before its service runs: a message larger than
  // Options::max_message_bytes (policy::CheckMessageSize), or text with a
  // NUL byte, is refused by the call's gate (after identity and
  // authorization), and the refusal recorded.
  void CheckRequest(const grpc::ServerContextBase* context,
                    const google::protobuf::Message& request)
      ABSL_LOCKS_EXCLUDED(tracked_mu_);

  // Appends the refusal summaries of the windows ended by `now`.
  void FlushRefusals(absl::Time now);
  // Stops the periodic flush and appends every pending summary. Call before
  // the database closes; idempotent.
  void Shutdown();

 private:
  // Resolves, rate-limits and authorizes: the returned status is the
  // refusal, if any.
  absl::Status Admit(grpc::ServerContextBase* context, Call& call);
  // The status to send when the call may not run at all (integrity), or
  // when it was refused (then recorded).
  std::optional<grpc::Status> Gate(grpc::ServerContextBase* context,
                                   Call& call);
  // Records a call refused before its body (throttled without an identity).
  void RecordRefusal(Call& call, const absl::Status& outcome);
  absl::Status AppendAlone(Call& call, const absl::Status& outcome);
  // Reports the call and the status sent to metrics_ and the operational
  // log (`write`: the call changes state); returns `sent`.
  grpc::Status Observed(const Call& call, grpc::Status sent, bool write) const;
  void LogCall(const Call& call, absl::string_view role, absl::StatusCode code,
               absl::string_view message, bool write) const;
  void AppendSummary(const RefusalThrottle::Summary& summary, absl::Time now);
  // Reports a failure to append to the health state; returns `why`.
  absl::Status Failed(const absl::Status& why, absl::string_view what);
  void MarkRecorded(const grpc::ServerContextBase* context)
      ABSL_LOCKS_EXCLUDED(tracked_mu_);
  // The refusal CheckRequest() found for the call, if any (then forgotten).
  absl::Status TakeBadInput(const grpc::ServerContextBase* context)
      ABSL_LOCKS_EXCLUDED(tracked_mu_);
  void FlushLoop();

  store::Backend* const db_;
  AuditLog* const audit_;
  CallerResolver* const callers_;
  RateLimiter* const limiter_;
  Metrics* metrics_ = nullptr;
  HealthState* const health_;
  const Options options_;
  RefusalThrottle throttle_;

  std::atomic<bool> tracking_{false};
  Mutex tracked_mu_;
  absl::flat_hash_set<const grpc::ServerContextBase*> recorded_
      ABSL_GUARDED_BY(tracked_mu_);
  absl::flat_hash_map<const grpc::ServerContextBase*, absl::Status> bad_input_
      ABSL_GUARDED_BY(tracked_mu_);

  absl::Notification stop_flush_;
  std::thread flusher_;
  std::atomic<bool> shut_down_{false};
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_DISPATCHER_H_
