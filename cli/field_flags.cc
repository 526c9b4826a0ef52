#include "cli/field_flags.h"

#include <map>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ctg::cli {
namespace {

// Request fields (the last part of their path) and the flags that set them.
const std::map<std::string, std::string>& Flags() {
  static const auto* flags = new std::map<std::string, std::string>{
      {"purpose", "--purpose"},
      {"objective", "--objective"},
      {"justification", "--justification"},
      {"answer", "--answer"},
      {"reason", "--reason"},
      {"reasons", "--reason"},
      {"questions", "--question"},
      {"opportunity", "--opportunity"},
      {"feasibility", "--feasibility"},
      {"indicators", "--indicator"},
      {"territories", "--territory"},
      {"periods", "--period"},
      {"breakdowns", "--breakdown"},
      {"recipients", "--recipient"},
      {"retention_months", "--retention"},
      {"end_time", "--until"},
      {"download_quota", "--downloads"},
      {"commune", "--commune"},
      {"commune_name", "--name"},
      {"valid_from", "--from"},
      {"valid_until", "--until"},
      {"perimeter", "--perimeter"},
      {"caf_name", "--caf-name"},
      {"prior_agreements", "--prior"},
      {"notice_date", "--notice-date"},
      {"effective_date", "--effective-date"},
  };
  return *flags;
}

}  // namespace

std::string WithFlagName(const std::string& message) {
  size_t colon = message.find(": ");
  if (colon == std::string::npos) return "";
  std::string path = message.substr(0, colon);
  if (path.find_first_not_of("abcdefghijklmnopqrstuvwxyz_.[]0123456789") !=
      std::string::npos) {
    return "";
  }
  // The last part naming a flag wins: "scope.territories[2]" -> --territory,
  // "opportunity.reasoning" -> --opportunity.
  std::string flag;
  std::string index;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    std::string name(part.substr(0, part.find('[')));
    auto it = Flags().find(name);
    if (it == Flags().end()) continue;
    flag = it->second;
    index.clear();
    if (size_t open = part.find('['); open != absl::string_view::npos) {
      int i = 0;
      if (absl::SimpleAtoi(part.substr(open + 1, part.size() - open - 2), &i)) {
        index = absl::StrCat(" (value ", i + 1, ")");
      }
    }
  }
  if (flag.empty()) return "";
  return absl::StrCat(flag, index, message.substr(colon));
}

}  // namespace ctg::cli
