#include "store/request_history_common.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/echo.h"

namespace ctg::store {

absl::StatusOr<std::string> JoinCodes(absl::string_view field,
                                      absl::string_view list,
                                      const std::vector<std::string>& codes) {
  for (const std::string& code : codes) {
    bool bad = code.empty();
    for (char c : code)
      bad |= absl::ascii_isspace(static_cast<unsigned char>(c));
    if (bad) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".", list, ": \"", absl::CEscape(code), "\" is not a code"));
    }
  }
  return absl::StrJoin(codes, " ");
}

std::vector<std::string> SplitCodes(absl::string_view joined) {
  return absl::StrSplit(joined, ' ', absl::SkipEmpty());
}

absl::Status RequestNotFoundError(const std::string& id) {
  return absl::NotFoundError(
      absl::StrCat("request ", BoundedEcho(id), " not found"));
}

}  // namespace ctg::store
