#include "store/request_store.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace ctg::store {
namespace {

constexpr char kPrefix[] = "REQ-";

}  // namespace

std::string RequestIdOf(int64_t number) {
  char digits[32];
  std::snprintf(digits, sizeof(digits), "%06lld",
                static_cast<long long>(number));
  return absl::StrCat(kPrefix, digits);
}

std::optional<int64_t> RequestNumberOf(const std::string& id) {
  if (!absl::StartsWith(id, kPrefix)) return std::nullopt;
  absl::string_view digits = absl::string_view(id).substr(sizeof(kPrefix) - 1);
  if (digits.size() < 6 || digits.size() > 18) return std::nullopt;
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
  }
  int64_t number = 0;
  if (!absl::SimpleAtoi(digits, &number) || number <= 0) return std::nullopt;
  // Canonical spelling only, so that one request has one id.
  if (RequestIdOf(number) != id) return std::nullopt;
  return number;
}

}  // namespace ctg::store
