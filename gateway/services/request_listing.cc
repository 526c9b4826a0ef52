#include "gateway/services/request_listing.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/services/request_workflow.h"

namespace ctg::gateway {

std::optional<std::string> TenantCommune(const policy::Identity& caller,
                                         const std::string& requested) {
  if (!caller.IsCommune()) return requested;
  if (!requested.empty() && requested != caller.organisation)
    return std::nullopt;
  return caller.organisation;
}

absl::StatusOr<std::optional<policy::RequestState>> WantedState(
    ctg::v1::RequestState state) {
  if (state == ctg::v1::REQUEST_STATE_UNSPECIFIED)
    return std::optional<policy::RequestState>();
  std::optional<policy::RequestState> wanted =
      policy::RequestStateFromNumber(state);
  if (!wanted) {
    return absl::InvalidArgumentError(absl::StrCat(
        "state: ", static_cast<int>(state), " is not a request state"));
  }
  return wanted;
}

absl::StatusOr<int64_t> PageTokenNumber(
    const std::string& token,
    std::optional<int64_t> (*number_of)(const std::string& id),
    absl::string_view method) {
  if (token.empty()) return 0;
  std::optional<int64_t> number = number_of(token);
  if (!number) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_token: not a token returned by ", method));
  }
  return *number;
}

absl::StatusOr<const store::ConventionRow*> ConventionCache::Get(
    const std::string& request_id, const std::string& convention_id) {
  auto it = conventions_.find(convention_id);
  if (it == conventions_.end()) {
    absl::StatusOr<store::ConventionRow> row =
        RequestConvention(session_, request_id, convention_id);
    if (!row.ok()) return row.status();
    it = conventions_.emplace(row->id, *std::move(row)).first;
  }
  return &it->second;
}

}  // namespace ctg::gateway
