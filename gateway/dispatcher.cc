#include "gateway/dispatcher.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "gateway/oplog.h"
#include "gateway/request_text.h"
#include "gateway/status_mapping.h"
#include "policy/authorization.h"
#include "policy/message_size.h"
#include "policy/text.h"

namespace ctg::gateway {
namespace {

// Client-supplied text reaches the audit trail (facts, targets, error
// messages): keep it valid UTF-8 without NUL (which PostgreSQL's text
// columns refuse) and bounded, so that recording a call can never fail
// because of what the client sent, on either backend.
constexpr size_t kMaxAuditTextBytes = 2048;

std::string ForAudit(absl::string_view text) {
  std::string out;
  out.reserve(std::min(text.size(), kMaxAuditTextBytes));
  for (size_t i = 0; i < text.size();) {
    size_t len = policy::Utf8SequenceLength(text, i);
    if (out.size() + std::max<size_t>(len, 3) > kMaxAuditTextBytes) {
      out += "[...]";
      break;
    }
    if (len == 0 || text[i] == '\0') {
      out += "\xEF\xBF\xBD";  // U+FFFD for an invalid byte or a NUL
      ++i;
    } else {
      out.append(text.data() + i, len);
      i += len;
    }
  }
  return out;
}

// A one-line name from the client (a method, a target id, a request id):
// ForAudit, with control characters written as \xNN, so that a trail read
// as text (`ctg audit events`, a terminal) never shows a line the gateway
// did not write. Facts keep their line breaks: a purpose is a paragraph.
std::string ForAuditName(absl::string_view text) {
  std::string out;
  for (char c : ForAudit(text)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      absl::StrAppend(&out, "\\x", absl::Hex(byte, absl::kZeroPad2));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The operational log line of a call (gateway/oplog.h): state changes
// (imports, decisions, releases...) at info, refusals at warning, server
// failures at error with their cause. Reads that succeed are not logged.
// Client errors are logged without their message: it may quote the client
// or the base.
bool IsServerFailure(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal ||
         code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kDataLoss ||
         code == absl::StatusCode::kUnknown;
}

// "ipv4:127.0.0.1:50312" -> "ipv4:127.0.0.1": refusals are grouped per host,
// not per connection.
std::string PeerHost(absl::string_view peer) {
  size_t colon = peer.rfind(':');
  if (colon == absl::string_view::npos || colon + 1 == peer.size())
    return std::string(peer);
  for (char c : peer.substr(colon + 1)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)))
      return std::string(peer);
  }
  return std::string(peer.substr(0, colon));
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

Caller Unresolved() {
  return Caller{.identity = absl::UnauthenticatedError("not resolved")};
}

}  // namespace

void Dispatcher::LogCall(const Call& call, absl::string_view role,
                         absl::StatusCode code, absl::string_view message,
                         bool write) const {
  if (code == absl::StatusCode::kOk && !write) return;
  oplog::Level level = code == absl::StatusCode::kOk ? oplog::Level::kInfo
                       : IsServerFailure(code)       ? oplog::Level::kError
                                                     : oplog::Level::kWarning;
  std::string caller =
      call.caller_.identity.ok() ? call.caller_.identity->spiffe_id : "";
  std::string sequence =
      call.audit_sequence_ > 0 ? absl::StrCat(call.audit_sequence_) : "";
  oplog::Log(level, "call",
             {{"method", call.method_},
              {"code", absl::StatusCodeToString(code)},
              {"caller", caller},
              {"role", role},
              {"target_kind", call.target_kind_},
              {"target_id", call.target_id_},
              {"request_id", call.request_id_},
              {"audit_seq", sequence},
              {"cause", IsServerFailure(code) ? message : ""}});
}

grpc::Status Dispatcher::Observed(const Call& call, grpc::Status sent,
                                  bool write) const {
  absl::StatusCode code = static_cast<absl::StatusCode>(sent.error_code());
  absl::string_view role = call.caller_.identity.ok()
                               ? policy::RoleName(call.caller_.identity->role)
                               : "none";
  if (metrics_ != nullptr) {
    metrics_->ObserveCall(call.method_, role, absl::StatusCodeToString(code),
                          absl::ToDoubleSeconds(absl::Now() - call.now_));
  }
  LogCall(call, role, code, sent.error_message(), write);
  return sent;
}

Call::Call(absl::string_view method, Caller caller, absl::Time now)
    : method_(ForAuditName(method)), caller_(std::move(caller)), now_(now) {}

void Call::SetTarget(absl::string_view kind, absl::string_view id) {
  target_kind_ = ForAuditName(kind);
  target_id_ = ForAuditName(id);
}

void Call::SetRequestId(absl::string_view id) {
  request_id_ = ForAuditName(id);
}

void Call::AddFact(absl::string_view key, absl::string_view value) {
  for (audit::Fact& fact : facts_) {
    if (fact.key == key) {
      fact.value = ForAudit(value);
      return;
    }
  }
  facts_.push_back({std::string(key), ForAudit(value)});
}

AuditEntry Call::ToEntry(const absl::Status& outcome) const {
  AuditEntry entry;
  audit::Event& e = entry.event;
  if (caller_.identity.ok())
    e.caller = caller_.identity->spiffe_id;
  else
    entry.claimed_caller = ForAudit(caller_.uri);  // unverified: a claim
  e.cert_sha256 = caller_.cert_sha256;
  e.peer = caller_.peer;
  e.method = method_;
  e.target_kind = target_kind_;
  e.target_id = target_id_;
  e.code = static_cast<int32_t>(outcome.code());
  e.message = ForAudit(outcome.message());
  e.facts = facts_;
  if (caller_.identity.ok())
    entry.organisation = caller_.identity->OrganisationPath();
  entry.request_id = request_id_;
  // Only a successful release is findable by its digest.
  if (outcome.ok()) entry.extract_sha256 = extract_sha256_;
  return entry;
}

Dispatcher::Dispatcher(store::Backend* db, AuditLog* audit,
                       CallerResolver* callers, RateLimiter* limiter,
                       HealthState* health, Options options)
    : db_(db),
      audit_(audit),
      callers_(callers),
      limiter_(limiter),
      health_(health),
      options_(options),
      throttle_(options.refusals) {
  if (options_.flush_every > absl::ZeroDuration()) {
    flusher_ = std::thread([this] { FlushLoop(); });
  }
}

Dispatcher::~Dispatcher() { Shutdown(); }

void Dispatcher::FlushLoop() {
  while (!stop_flush_.WaitForNotificationWithTimeout(options_.flush_every)) {
    FlushRefusals(absl::Now());
  }
}

void Dispatcher::Shutdown() {
  if (shut_down_.exchange(true)) return;
  stop_flush_.Notify();
  if (flusher_.joinable()) flusher_.join();
  absl::Time now = absl::Now();
  for (const RefusalThrottle::Summary& summary : throttle_.TakeAll()) {
    AppendSummary(summary, now);
  }
}

void Dispatcher::FlushRefusals(absl::Time now) {
  for (const RefusalThrottle::Summary& summary : throttle_.TakeEnded(now)) {
    AppendSummary(summary, now);
  }
}

absl::Status Dispatcher::Failed(const absl::Status& why,
                                absl::string_view what) {
  if (health_ != nullptr) {
    // A database that cannot be reached is refused until it answers again
    // (the server's probe clears it); any other failure leaves the trail in
    // doubt until a restart checks it.
    health_->ReportFailure(
        db_->IsUnreachable(why) ? kDatabaseComponent : "audit-append",
        HealthState::Severity::kIntegrity,
        absl::Status(why.code(), absl::StrCat("could not record ", what, ": ",
                                              why.message())));
  }
  return why;
}

absl::Status Dispatcher::Admit(grpc::ServerContextBase* context, Call& call) {
  call.caller_ = callers_->Resolve(*context);
  if (!call.caller_.identity.ok()) return call.caller_.identity.status();
  // Every call of an accepted identity counts against its rate, refused
  // ones included, so that refusals cannot flood the trail either.
  if (limiter_ != nullptr) {
    CTG_RETURN_IF_ERROR(
        limiter_->Admit(call.caller_.identity->spiffe_id, call.now_));
  }
  if (!policy::IsKnownMethod(call.method_)) {
    return absl::UnimplementedError(
        absl::StrCat("method ", ForAudit(call.method_.substr(0, 256)),
                     " is not served by this gateway"));
  }
  return policy::Authorize(call.caller_.identity->role, call.method_);
}

std::optional<grpc::Status> Dispatcher::Gate(grpc::ServerContextBase* context,
                                             Call& call) {
  if (health_ != nullptr) {
    if (absl::Status integrity = health_->IntegrityStatus(); !integrity.ok()) {
      MarkRecorded(
          context);  // deliberately not recorded: the trail is in doubt
      return ToGrpcStatus(integrity);
    }
  }
  absl::Status admitted = Admit(context, call);
  if (admitted.ok()) admitted = TakeBadInput(context);
  if (admitted.ok()) return std::nullopt;
  RecordRefusal(call, admitted);
  MarkRecorded(context);
  return ToGrpcStatus(admitted);
}

void Dispatcher::RecordRefusal(Call& call, const absl::Status& outcome) {
  if (!call.caller_.identity.ok()) {
    RefusalThrottle::Key key{.peer = PeerHost(call.caller_.peer),
                             .reason = ForAudit(outcome.message()),
                             .cert_sha256 = call.caller_.cert_sha256};
    if (!throttle_.Offer(key, call.method_, static_cast<int>(outcome.code()),
                         ForAudit(call.caller_.uri), call.now_)) {
      return;  // counted in the window's summary
    }
    oplog::Log(oplog::Level::kWarning, "refused-identity",
               {{"method", call.method_},
                {"claimed_caller", ForAudit(call.caller_.uri)},
                {"cert_sha256", call.caller_.cert_sha256},
                {"peer", call.caller_.peer},
                {"reason", ForAudit(outcome.message())}});
  }
  // A failure is in the health state; the client sees its refusal anyway.
  AppendAlone(call, outcome).IgnoreError();
}

absl::Status Dispatcher::AppendAlone(Call& call, const absl::Status& outcome) {
  absl::Time start = absl::Now();
  absl::Status recorded =
      db_->Write([&](store::WriteSession& tx) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(call.audit_sequence_,
                             audit_->Append(tx, call.ToEntry(outcome)));
        return absl::OkStatus();
      });
  if (metrics_ != nullptr)
    metrics_->ObserveAuditWrite(absl::ToDoubleSeconds(absl::Now() - start));
  if (!recorded.ok())
    return Failed(recorded, absl::StrCat("the event of ", call.method_));
  return recorded;
}

void Dispatcher::AppendSummary(const RefusalThrottle::Summary& summary,
                               absl::Time now) {
  if (health_ != nullptr && !health_->IntegrityStatus().ok()) return;
  Call call(kRefusalSummaryMethod,
            Caller{.peer = summary.key.peer,
                   .cert_sha256 = summary.key.cert_sha256,
                   .uri = summary.claim,
                   .identity = absl::UnauthenticatedError(summary.key.reason)},
            now);
  call.AddFact("refusals", absl::StrCat(summary.folded));
  call.AddFact("window_start", Rfc3339(summary.window_start));
  call.AddFact("window_end", Rfc3339(summary.window_end));
  call.AddFact("methods", absl::StrCat(absl::StrJoin(summary.methods, " "),
                                       summary.more_methods ? " ..." : ""));
  std::string message = summary.key.reason;
  if (summary.overflow) {
    call.AddFact("overflow", "true");
    message = absl::StrCat(
        "refusals of callers beyond the first ", options_.refusals.max_keys,
        " distinct (peer, reason, certificate) of the window");
  }
  oplog::Log(oplog::Level::kWarning, "refusal-summary",
             {{"peer", summary.key.peer},
              {"reason", message},
              {"refusals", absl::StrCat(summary.folded)}});
  AppendAlone(
      call, absl::Status(static_cast<absl::StatusCode>(summary.code), message))
      .IgnoreError();  // reported to the health state
}

void Dispatcher::MarkRecorded(const grpc::ServerContextBase* context) {
  if (!tracking_.load() || context == nullptr) return;
  MutexLock lock(&tracked_mu_);
  recorded_.insert(context);
}

void Dispatcher::Forget(const grpc::ServerContextBase* context) {
  if (!tracking_.load()) return;
  MutexLock lock(&tracked_mu_);
  recorded_.erase(context);
  bad_input_.erase(context);
}

void Dispatcher::CheckRequest(const grpc::ServerContextBase* context,
                              const google::protobuf::Message& request) {
  absl::Status refusal = absl::OkStatus();
  if (options_.max_message_bytes > 0) {
    refusal =
        policy::CheckMessageSize(static_cast<int64_t>(request.ByteSizeLong()),
                                 options_.max_message_bytes);
  }
  if (refusal.ok()) refusal = CheckRequestText(request);
  if (refusal.ok()) return;
  MutexLock lock(&tracked_mu_);
  bad_input_[context] = std::move(refusal);
}

absl::Status Dispatcher::TakeBadInput(const grpc::ServerContextBase* context) {
  MutexLock lock(&tracked_mu_);
  auto it = bad_input_.find(context);
  if (it == bad_input_.end()) return absl::OkStatus();
  absl::Status refusal = std::move(it->second);
  bad_input_.erase(it);
  return refusal;
}

std::optional<grpc::Status> Dispatcher::FinishCall(
    grpc::ServerContextBase* context, absl::string_view method,
    const grpc::Status& sent) {
  {
    MutexLock lock(&tracked_mu_);
    bad_input_.erase(context);
    if (recorded_.erase(context) > 0) return std::nullopt;
  }
  std::optional<grpc::Status> replaced;
  // gRPC's generated handlers answer INTERNAL with no message when the
  // request message does not parse, before any project code runs.
  if (sent.error_code() == grpc::StatusCode::INTERNAL &&
      sent.error_message().empty()) {
    replaced = grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        "request: the message could not be parsed as this method's "
        "request type");
  }
  const grpc::Status& answer = replaced ? *replaced : sent;
  if (health_ != nullptr && !health_->IntegrityStatus().ok()) return replaced;
  Call call(method, Unresolved(), absl::Now());
  call.caller_ = callers_->Resolve(*context);
  absl::Status outcome(static_cast<absl::StatusCode>(answer.error_code()),
                       answer.ok()
                           ? "the call ended without passing the dispatcher"
                           : answer.error_message());
  call.AddFact("answered_by", "grpc");
  if (!call.caller_.identity.ok()) {
    call.AddFact("identity_refused", call.caller_.identity.status().message());
  }
  RecordRefusal(call, outcome);
  return replaced;
}

grpc::Status Dispatcher::Read(grpc::ServerContextBase* context,
                              absl::string_view method,
                              absl::FunctionRef<absl::Status(Call&)> body) {
  Call call(method, Unresolved(), absl::Now());
  if (auto refused = Gate(context, call))
    return Observed(call, *refused, false);
  absl::Status outcome = body(call);
  absl::Status recorded = AppendAlone(call, outcome);
  MarkRecorded(context);
  if (!recorded.ok())
    return Observed(call, NotRecordedStatus(recorded, false), false);
  return Observed(call, ToGrpcStatus(outcome), false);
}

grpc::Status Dispatcher::Write(
    grpc::ServerContextBase* context, absl::string_view method,
    absl::FunctionRef<absl::Status(Call&, store::WriteSession&)> body) {
  Call call(method, Unresolved(), absl::Now());
  if (auto refused = Gate(context, call)) return Observed(call, *refused, true);
  absl::Status outcome;
  absl::Status recorded =
      db_->Write([&](store::WriteSession& tx) -> absl::Status {
        outcome = tx.Savepoint([&] { return body(call, tx); });
        CTG_ASSIGN_OR_RETURN(call.audit_sequence_,
                             audit_->Append(tx, call.ToEntry(outcome)));
        return absl::OkStatus();
      });
  MarkRecorded(context);
  if (!recorded.ok())
    return Observed(
        call,
        NotRecordedStatus(
            Failed(recorded, absl::StrCat("the event of ", method)), true),
        true);
  return Observed(call, ToGrpcStatus(outcome), true);
}

grpc::Status Dispatcher::Staged(
    grpc::ServerContextBase* context, absl::string_view method,
    absl::FunctionRef<absl::Status(Call&)> prepare,
    absl::FunctionRef<absl::Status(Call&, store::WriteSession&)> commit,
    absl::FunctionRef<absl::Status(Call&)> after) {
  Call call(method, Unresolved(), absl::Now());
  if (auto refused = Gate(context, call)) return Observed(call, *refused, true);
  absl::Status outcome = prepare(call);
  // A client that has gone (cancelled, or its deadline passed) during the
  // preparation would never see what the commit records: record nothing
  // but the refusal.
  if (outcome.ok() && context->IsCancelled()) {
    outcome = absl::CancelledError(
        "the call was cancelled or its deadline passed: nothing was recorded");
  }
  absl::Status recorded =
      db_->Write([&](store::WriteSession& tx) -> absl::Status {
        if (outcome.ok())
          outcome = tx.Savepoint([&] { return commit(call, tx); });
        CTG_ASSIGN_OR_RETURN(call.audit_sequence_,
                             audit_->Append(tx, call.ToEntry(outcome)));
        return absl::OkStatus();
      });
  MarkRecorded(context);
  if (!recorded.ok())
    return Observed(
        call,
        NotRecordedStatus(
            Failed(recorded, absl::StrCat("the event of ", method)), true),
        true);
  if (!outcome.ok()) return Observed(call, ToGrpcStatus(outcome), true);
  return Observed(call, ToGrpcStatus(after(call)), true);
}

void Dispatcher::RecordHandshakeRefusal(const std::string& cert_sha256,
                                        const std::string& uri,
                                        const absl::Status& why) {
  if (health_ != nullptr && !health_->IntegrityStatus().ok()) return;
  Call call(kHandshakeMethod,
            Caller{.cert_sha256 = cert_sha256, .uri = uri, .identity = why},
            absl::Now());
  // The handshake fails whatever happens here; a failure to record it is
  // reported to the health state (integrity: calls are refused until then).
  RecordRefusal(call, why);
}

}  // namespace ctg::gateway
