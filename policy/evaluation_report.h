// The evaluation of exchanges for the steering committee (rule R13;
// convention Article 9 and Annexe 4: effectivité, efficience): per
// convention and per objective served, the requests filed, the decisions,
// the withdrawals, the backlog, the median delay to a decision and the
// releases, over a time window [from, to).
//
// Every figure counts events inside the window, except `pending`, the
// backlog at the end of the window:
//   filed      requests created in [from, to)
//   approved   approvals made in [from, to) (whatever the request became
//              afterwards: REVOKED and EXPIRED requests were approved)
//   rejected   rejections made in [from, to)
//   withdrawn  withdrawals made in [from, to)
//   pending    requests created before `to` and neither decided nor
//              withdrawn before `to`
//   median days to decision   over the approvals and rejections counted
//              above: decision time - creation time, in days (fractional);
//              with an even count, the mean of the two middle values;
//              none when there is no decision
//   releases   extracts delivered in [from, to)
// A convention or objective appears when one of its figures is not zero.
//
// R1 both ways: the commune's requests to the Caf make `total` and
// `conventions`; the Caf's requests to communes (direction
// kCafToCommune; their releases are the Caf's downloads of the commune's
// data) make `caf_requests`, by the same definitions. R3: onward-transfer
// agreements make `agreements`: filed, approved, rejected in the window
// and the median days to decision, as above.
//
// Pure: no I/O, no clock. Thread-safe (no state).
#ifndef CTG_POLICY_EVALUATION_REPORT_H_
#define CTG_POLICY_EVALUATION_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "policy/request_state.h"

namespace ctg::policy {

// One request, as the report needs it.
struct RequestRecord {
  std::string convention_id;  // e.g. "CTG-33069"
  std::string objective;      // grouped by exact text
  absl::Time create_time;
  // The stored state. APPROVED, REVOKED and EXPIRED count as approved.
  RequestState state = RequestState::kSubmitted;
  // When the request was approved, rejected or withdrawn (for a REVOKED or
  // EXPIRED request: when it was approved); nullopt while pending.
  std::optional<absl::Time> decision_time;
  // When each extract of the request was delivered.
  std::vector<absl::Time> release_times;
  // R1: who asked whom.
  Direction direction = Direction::kCommuneToCaf;
};

// One onward-transfer agreement (R3), as the report needs it.
struct AgreementRecord {
  absl::Time create_time;
  bool approved = false;                    // the decision, when decided
  std::optional<absl::Time> decision_time;  // nullopt while undecided
};

struct AgreementFigures {
  int64_t filed = 0;
  int64_t approved = 0;
  int64_t rejected = 0;
  std::optional<double> median_days_to_decision;
};

struct EvaluationFigures {
  int64_t filed = 0;
  int64_t approved = 0;
  int64_t rejected = 0;
  int64_t withdrawn = 0;
  int64_t pending = 0;
  std::optional<double> median_days_to_decision;
  int64_t releases = 0;
};

struct ObjectiveEvaluation {
  std::string objective;
  EvaluationFigures figures;
};

struct ConventionEvaluation {
  std::string convention_id;
  EvaluationFigures figures;                    // all its objectives together
  std::vector<ObjectiveEvaluation> objectives;  // sorted by objective
};

struct EvaluationReport {
  absl::Time from;
  absl::Time to;
  EvaluationFigures total;                        // every convention together
  std::vector<ConventionEvaluation> conventions;  // sorted by id
  EvaluationFigures caf_requests;  // the Caf's requests to communes (R1)
  AgreementFigures agreements;     // onward-transfer agreements (R3)
};

// The report over [from, to).
// Errors: kInvalidArgument when from >= to (`from: ... is not before to
// (...)`); kInternal naming the record's index when a record contradicts
// itself (a pending state with a decision time, a decided state without
// one, a decision before the creation), which only corrupted storage can
// produce.
absl::StatusOr<EvaluationReport> BuildEvaluationReport(
    absl::Span<const RequestRecord> records, absl::Time from, absl::Time to);

// The same, with the agreements counted too. Errors as above; kInternal
// too for an agreement decided before it was created.
absl::StatusOr<EvaluationReport> BuildEvaluationReport(
    absl::Span<const RequestRecord> records,
    absl::Span<const AgreementRecord> agreements, absl::Time from,
    absl::Time to);

}  // namespace ctg::policy

#endif  // CTG_POLICY_EVALUATION_REPORT_H_
