// What the Caf declares when it asks a commune for data (rule R1 in the
// Caf -> commune direction, R2 for the declared purpose): the purpose, the
// objective of the convention it serves, a description of the data and,
// optionally, a table template (columns, territories, periods) the upload
// is later checked against (policy/upload.h). The request then goes through
// the same state machine, opinions, four-eyes rule and tenant isolation as
// the commune's requests (policy/request_state.h, policy/workflow.h with
// Direction::kCafToCommune).
//
// The commune's data is not subject to the Caf's secret statistique (R6,
// R7 protect the Caf's allocataires); the gateway checks instead the
// template, the size and the commune's attestation that the file holds no
// personal data (R5, R8).
//
// Every error is kInvalidArgument naming the field and, for lists, the
// first bad item. Pure: no I/O, no clock. Thread-safe (no state).
#ifndef CTG_POLICY_CAF_REQUEST_H_
#define CTG_POLICY_CAF_REQUEST_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "policy/request_validation.h"

namespace ctg::policy {

// The column of a template holding territory codes, and the one holding
// periods: when the template lists territories (periods), the upload's
// rows must use only those in that column.
inline constexpr absl::string_view kTerritoryColumn = "territory";
inline constexpr absl::string_view kPeriodColumn = "period";

// The table the Caf asks for (a CSV file with this header).
struct DataTemplate {
  std::vector<std::string> columns;      // the header, in order; 1..50
  std::vector<std::string> territories;  // allowed in "territory"; empty: any
  std::vector<std::string> periods;      // allowed in "period"; empty: any
};

struct CafRequestLimits {
  size_t max_description_chars = 8000;
  size_t max_columns = 50;
  size_t max_territories = 500;
  size_t max_periods = 120;
};

// Columns: 1..max_columns, each 1-64 of [a-z0-9_] starting with a letter,
// no duplicates; territories: in `perimeter` (the commune's convention),
// and then the template has a "territory" column; periods: "YYYY" or
// "YYYY-MM", and then a "period" column. `field` prefixes messages.
absl::Status ValidateTemplate(const DataTemplate& tmpl,
                              const Perimeter& perimeter,
                              const CafRequestLimits& caf_limits,
                              absl::string_view field = "data_template");

// A new request of the Caf to a commune.
struct CafSubmission {
  std::string purpose;      // R2: required, free text, immutable
  std::string objective;    // convention objective served: required, one line
  std::string description;  // the data wanted: required, free text
  std::optional<DataTemplate> data_template;
  std::vector<Recipient> recipients;  // the Caf's own services (R3)
  int retention_months = 0;
};

// Checks, in order: purpose, objective, description, data_template
// (ValidateTemplate), recipients (ValidateRecipients, and every one an
// OWN_SERVICE: the Caf declares its own services; analysis operators are
// the commune's), retention_months.
absl::Status ValidateCafSubmission(
    const CafSubmission& submission, const Perimeter& perimeter,
    const RequestLimits& limits = RequestLimits(),
    const CafRequestLimits& caf_limits = CafRequestLimits());

// An answer of the Caf to the commune's questions: a new description
// and/or template may replace the current ones; the purpose may not change
// (CheckPurposeUnchanged).
struct CafAmendment {
  std::string answer;                         // required
  std::string description;                    // empty: unchanged
  std::optional<DataTemplate> data_template;  // unset: unchanged
  std::string purpose;  // empty, or equal to the recorded purpose
};

// Checks, in order: purpose, answer, description, data_template.
absl::Status ValidateCafAmendment(
    const CafAmendment& amendment, absl::string_view recorded_purpose,
    const Perimeter& perimeter, const RequestLimits& limits = RequestLimits(),
    const CafRequestLimits& caf_limits = CafRequestLimits());

}  // namespace ctg::policy

#endif  // CTG_POLICY_CAF_REQUEST_H_
