// The web console's JSON API: one URL per gRPC method
// (`POST /api/ctg.v1.DataRequests/SubmitRequest`), whose body is protobuf's
// JSON mapping of the method's request message and whose answer is the JSON
// of its response. Each call is made to the gateway's own gRPC server over
// its in-process channel, with the user's verified certificate bound as the
// caller (InProcessCallers): the same services, interceptors and Dispatcher
// as a call on the gRPC port, hence the same identity, rate limit,
// authorization and audit event. There is no second implementation.
//
// Streaming: a server-streaming method answers a JSON array of its response
// messages (at most `max_stream_messages`; more is RESOURCE_EXHAUSTED: page
// with the method's own fields); a client-streaming method takes a JSON
// array of its request messages.
//
// A body that is not the method's message is sent on as bytes that do not
// parse, so that the server refuses and records it exactly as it does a
// gRPC client's unparseable message; the answer adds the JSON parser's
// reason as "detail".
//
// Thread-safe.
#ifndef CTG_GATEWAY_WEB_JSON_API_H_
#define CTG_GATEWAY_WEB_JSON_API_H_

#include <grpcpp/channel.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "gateway/in_process_callers.h"

namespace ctg::gateway::web {

struct ApiAnswer {
  int http_status = 200;
  std::string json;
};

// True for a method name an API URL may carry: "pkg.Service/Method",
// letters, digits, '.' and '_' (at most 200 characters).
bool WellFormedMethod(absl::string_view method);

// The HTTP status standing for a gRPC code (google.rpc's mapping).
int HttpStatusFor(grpc::StatusCode code);
// {"code":3,"status":"INVALID_ARGUMENT","message":"...","detail":"..."}.
std::string ErrorJson(const grpc::Status& status,
                      absl::string_view detail = "");

class JsonApi {
 public:
  // `channel` is the server's in-process channel; `callers` must outlive
  // this object.
  JsonApi(std::shared_ptr<grpc::Channel> channel, InProcessCallers* callers,
          int max_stream_messages);

  // Calls `method` ("ctg.v1.DataRequests/SubmitRequest") as `caller`.
  ApiAnswer Call(absl::string_view method, absl::string_view body,
                 const InProcessCallers::Binding& caller) const;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  InProcessCallers* callers_;
  const int max_stream_messages_;
};

}  // namespace ctg::gateway::web

#endif  // CTG_GATEWAY_WEB_JSON_API_H_
