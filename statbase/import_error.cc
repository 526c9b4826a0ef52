#include "statbase/import_error.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace ctg::statbase {

std::string ImportError::ToString() const {
  if (line == 0) return message;
  if (field.empty()) return absl::StrCat("line ", line, ": ", message);
  return absl::StrCat("line ", line, ", field \"", field, "\": ", message);
}

void ErrorList::Add(int64_t line, absl::string_view field,
                    std::string message) {
  ++total_;
  if (static_cast<int64_t>(kept_.size()) < limit_) {
    kept_.push_back({line, std::string(field), std::move(message)});
  }
}

void ErrorList::Add(ImportError error) {
  ++total_;
  if (static_cast<int64_t>(kept_.size()) < limit_) {
    kept_.push_back(std::move(error));
  }
}

absl::Status ErrorList::ToStatus(absl::string_view subject) const {
  if (empty()) return absl::OkStatus();
  std::string message =
      absl::StrCat(subject, ": ", total_, total_ == 1 ? " error" : " errors");
  for (const ImportError& e : kept_) {
    absl::StrAppend(&message, "\n", e.ToString());
  }
  const int64_t more = total_ - static_cast<int64_t>(kept_.size());
  if (more > 0) {
    absl::StrAppend(&message, "\n... and ", more,
                    more == 1 ? " more error" : " more errors");
  }
  return absl::InvalidArgumentError(message);
}

}  // namespace ctg::statbase
