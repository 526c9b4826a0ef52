#include "cli/filters.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "policy/territory_code.h"

namespace ctg::cli {

absl::Status CheckCommuneFilter(const std::string& flag,
                                const std::string& value) {
  if (value.empty() || policy::IsCommuneCode(value)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "--", flag, " ", value,
      ": expected an INSEE commune code (5 characters, e.g. 33069); "
      "as given it can never match"));
}

absl::Status CheckOrganisationFilter(const std::string& value) {
  if (value.empty()) return absl::OkStatus();
  std::vector<std::string> parts = absl::StrSplit(value, '/');
  if (parts.size() == 2 && parts[0] == "commune" &&
      policy::IsCommuneCode(parts[1])) {
    return absl::OkStatus();
  }
  if (parts.size() == 2 && parts[0] == "caf" && !parts[1].empty())
    return absl::OkStatus();
  std::string hint;
  if (policy::IsCommuneCode(value))
    hint = absl::StrCat(" (did you mean commune/", value, "?)");
  if (absl::StartsWith(value, "spiffe://"))
    hint = " (for one person, use --actor SPIFFE_ID)";
  return absl::InvalidArgumentError(
      absl::StrCat("--organisation ", value,
                   ": expects commune/INSEE or caf/ID, e.g. commune/33069 or "
                   "caf/33; as given it can never match",
                   hint));
}

}  // namespace ctg::cli
