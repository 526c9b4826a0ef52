// The shapes of territory codes (INSEE), in one place for every module:
//
//   commune  5 characters: 2 digits or "2A"/"2B" (Corsica), then 3 digits.
//   iris     a commune code + 4 digits ("330690101").
//   qpv      "QP" or "QN", a 3-character department (3 digits, or
//            "02A"/"02B"), then 3 digits or capital letters ("QN03302M").
//
// Pure; thread-safe.
#ifndef CTG_POLICY_TERRITORY_CODE_H_
#define CTG_POLICY_TERRITORY_CODE_H_

#include "absl/strings/string_view.h"

namespace ctg::policy {

bool IsCommuneCode(absl::string_view code);
bool IsIrisCode(absl::string_view code);
bool IsQpvCode(absl::string_view code);

}  // namespace ctg::policy

#endif  // CTG_POLICY_TERRITORY_CODE_H_
