// Validation shared by ValidateEvent(), the canonical decoder and the export
// reader (which checks UTF-8 itself while unescaping). Internal.
#ifndef CTG_AUDIT_INTERNAL_EVENT_CHECKS_H_
#define CTG_AUDIT_INTERNAL_EVENT_CHECKS_H_

#include "absl/status/status.h"
#include "audit/event.h"

namespace ctg::audit::internal {

// ValidateEvent() without the UTF-8 checks when `check_utf8` is false.
absl::Status ValidateEventFields(const Event& event, bool check_utf8);

}  // namespace ctg::audit::internal

#endif  // CTG_AUDIT_INTERNAL_EVENT_CHECKS_H_
