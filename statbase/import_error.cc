#include "statbase/import_error.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ctg::statbase {

std::string ImportError::ToString() const {
  if (line == 0) return message;
  std::string where = last_line > line
                          ? absl::StrCat("lines ", line, "\u2013", last_line,
                                         " (", last_line - line + 1, " lines)")
                          : absl::StrCat("line ", line);
  if (field.empty()) return absl::StrCat(where, ": ", message);
  return absl::StrCat(where, ", field \"", field, "\": ", message);
}

void ErrorList::Add(int64_t line, absl::string_view field,
                    std::string message) {
  Add(ImportError{.line = line,
                  .field = std::string(field),
                  .message = std::move(message)});
}

void ErrorList::Add(ImportError error) {
  ++total_;
  std::pair<std::string, std::string> key(error.field, error.message);
  if (error.line > 0) {
    auto it = latest_.find(key);
    if (it != latest_.end()) {
      ImportError& run = kept_[it->second];
      if (error.line == std::max(run.line, run.last_line) + 1) {
        run.last_line = std::max(error.line, error.last_line);
        ++represented_;
        return;
      }
    }
  }
  if (static_cast<int64_t>(kept_.size()) < limit_) {
    latest_[std::move(key)] = kept_.size();
    kept_.push_back(std::move(error));
    ++represented_;
  }
}

absl::Status ErrorList::ToStatus(absl::string_view subject) const {
  if (empty()) return absl::OkStatus();
  std::string message =
      absl::StrCat(subject, ": ", total_, total_ == 1 ? " error" : " errors");
  for (const ImportError& e : kept_) {
    absl::StrAppend(&message, "\n", e.ToString());
  }
  const int64_t more = total_ - represented_;
  if (more > 0) {
    absl::StrAppend(&message, "\n... and ", more,
                    more == 1 ? " more error" : " more errors");
  }
  return absl::InvalidArgumentError(message);
}

std::string ErrorList::Summary(size_t max_bytes) const {
  if (empty()) return "";
  std::string line = absl::StrCat(total_, total_ == 1 ? " error" : " errors");
  if (!kept_.empty())
    absl::StrAppend(&line, "; first: ", kept_.front().ToString());
  // Kept errors are one line each; a stray line break would still end it.
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  constexpr absl::string_view kCut = "[...]";
  if (line.size() > max_bytes && max_bytes > kCut.size()) {
    size_t end = max_bytes - kCut.size();
    while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80)
      --end;
    line.resize(end);
    absl::StrAppend(&line, kCut);
  }
  return line;
}

}  // namespace ctg::statbase
