#include "gateway/services/request_listing.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
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

namespace {

// Marks an oldest-first page token (a newest-first one is a bare id).
constexpr absl::string_view kOldestFirstToken = "asc:";

constexpr absl::string_view kOrderHelp =
    "give \"create_time desc\" (newest first, the default) or "
    "\"create_time\" (oldest first)";

std::string OrderName(bool oldest_first) {
  return oldest_first ? "\"create_time\" (oldest first)"
                      : "\"create_time desc\" (newest first)";
}

}  // namespace

absl::StatusOr<bool> OldestFirst(const std::string& order_by) {
  std::vector<absl::string_view> words =
      absl::StrSplit(order_by, ' ', absl::SkipEmpty());
  if (words.empty()) return false;
  if (words[0] == "create_time") {
    if (words.size() == 1) return true;
    if (words.size() == 2 && words[1] == "asc") return true;
    if (words.size() == 2 && words[1] == "desc") return false;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("order_by: \"", order_by,
                   "\" is not an order of ListRequests; ", kOrderHelp));
}

absl::StatusOr<int64_t> OrderedPageTokenNumber(
    const std::string& token, bool oldest_first,
    std::optional<int64_t> (*number_of)(const std::string& id),
    absl::string_view method) {
  if (token.empty()) return 0;
  absl::string_view id = token;
  const bool token_oldest_first = absl::ConsumePrefix(&id, kOldestFirstToken);
  CTG_ASSIGN_OR_RETURN(int64_t number,
                       PageTokenNumber(std::string(id), number_of, method));
  if (token_oldest_first != oldest_first) {
    return absl::InvalidArgumentError(absl::StrCat(
        "order_by: the page_token was returned for order_by ",
        OrderName(token_oldest_first), ", not ", OrderName(oldest_first),
        ": keep the first page's order_by, or start again without "
        "page_token"));
  }
  return number;
}

std::string OrderedPageToken(const std::string& last_id, bool oldest_first) {
  if (last_id.empty() || !oldest_first) return last_id;
  return absl::StrCat(kOldestFirstToken, last_id);
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
