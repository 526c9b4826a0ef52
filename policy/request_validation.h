// Validation of what a commune declares in a data request and of what the
// Caf decides on it (rules R1, R2, R3, R11): the declared purpose and
// objective, the scope against the catalogue and the commune's perimeter,
// the recipients, the retention period, amendments, information requests
// and decisions (opinions, narrowing, end time, download quota).
//
// Everything is plain data (the gateway converts from the protos); the
// catalogue, the statistical base's periods and the perimeter are passed in
// as sets. Every error is kInvalidArgument naming the field and, for lists,
// the first bad item, e.g.
//   scope.territories[2]: "330699999" is not in the perimeter of convention
//   CTG-33069
// except the four-eyes rule (kFailedPrecondition). Values echoed in messages
// are C-escaped and cut at 64 bytes.
//
// Text rules (free text and single-line fields alike): valid UTF-8; length
// counted in Unicode characters (code points) against RequestLimits; blank
// (empty or ASCII whitespace only) counts as missing; no control characters: C0
// (U+0000-U+001F) except tab and newline in free text, DEL, C1
// (U+0080-U+009F), U+2028/U+2029 and the bidirectional embedding, override
// and isolate controls (U+202A-U+202E, U+2066-U+2069), which could make a
// reviewer read something else than what is stored (policy/text.h, shared
// with the conventions).
//
// Pure: no I/O, no clock. Thread-safe (no state).
#ifndef CTG_POLICY_REQUEST_VALIDATION_H_
#define CTG_POLICY_REQUEST_VALIDATION_H_

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "policy/text.h"

namespace ctg::policy {

// What a request asks for, or what an approval releases (ctg.v1.Scope).
// Every list is a set: duplicates are refused.
struct Scope {
  std::vector<std::string> indicators;   // catalogue codes, at least one
  std::vector<std::string> territories;  // in the perimeter, at least one
  std::vector<std::string> periods;      // in the base, at least one
  std::vector<std::string> breakdowns;  // of requested indicators; may be empty
};

// Values of ctg.v1.Recipient.Kind.
enum class RecipientKind { kUnspecified = 0, kOwnService = 1, kOperator = 2 };

// Who receives the data (R3): an own service, or a named analysis operator.
struct Recipient {
  RecipientKind kind = RecipientKind::kUnspecified;
  std::string name;             // required, one line
  std::string operator_person;  // OPERATOR only: the SPIFFE person segment
};

// Values of ctg.v1.Opinion.
enum class OpinionValue {
  kUnspecified = 0,
  kFavourable = 1,
  kUnfavourable = 2
};

// One opinion of the étude (R1).
struct Opinion {
  OpinionValue value = OpinionValue::kUnspecified;
  std::string reasoning;  // required, free text
  std::string reviewer;   // SPIFFE ID of the reviewer, set by the gateway
};

// Values of ctg.v1.DecideRequestRequest.Decision.
enum class Decision { kUnspecified = 0, kApprove = 1, kReject = 2 };

// What can be asked for, as plain data from the catalogue and the base.
struct CatalogueView {
  // Indicator code -> codes of its breakdowns.
  std::map<std::string, std::set<std::string>> indicators;
  // Periods present in the statistical base ("2023", "2023-06").
  std::set<std::string> periods;
};

// The territories the commune's convention covers, expanded: when the
// convention lists the commune code alone (which covers the commune and all
// its IRIS and QPVs, see ValidatePerimeter in policy/convention.h), the
// caller passes the commune's territories from the statistical base.
// Membership is exact: an IRIS is not covered because its commune is listed.
struct Perimeter {
  std::string convention_id;  // named in messages, e.g. "CTG-33069"
  std::set<std::string> territories;
};

// Documented limits. Text limits count Unicode characters.
struct RequestLimits {
  size_t max_purpose_chars = 2000;
  size_t max_objective_chars = 200;  // one line
  size_t max_justification_chars = 8000;
  size_t max_answer_chars = 8000;     // answer to questions
  size_t max_question_chars = 2000;   // each question
  size_t max_reasoning_chars = 4000;  // each opinion; rejection reasons
  size_t max_reason_chars = 2000;     // withdrawal, revocation
  size_t max_name_chars = 200;        // recipient name, one line
  size_t max_indicators = 50;
  size_t max_territories = 500;
  size_t max_periods = 120;
  size_t max_breakdowns = 20;
  size_t max_recipients = 20;
  size_t max_questions = 20;
  int min_retention_months = 1;
  int max_retention_months = 120;
  int max_download_quota = 100;
};

// Each list within its limit, indicators/territories/periods non-empty, no
// duplicates, every code known: indicators in the catalogue, territories in
// the perimeter, periods in the base, breakdowns of at least one of the
// requested indicators. Lists are checked in that order. `field` prefixes
// messages ("scope").
absl::Status ValidateScope(const Scope& scope, const CatalogueView& catalogue,
                           const Perimeter& perimeter,
                           const RequestLimits& limits,
                           absl::string_view field = "scope");

// R3: kind set; name required; an OPERATOR has an operator person (1-64
// letters, digits, '.', '-', '_'), an own service has none; no recipient
// twice (same kind and name, ASCII case-insensitive; or same operator
// person). An empty list is valid: the data stay with the commune's
// requesting services.
absl::Status ValidateRecipients(absl::Span<const Recipient> recipients,
                                const RequestLimits& limits);

// min_retention_months..max_retention_months (1..120 by default). The CLI
// must send a value: 0 ("unset" in proto3) is refused.
absl::Status ValidateRetention(int months, const RequestLimits& limits);

// A new request (SubmitRequest).
struct Submission {
  std::string purpose;        // R2: required, free text
  std::string objective;      // convention objective served: required, one line
  std::string justification;  // optional, free text
  Scope scope;
  std::vector<Recipient> recipients;
  int retention_months = 0;
};

// Checks, in order: purpose, objective, justification, scope, recipients,
// retention_months.
absl::Status ValidateSubmission(const Submission& submission,
                                const CatalogueView& catalogue,
                                const Perimeter& perimeter,
                                const RequestLimits& limits = RequestLimits());

// R2: OK when `proposed` is empty (unchanged) or byte-for-byte equal to the
// recorded purpose; otherwise kInvalidArgument: `purpose: the declared
// purpose cannot change after submission (R2); file a new request for
// another purpose`.
absl::Status CheckPurposeUnchanged(absl::string_view recorded,
                                   absl::string_view proposed);

// An answer to an information request (AmendRequest).
struct Amendment {
  std::optional<Scope> scope;  // unset: keep the current scope
  std::string justification;   // empty: keep the current one
  std::string answer;          // required, free text
  std::string purpose;         // empty, or equal to the recorded purpose
};

// Checks, in order: purpose (CheckPurposeUnchanged), answer, justification,
// scope (ValidateScope, when set).
absl::Status ValidateAmendment(const Amendment& amendment,
                               absl::string_view recorded_purpose,
                               const CatalogueView& catalogue,
                               const Perimeter& perimeter,
                               const RequestLimits& limits = RequestLimits());

// RequestInformation: at least one question, at most max_questions, each
// required free text of at most max_question_chars.
absl::Status ValidateQuestions(absl::Span<const std::string> questions,
                               const RequestLimits& limits = RequestLimits());

// Each list of `approved` is a subset of the same list of `requested`
// (approval may only narrow), e.g. `scope.territories[1]: "330690102" was
// not requested`.
absl::Status CheckNarrowing(const Scope& approved, const Scope& requested,
                            absl::string_view field = "scope");

// DecideRequest as plain data.
struct DecisionInput {
  Decision decision = Decision::kUnspecified;
  std::optional<Opinion> opportunity;
  std::optional<Opinion> feasibility;
  // Approval only.
  std::optional<Scope> scope;          // unset: the requested scope
  std::optional<absl::Time> end_time;  // unset: the convention's end
  int download_quota = 0;              // 0: one download
  // Rejection only: required.
  std::string reasons;
};

struct DecisionOptions {
  // The opportunity and feasibility opinions must come from two different
  // reviewers (configuration option).
  bool four_eyes = false;
};

// What an approval allows, normalised.
struct ApprovalTerms {
  Scope scope;             // the requested scope or a narrower one
  absl::Time end_time;     // exclusive; absl::InfiniteFuture() possible
  int download_quota = 1;  // 1..max_download_quota
};

struct DecisionOutcome {
  Decision decision = Decision::kUnspecified;
  std::optional<ApprovalTerms> approval;  // set for kApprove only
};

// The opinions of the étude given or recorded on one version of a request
// (R1). Every given opinion: value set, reasoning required (free text of at
// most max_reasoning_chars), reviewer required. Four-eyes
// (options.four_eyes, when both are given): the reviewers differ.
// Errors: kInvalidArgument naming the field ("opportunity.opinion",
// "feasibility.reasoning", ...); kFailedPrecondition for the four-eyes rule.
absl::Status ValidateOpinions(const std::optional<Opinion>& opportunity,
                              const std::optional<Opinion>& feasibility,
                              const DecisionOptions& options,
                              const RequestLimits& limits = RequestLimits());

// Validates a decision on a request whose current scope is `requested`.
// `convention_end` is the instant the convention's validity ends
// (exclusive; absl::InfiniteFuture() when open).
//   The opinions: ValidateOpinions (before anything else but the decision).
//   Approval (R1): both opinions given and FAVOURABLE; no reasons; the scope
//     (if given) valid (ValidateScope) and within the requested one
//     (CheckNarrowing); now < end_time <= convention_end (R11); quota in
//     0..max_download_quota, 0 meaning 1.
//   Rejection: reasons required; no scope, end time nor quota; opinions
//     optional.
// Errors: kInvalidArgument naming the field; kFailedPrecondition for the
// four-eyes rule.
absl::StatusOr<DecisionOutcome> ValidateDecision(
    const DecisionInput& input, const Scope& requested,
    const CatalogueView& catalogue, const Perimeter& perimeter, absl::Time now,
    absl::Time convention_end, const DecisionOptions& options,
    const RequestLimits& limits = RequestLimits());

}  // namespace ctg::policy

#endif  // CTG_POLICY_REQUEST_VALIDATION_H_
