#include "gateway/audit_interceptor.h"

namespace ctg::gateway {
namespace {

using grpc::experimental::InterceptionHookPoints;

class AuditInterceptor final : public grpc::experimental::Interceptor {
 public:
  AuditInterceptor(Dispatcher* dispatcher,
                   grpc::experimental::ServerRpcInfo* info)
      : dispatcher_(dispatcher),
        context_(info->server_context()),
        method_(info->method() != nullptr ? info->method() : "") {}

  ~AuditInterceptor() override {
    if (!finished_) dispatcher_->Forget(context_);
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
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
