#include "gateway/web/json_api.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/sync_stream.h>

#include <chrono>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "base/json.h"
#include "base/status_code_name.h"

namespace ctg::gateway::web {
namespace {

namespace pb = google::protobuf;

using Messages = std::vector<std::unique_ptr<pb::Message>>;

// Bytes that never parse as a protobuf message (a truncated varint tag).
constexpr char kUnparseable[] = "\xff\xff\xff";

constexpr int kCallSeconds = 300;

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

pb::util::JsonPrintOptions PrintOptions() {
  pb::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  return options;
}

// Parses `json` as `type`; the error says why it is not that message.
absl::StatusOr<std::string> JsonToBytes(absl::string_view json,
                                        const pb::Descriptor* type) {
  std::unique_ptr<pb::Message> message(
      pb::MessageFactory::generated_factory()->GetPrototype(type)->New());
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  pb::util::Status parsed =
      pb::util::JsonStringToMessage(std::string(json), message.get(), options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the body is not a JSON ", type->full_name(), ": ",
                     parsed.message().as_string()));
  }
  return message->SerializeAsString();
}

// The elements of a JSON array, each as JSON text.
absl::StatusOr<std::vector<std::string>> SplitArray(absl::string_view json) {
  pb::ListValue list;
  pb::util::Status parsed =
      pb::util::JsonStringToMessage(std::string(json), &list);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the body of a client-streaming method is a JSON array of its "
        "request messages: ",
        parsed.message().as_string()));
  }
  std::vector<std::string> out;
  for (const pb::Value& value : list.values()) {
    std::string text;
    if (!pb::util::MessageToJsonString(value, &text).ok()) {
      return absl::InvalidArgumentError(
          "an element of the array cannot be read");
    }
    out.push_back(std::move(text));
  }
  return out;
}

absl::StatusOr<std::string> BytesToJson(const std::string& bytes,
                                        const pb::Descriptor* type) {
  std::unique_ptr<pb::Message> message(
      pb::MessageFactory::generated_factory()->GetPrototype(type)->New());
  if (!message->ParseFromString(bytes)) {
    return absl::InternalError("the gateway's answer could not be read");
  }
  std::string json;
  if (!pb::util::MessageToJsonString(*message, &json, PrintOptions()).ok()) {
    return absl::InternalError(
        "the gateway's answer could not be written as JSON");
  }
  return json;
}

ApiAnswer Failure(const grpc::Status& status, absl::string_view detail = "") {
  return ApiAnswer{HttpStatusFor(status.error_code()),
                   ErrorJson(status, detail)};
}

// One call's client context, with the caller's token.
class BoundContext {
 public:
  BoundContext(InProcessCallers* callers,
               const InProcessCallers::Binding& caller)
      : callers_(callers), token_(callers->BindToken(caller)) {
    context_.AddMetadata(kInProcessTokenKey, token_);
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(kCallSeconds));
  }
  ~BoundContext() { callers_->UnbindToken(token_); }
  grpc::ClientContext* get() { return &context_; }

 private:
  InProcessCallers* callers_;
  std::string token_;
  grpc::ClientContext context_;
};

}  // namespace

bool WellFormedMethod(absl::string_view method) {
  size_t slash = method.find('/');
  if (slash == absl::string_view::npos || slash == 0 ||
      slash + 1 == method.size())
    return false;
  if (method.size() > 200 ||
      method.find('/', slash + 1) != absl::string_view::npos)
    return false;
  for (char c : method) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '/') {
      return false;
    }
  }
  return true;
}

int HttpStatusFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    default:
      return 500;
  }
}

std::string ErrorJson(const grpc::Status& status, absl::string_view detail) {
  std::string json =
      absl::StrCat("{\"code\":", static_cast<int>(status.error_code()),
                   ",\"status\":\"", StatusCodeName(status.error_code()),
                   "\",\"message\":", JsonString(status.error_message()));
  if (!detail.empty())
    absl::StrAppend(&json, ",\"detail\":", JsonString(detail));
  return absl::StrCat(json, "}");
}

JsonApi::JsonApi(std::shared_ptr<grpc::Channel> channel,
                 InProcessCallers* callers, int max_stream_messages)
    : channel_(std::move(channel)),
      callers_(callers),
      max_stream_messages_(max_stream_messages) {}

ApiAnswer JsonApi::Call(absl::string_view method, absl::string_view body,
                        const InProcessCallers::Binding& caller) const {
  if (!WellFormedMethod(method)) {
    return Failure(
        grpc::Status(grpc::StatusCode::NOT_FOUND,
                     "the API's URLs are /api/<package.Service>/<Method>"));
  }
  const std::string path = absl::StrCat("/", method);
  const pb::MethodDescriptor* descriptor =
      pb::DescriptorPool::generated_pool()->FindMethodByName(
          absl::StrReplaceAll(method, {{"/", "."}}));
  BoundContext context(callers_, caller);
  if (descriptor == nullptr) {
    // Not a method of the gateway: the server refuses it (and records it)
    // as it refuses an unknown method from a gRPC client.
    grpc::ByteBuffer request = ToBuffer(""), response;
    grpc::Status status =
        grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
            channel_.get(),
            grpc::internal::RpcMethod(path.c_str(),
                                      grpc::internal::RpcMethod::NORMAL_RPC),
            context.get(), request, &response);
    return Failure(status.ok()
                       ? grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "")
                       : status);
  }
  const pb::Descriptor* in = descriptor->input_type();
  const pb::Descriptor* out = descriptor->output_type();
  std::string detail;
  // The request messages, as bytes; unparseable bytes when the body is not
  // the method's message.
  std::vector<std::string> requests;
  if (descriptor->client_streaming()) {
    auto elements = SplitArray(body);
    if (!elements.ok()) detail = std::string(elements.status().message());
    for (const std::string& element :
         elements.ok() ? *elements : std::vector<std::string>()) {
      auto bytes = JsonToBytes(element, in);
      if (!bytes.ok()) {
        detail = std::string(bytes.status().message());
        break;
      }
      requests.push_back(*std::move(bytes));
    }
    if (!detail.empty()) requests.assign(1, kUnparseable);
  } else {
    auto bytes = JsonToBytes(body, in);
    if (!bytes.ok()) detail = std::string(bytes.status().message());
    requests.push_back(bytes.ok() ? *std::move(bytes)
                                  : std::string(kUnparseable));
  }

  std::vector<std::string> answers;
  grpc::Status status;
  if (descriptor->client_streaming()) {
    grpc::internal::RpcMethod rpc(path.c_str(),
                                  grpc::internal::RpcMethod::CLIENT_STREAMING);
    grpc::ByteBuffer response;
    std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> writer(
        grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(
            channel_.get(), rpc, context.get(), &response));
    for (const std::string& r : requests) {
      if (!writer->Write(ToBuffer(r))) break;
    }
    writer->WritesDone();
    status = writer->Finish();
    if (status.ok()) answers.push_back(FromBuffer(response));
  } else if (descriptor->server_streaming()) {
    grpc::internal::RpcMethod rpc(path.c_str(),
                                  grpc::internal::RpcMethod::SERVER_STREAMING);
    std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
        grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
            channel_.get(), rpc, context.get(), ToBuffer(requests.front())));
    grpc::ByteBuffer message;
    bool too_many = false;
    while (reader->Read(&message)) {
      if (static_cast<int>(answers.size()) >= max_stream_messages_) {
        too_many = true;
        context.get()->TryCancel();
        break;
      }
      answers.push_back(FromBuffer(message));
    }
    status = reader->Finish();
    if (too_many) {
      status = grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("more than ", max_stream_messages_,
                       " messages in one answer: ask for fewer (paging)"));
    }
  } else {
    grpc::ByteBuffer response;
    status =
        grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
            channel_.get(),
            grpc::internal::RpcMethod(path.c_str(),
                                      grpc::internal::RpcMethod::NORMAL_RPC),
            context.get(), ToBuffer(requests.front()), &response);
    if (status.ok()) answers.push_back(FromBuffer(response));
  }
  if (!status.ok()) return Failure(status, detail);

  std::vector<std::string> jsons;
  for (const std::string& answer : answers) {
    auto json = BytesToJson(answer, out);
    if (!json.ok()) {
      return Failure(grpc::Status(grpc::StatusCode::INTERNAL,
                                  std::string(json.status().message())));
    }
    jsons.push_back(*std::move(json));
  }
  if (descriptor->server_streaming()) {
    return ApiAnswer{200, absl::StrCat("[", absl::StrJoin(jsons, ","), "]")};
  }
  return ApiAnswer{200, jsons.empty() ? "{}" : jsons.front()};
}

}  // namespace ctg::gateway::web
