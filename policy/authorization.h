// The role × method authorization table of api.md (rule R8: least
// privilege). The gateway consults it for every call, in one place, before
// any service code runs. Tenant checks (a commune only sees its own objects)
// are made by the services, which know the objects.
//
// Pure: no I/O. Thread-safe (immutable data).
#ifndef CTG_POLICY_AUTHORIZATION_H_
#define CTG_POLICY_AUTHORIZATION_H_

#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "policy/identity.h"
#include "policy/request_state.h"

namespace ctg::policy {

// What a method does to a request's lifecycle (request_state.h): the
// actions it performs, on requests of which direction. DecideRequest
// performs two (approve, reject).
struct LifecycleStep {
  Direction direction = Direction::kCommuneToCaf;
  std::vector<RequestAction> actions;
};

// One gRPC method and the roles that may call it. This table is the one role
// matrix: MayPerform (request_state.h) reads who may perform a lifecycle
// action from the method that performs it.
struct MethodRule {
  absl::string_view full_method;  // "/ctg.v1.DataRequests/SubmitRequest"
  std::vector<Role> roles;
  std::optional<LifecycleStep> step;  // nullopt: the method moves no request
};

// Every method of every ctg.v1 service, in api.md order.
absl::Span<const MethodRule> AuthorizationTable();

// The standard services served on the same mTLS port: grpc.health.v1.Health
// (Check, Watch) and grpc.reflection.v1alpha.ServerReflection. R8: they
// answer only an identity the gateway accepts elsewhere; every role may call
// them (they reveal the serving state and the public contract, nothing of a
// tenant). Orchestrators' probes use a separate local endpoint, not these.
absl::Span<const MethodRule> StandardServicesTable();

// True when `full_method` is in either table (a method this gateway serves).
bool IsKnownMethod(absl::string_view full_method);

// OK when `role` may call `full_method` (a method of either table).
// Errors: kPermissionDenied naming the role and method when the role may not
// call it; kPermissionDenied too for a method the table does not know (fail
// closed: a method added to the proto but not to the table is refused).
absl::Status Authorize(Role role, absl::string_view full_method);

}  // namespace ctg::policy

#endif  // CTG_POLICY_AUTHORIZATION_H_
