#include "policy/territory_code.h"

namespace ctg::policy {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpperOrDigit(char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool IsCommuneCode(absl::string_view code) {
  if (code.size() != 5) return false;
  const bool department =
      (IsDigit(code[0]) && IsDigit(code[1])) ||
      (code[0] == '2' && (code[1] == 'A' || code[1] == 'B'));
  return department && IsDigit(code[2]) && IsDigit(code[3]) && IsDigit(code[4]);
}

bool IsIrisCode(absl::string_view code) {
  if (code.size() != 9 || !IsCommuneCode(code.substr(0, 5))) return false;
  for (size_t i = 5; i < 9; ++i) {
    if (!IsDigit(code[i])) return false;
  }
  return true;
}

bool IsQpvCode(absl::string_view code) {
  if (code.size() != 8 || code[0] != 'Q') return false;
  if (code[1] != 'P' && code[1] != 'N') return false;
  const bool department =
      (IsDigit(code[2]) && IsDigit(code[3]) && IsDigit(code[4])) ||
      (code[2] == '0' && code[3] == '2' && (code[4] == 'A' || code[4] == 'B'));
  return department && IsUpperOrDigit(code[5]) && IsUpperOrDigit(code[6]) &&
         IsUpperOrDigit(code[7]);
}

}  // namespace ctg::policy
