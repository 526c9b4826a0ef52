#include "gateway/audit_interceptor.h"

#include "google/protobuf/message.h"
#include "policy/authorization.h"

namespace ctg::gateway {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

// True when the request of `info`'s call is a protobuf message received
// before its service runs: the gateway's own methods (each served by a
// generated handler; any other name goes to the unknown-method service as
// raw bytes), unary or server-streaming (a client stream's messages are
// read by the service itself).
bool ChecksRequest(const ServerRpcInfo& info) {
  return info.method() != nullptr && policy::IsKnownMethod(info.method()) &&
         (info.type() == ServerRpcInfo::Type::UNARY ||
          info.type() == ServerRpcInfo::Type::SERVER_STREAMING);
}

class AuditInterceptor final : public grpc::experimental::Interceptor {
 public:
  AuditInterceptor(Dispatcher* dispatcher,
                   grpc::experimental::ServerRpcInfo* info)
      : dispatcher_(dispatcher),
        context_(info->server_context()),
        method_(info->method() != nullptr ? info->method() : ""),
        check_request_(ChecksRequest(*info)) {}

  ~AuditInterceptor() override {
    if (!finished_) dispatcher_->Forget(context_);
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (check_request_ && methods->QueryInterceptionHookPoint(
                              InterceptionHookPoints::POST_RECV_MESSAGE)) {
      check_request_ = false;  // the one request message
      if (void* request = methods->GetRecvMessage(); request != nullptr) {
        dispatcher_->CheckRequest(
            context_, *static_cast<const google::protobuf::Message*>(request));
      }
    }
    if (!finished_ && methods->QueryInterceptionHookPoint(
                          InterceptionHookPoints::PRE_SEND_STATUS)) {
      finished_ = true;
      if (auto replaced = dispatcher_->FinishCall(context_, method_,
                                                  methods->GetSendStatus())) {
        methods->ModifySendStatus(*replaced);
      }
    }
    methods->Proceed();
  }

 private:
  Dispatcher* const dispatcher_;
  grpc::ServerContextBase* const context_;
  const std::string method_;
  bool check_request_;
  bool finished_ = false;
};

}  // namespace

AuditInterceptorFactory::AuditInterceptorFactory(Dispatcher* dispatcher)
    : dispatcher_(dispatcher) {
  dispatcher_->TrackCalls();
}

grpc::experimental::Interceptor*
AuditInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new AuditInterceptor(dispatcher_, info);
}

}  // namespace ctg::gateway
