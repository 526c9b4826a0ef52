#include "gateway/dispatcher.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/oplog.h"
#include "gateway/status_mapping.h"
#include "policy/authorization.h"
#include "policy/text.h"

namespace ctg::gateway {
namespace {

// A call whose outcome could not be made durable is reported as such; the
// client must not believe it happened.
grpc::Status NotRecorded(const absl::Status& why) {
  return ToGrpcStatus(absl::UnavailableError(absl::StrCat(
      "the call could not be recorded in the audit trail, nothing was done: ",
      why.message())));
}

// Client-supplied text reaches the audit trail (facts, targets, error
// messages): keep it valid UTF-8 and bounded, so that recording a call can
// never fail because of what the client sent.
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
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for an invalid byte
      ++i;
    } else {
      out.append(text.data() + i, len);
      i += len;
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
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kDataLoss || code == absl::StatusCode::kUnknown;
}

}  // namespace

void Dispatcher::LogCall(const Call& call, absl::string_view role, absl::StatusCode code,
                         absl::string_view message, bool write) const {
  if (code == absl::StatusCode::kOk && !write) return;
  oplog::Level level = code == absl::StatusCode::kOk ? oplog::Level::kInfo
                       : IsServerFailure(code)       ? oplog::Level::kError
                                                     : oplog::Level::kWarning;
  std::string caller = call.caller_.identity.ok() ? call.caller_.identity->spiffe_id : "";
  std::string sequence = call.audit_sequence_ > 0 ? absl::StrCat(call.audit_sequence_) : "";
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

void Call::SetTarget(absl::string_view kind, absl::string_view id) {
  target_kind_ = ForAudit(kind);
  target_id_ = ForAudit(id);
}

void Call::SetRequestId(absl::string_view id) { request_id_ = ForAudit(id); }

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
  if (caller_.identity.ok()) e.caller = caller_.identity->spiffe_id;
  else entry.claimed_caller = ForAudit(caller_.uri);  // unverified: a claim
  e.cert_sha256 = caller_.cert_sha256;
  e.peer = caller_.peer;
  e.method = method_;
  e.target_kind = target_kind_;
  e.target_id = target_id_;
  e.code = static_cast<int32_t>(outcome.code());
  e.message = ForAudit(outcome.message());
  e.facts = facts_;
  if (caller_.identity.ok()) entry.organisation = caller_.identity->OrganisationPath();
  entry.request_id = request_id_;
  // Only a successful release is findable by its digest.
  if (outcome.ok()) entry.extract_sha256 = extract_sha256_;
  return entry;
}

absl::Status Dispatcher::Admit(grpc::ServerContext* context, Call& call) {
  call.caller_ = callers_->Resolve(*context);
  if (!call.caller_.identity.ok()) return call.caller_.identity.status();
  CTG_RETURN_IF_ERROR(policy::Authorize(call.caller_.identity->role, call.method_));
  if (limiter_ != nullptr) {
    CTG_RETURN_IF_ERROR(limiter_->Admit(call.caller_.identity->spiffe_id, call.now_));
  }
  return absl::OkStatus();
}

absl::Status Dispatcher::AppendAlone(Call& call, const absl::Status& outcome) {
  absl::Time start = absl::Now();
  absl::Status recorded = db_->Write([&](store::Transaction& tx) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(call.audit_sequence_, audit_->Append(tx, call.ToEntry(outcome)));
    return absl::OkStatus();
  });
  if (metrics_ != nullptr) metrics_->ObserveAuditWrite(absl::ToDoubleSeconds(absl::Now() - start));
  return recorded;
}

grpc::Status Dispatcher::Observed(const Call& call, grpc::Status sent, bool write) const {
  absl::StatusCode code = static_cast<absl::StatusCode>(sent.error_code());
  absl::string_view role =
      call.caller_.identity.ok() ? policy::RoleName(call.caller_.identity->role) : "none";
  if (metrics_ != nullptr) {
    metrics_->ObserveCall(call.method_, role, absl::StatusCodeToString(code),
                          absl::ToDoubleSeconds(absl::Now() - call.now_));
  }
  LogCall(call, role, code, sent.error_message(), write);
  return sent;
}

grpc::Status Dispatcher::Read(grpc::ServerContext* context, absl::string_view method,
                              absl::FunctionRef<absl::Status(Call&)> body) {
  Call call(method, Caller{.identity = absl::UnauthenticatedError("not resolved")}, absl::Now());
  absl::Status outcome = Admit(context, call);
  if (outcome.ok()) outcome = body(call);
  if (absl::Status recorded = AppendAlone(call, outcome); !recorded.ok()) {
    return Observed(call, NotRecorded(recorded), false);
  }
  return Observed(call, ToGrpcStatus(outcome), false);
}

grpc::Status Dispatcher::Write(
    grpc::ServerContext* context, absl::string_view method,
    absl::FunctionRef<absl::Status(Call&, store::Transaction&)> body) {
  Call call(method, Caller{.identity = absl::UnauthenticatedError("not resolved")}, absl::Now());
  absl::Status outcome = Admit(context, call);
  absl::Status recorded = db_->Write([&](store::Transaction& tx) -> absl::Status {
    if (outcome.ok()) outcome = tx.Savepoint([&] { return body(call, tx); });
    CTG_ASSIGN_OR_RETURN(call.audit_sequence_, audit_->Append(tx, call.ToEntry(outcome)));
    return absl::OkStatus();
  });
  if (!recorded.ok()) return Observed(call, NotRecorded(recorded), true);
  return Observed(call, ToGrpcStatus(outcome), true);
}

grpc::Status Dispatcher::Staged(
    grpc::ServerContext* context, absl::string_view method,
    absl::FunctionRef<absl::Status(Call&)> prepare,
    absl::FunctionRef<absl::Status(Call&, store::Transaction&)> commit,
    absl::FunctionRef<absl::Status(Call&)> after) {
  Call call(method, Caller{.identity = absl::UnauthenticatedError("not resolved")}, absl::Now());
  absl::Status outcome = Admit(context, call);
  if (outcome.ok()) outcome = prepare(call);
  // A client that has gone (cancelled, or its deadline passed) during the
  // preparation would never see what the commit records: record nothing
  // but the refusal.
  if (outcome.ok() && context->IsCancelled()) {
    outcome = absl::CancelledError(
        "the call was cancelled or its deadline passed: nothing was recorded");
  }
  absl::Status recorded = db_->Write([&](store::Transaction& tx) -> absl::Status {
    if (outcome.ok()) outcome = tx.Savepoint([&] { return commit(call, tx); });
    CTG_ASSIGN_OR_RETURN(call.audit_sequence_, audit_->Append(tx, call.ToEntry(outcome)));
    return absl::OkStatus();
  });
  if (!recorded.ok()) return Observed(call, NotRecorded(recorded), true);
  if (!outcome.ok()) return Observed(call, ToGrpcStatus(outcome), true);
  return Observed(call, ToGrpcStatus(after(call)), true);
}

void Dispatcher::RecordHandshakeRefusal(const std::string& cert_sha256,
                                        const std::string& uri,
                                        const absl::Status& why) {
  Call call("tls-handshake", Caller{.cert_sha256 = cert_sha256, .uri = uri,
                                    .identity = why},
            absl::Now());
  AppendAlone(call, why).IgnoreError();  // best effort: the handshake fails anyway
  oplog::Log(oplog::Level::kWarning, "handshake-refused",
             {{"claimed_caller", uri}, {"cert_sha256", cert_sha256}, {"reason", why.message()}});
}

}  // namespace ctg::gateway
