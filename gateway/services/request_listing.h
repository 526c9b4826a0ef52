// The listing of requests shared by both directions of Article 7 (R1):
// ListRequests and ListCafRequests read the same way: the commune is the
// tenant (R8), a state asked for is the effective one (R11), pages run
// newest first and a page token is the id of the last request of the
// previous page. The services give what differs: the store's rows, who may
// see a row, and the message of one request.
//
// Thread-safe as its arguments are: no state of its own.
#ifndef CTG_GATEWAY_SERVICES_REQUEST_LISTING_H_
#define CTG_GATEWAY_SERVICES_REQUEST_LISTING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ctg/v1/data_requests.pb.h"
#include "policy/identity.h"
#include "policy/request_state.h"
#include "store/convention_store.h"
#include "store/session.h"

namespace ctg::gateway {

// R8: the commune to list for `caller` asking for `requested` ("" for
// all): a commune identity sees only its own (nullopt when it asked for
// another commune: the listing is empty); the Caf sees what it asks for.
std::optional<std::string> TenantCommune(const policy::Identity& caller,
                                         const std::string& requested);

// The state a listing asks for; nullopt for REQUEST_STATE_UNSPECIFIED (any
// state). Errors: kInvalidArgument `state: <n> is not a request state`.
absl::StatusOr<std::optional<policy::RequestState>> WantedState(
    ctg::v1::RequestState state);

// The number a page token stands for (0 for no token). Errors:
// kInvalidArgument `page_token: not a token returned by <method>`.
absl::StatusOr<int64_t> PageTokenNumber(
    const std::string& token,
    std::optional<int64_t> (*number_of)(const std::string& id),
    absl::string_view method);

// The order of a listing, from ListRequestsRequest.order_by (AIP-132):
// "" or "create_time desc" newest first; "create_time" or "create_time asc"
// oldest first. Errors: kInvalidArgument naming `order_by`.
absl::StatusOr<bool> OldestFirst(const std::string& order_by);

// The number a page token of an ordered listing stands for (0 for no
// token). Newest-first tokens are the last request's id (as before there
// was an order); oldest-first ones are marked, so that a token is never
// replayed in the other order. Errors: kInvalidArgument `page_token: not a
// token returned by <method>`, or naming `order_by` when the token was
// returned for the other order.
absl::StatusOr<int64_t> OrderedPageTokenNumber(
    const std::string& token, bool oldest_first,
    std::optional<int64_t> (*number_of)(const std::string& id),
    absl::string_view method);

// The next page token after request `last_id` in the given order ("" stays
// "": no more pages).
std::string OrderedPageToken(const std::string& last_id, bool oldest_first);

// The conventions of the requests of one listing, each read once.
// Not thread-safe; valid while `session` is.
class ConventionCache {
 public:
  explicit ConventionCache(store::ReadSession& session) : session_(session) {}
  // The convention request `request_id` names. Errors: as
  // RequestConvention (kDataLoss when it is not stored).
  absl::StatusOr<const store::ConventionRow*> Get(
      const std::string& request_id, const std::string& convention_id);

 private:
  store::ReadSession& session_;
  std::map<std::string, store::ConventionRow> conventions_;
};

// Fills `response` with one page of at most `page_size` requests, after
// the request numbered `before` in the listing's order (newest first unless
// `fetch` reads oldest first; 0: from the start). `fetch(before)` reads
// the store's next `page_size` rows below `before`; `add` adds a row's
// message to `response` when it belongs in the listing (visible to the
// caller, in the state asked for). Sets the next page token when more rows
// may follow. Errors: those of `fetch` and `add`.
template <typename Stored, typename Response>
absl::Status FillPage(
    int page_size, int64_t before,
    absl::FunctionRef<absl::StatusOr<std::vector<Stored>>(int64_t before)>
        fetch,
    absl::FunctionRef<int64_t(const Stored&)> number_of,
    absl::FunctionRef<absl::Status(const Stored&, Response&)> add,
    Response& response) {
  bool more = true;
  while (more && response.requests_size() < page_size) {
    absl::StatusOr<std::vector<Stored>> rows = fetch(before);
    if (!rows.ok()) return rows.status();
    more = static_cast<int>(rows->size()) == page_size;
    for (size_t i = 0; i < rows->size(); ++i) {
      before = number_of((*rows)[i]);
      if (absl::Status added = add((*rows)[i], response); !added.ok())
        return added;
      if (response.requests_size() == page_size) {
        more = more || i + 1 < rows->size();
        break;
      }
    }
  }
  if (more && response.requests_size() > 0) {
    response.set_next_page_token(
        response.requests(response.requests_size() - 1).id());
  }
  return absl::OkStatus();
}

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_REQUEST_LISTING_H_
