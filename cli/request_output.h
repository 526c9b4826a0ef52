// What `ctg request ...` and `ctg review ...` share: printing a request,
// listing requests, scope flags and date handling. Defined in
// request_commands.cc. Not thread-safe concerns: plain functions, used by
// one command at a time.
#ifndef CTG_CLI_REQUEST_OUTPUT_H_
#define CTG_CLI_REQUEST_OUTPUT_H_

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cli/args.h"
#include "cli/time_text.h"
#include "ctg/v1/data_requests.grpc.pb.h"

namespace ctg::cli {

// "2024-05-02 14:03 +02:00" (local time, cli/time_text.h); "-" for an unset
// timestamp.
std::string TimeText(const google::protobuf::Timestamp& t);
// Parses YYYY-MM-DD. Errors (kInvalidArgument) name `flag`.
absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text,
                                        const std::string& flag);

// "submitted", "under_study", "UNDER-STUDY"... Errors name --state.
absl::StatusOr<ctg::v1::RequestState> ParseRequestState(
    const std::string& text);

// --indicator, --territory, --period, --breakdown (repeatable, commas
// split): the flags of a scope.
std::vector<FlagSpec> ScopeFlags();
bool HasScopeFlags(const Args& args);
// Replaces in `scope` each list whose flag was given.
void ApplyScopeFlags(const Args& args, ctg::v1::Scope* scope);

// Request `id`'s current scope with each list whose flag was given
// replaced (to amend, narrow an approval or preview a narrower scope). On
// a refused GetRequest, returns the exit code after printing the status.
absl::StatusOr<ctg::v1::Scope> ScopeWithFlags(const Args& args,
                                              const std::string& id,
                                              int* exit_code);

// A request in full (human) or as one JSON line.
void PrintRequest(const ctg::v1::DataRequest& request, bool json,
                  std::ostream& out);

// Connects, runs `call` and prints the request it returns. Exit code as
// every command (command.h).
int RunRequestCall(const Args& args,
                   const std::function<grpc::Status(
                       ctg::v1::DataRequests::Stub&, grpc::ClientContext*,
                       ctg::v1::DataRequest*)>& call);

// Every request the caller may see (all pages), filtered by state and
// commune when given, newest first or, with `oldest_first`, oldest first.
absl::StatusOr<std::vector<ctg::v1::DataRequest>> FetchRequests(
    const Args& args, ctg::v1::RequestState state, const std::string& commune,
    grpc::Status* rpc_error, bool oldest_first = false);

// `ctg request list` / `ctg review list`: a table, or JSON lines.
int ListRequestsCommand(const Args& args);

// `ctg request show ID` / `ctg review show ID`.
int ShowRequestCommand(const Args& args);

// The single positional ID of a command, or a usage error.
absl::StatusOr<std::string> OneRequestId(const Args& args);

}  // namespace ctg::cli

#endif  // CTG_CLI_REQUEST_OUTPUT_H_
