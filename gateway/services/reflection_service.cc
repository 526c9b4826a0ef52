#include "gateway/services/reflection_service.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <limits>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/bounded_stream.h"
#include "policy/authorization.h"

namespace ctg::gateway {
namespace {

namespace pb = google::protobuf;
using grpc::reflection::v1alpha::ServerReflectionRequest;
using grpc::reflection::v1alpha::ServerReflectionResponse;

constexpr char kMethod[] =
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
constexpr size_t kMaxEchoedName = 128;

// "/ctg.v1.Audit/ListEvents" -> "ctg.v1.Audit".
std::string ServiceOf(absl::string_view method) {
  method.remove_prefix(1);
  return std::string(method.substr(0, method.find('/')));
}

void AddFileAndDependencies(const pb::FileDescriptor* file,
                            std::set<std::string>& files) {
  if (!files.insert(file->name()).second) return;
  for (int i = 0; i < file->dependency_count(); ++i) {
    AddFileAndDependencies(file->dependency(i), files);
  }
}

void SetError(ServerReflectionResponse& response, grpc::StatusCode code,
              absl::string_view message) {
  response.mutable_error_response()->set_error_code(code);
  response.mutable_error_response()->set_error_message(std::string(message));
}

std::string Echo(absl::string_view name) {
  return std::string(name.substr(0, kMaxEchoedName));
}

}  // namespace

ReflectionService::ReflectionService(Dispatcher* dispatcher,
                                     int64_t max_message_bytes)
    : dispatcher_(dispatcher), max_message_bytes_(max_message_bytes) {
  std::set<std::string> names;
  for (auto table :
       {policy::AuthorizationTable(), policy::StandardServicesTable()}) {
    for (const policy::MethodRule& rule : table)
      names.insert(ServiceOf(rule.full_method));
  }
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  for (const std::string& name : names) {
    const pb::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) continue;  // not linked in: not described
    services_.push_back(name);
    AddFileAndDependencies(service->file(), files_);
  }
}

ServerReflectionResponse ReflectionService::Answer(
    const ServerReflectionRequest& request, std::set<std::string>& sent) const {
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  ServerReflectionResponse response;
  response.set_valid_host(request.host());
  *response.mutable_original_request() = request;
  const pb::FileDescriptor* file = nullptr;
  std::string what;
  switch (request.message_request_case()) {
    case ServerReflectionRequest::kListServices:
      for (const std::string& name : services_) {
        response.mutable_list_services_response()->add_service()->set_name(
            name);
      }
      return response;
    case ServerReflectionRequest::kFileByFilename:
      what = absl::StrCat("file \"", Echo(request.file_by_filename()), "\"");
      file = pool->FindFileByName(request.file_by_filename());
      break;
    case ServerReflectionRequest::kFileContainingSymbol:
      what = absl::StrCat("symbol \"", Echo(request.file_containing_symbol()),
                          "\"");
      file = pool->FindFileContainingSymbol(request.file_containing_symbol());
      break;
    case ServerReflectionRequest::kFileContainingExtension: {
      const auto& ext = request.file_containing_extension();
      what = absl::StrCat("extension ", ext.extension_number(), " of \"",
                          Echo(ext.containing_type()), "\"");
      const pb::Descriptor* type =
          pool->FindMessageTypeByName(ext.containing_type());
      const pb::FieldDescriptor* field =
          type == nullptr
              ? nullptr
              : pool->FindExtensionByNumber(type, ext.extension_number());
      if (field != nullptr) file = field->file();
      break;
    }
    case ServerReflectionRequest::kAllExtensionNumbersOfType: {
      const pb::Descriptor* type =
          pool->FindMessageTypeByName(request.all_extension_numbers_of_type());
      if (type == nullptr || files_.count(type->file()->name()) == 0) {
        SetError(response, grpc::StatusCode::NOT_FOUND,
                 absl::StrCat("type \"",
                              Echo(request.all_extension_numbers_of_type()),
                              "\" not found"));
        return response;
      }
      std::vector<const pb::FieldDescriptor*> extensions;
      pool->FindAllExtensions(type, &extensions);
      auto* out = response.mutable_all_extension_numbers_response();
      out->set_base_type_name(type->full_name());
      for (const pb::FieldDescriptor* e : extensions) {
        if (files_.count(e->file()->name()) > 0)
          out->add_extension_number(e->number());
      }
      return response;
    }
    case ServerReflectionRequest::MESSAGE_REQUEST_NOT_SET:
      SetError(response, grpc::StatusCode::INVALID_ARGUMENT,
               "message_request: one kind of request must be set");
      return response;
  }
  // Only the files of the served services are described.
  if (file == nullptr || files_.count(file->name()) == 0) {
    SetError(response, grpc::StatusCode::NOT_FOUND,
             absl::StrCat(what, " not found"));
    return response;
  }
  // The file, then those it depends on that this stream has not sent yet.
  std::vector<const pb::FileDescriptor*> pending = {file};
  auto* out = response.mutable_file_descriptor_response();
  while (!pending.empty()) {
    const pb::FileDescriptor* f = pending.back();
    pending.pop_back();
    if (!sent.insert(f->name()).second && f != file) continue;
    pb::FileDescriptorProto proto;
    f->CopyTo(&proto);
    proto.SerializeToString(out->add_file_descriptor_proto());
    for (int i = 0; i < f->dependency_count(); ++i)
      pending.push_back(f->dependency(i));
  }
  return response;
}

grpc::Status ReflectionService::ServerReflectionInfo(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<ServerReflectionResponse, ServerReflectionRequest>*
        stream) {
  // R9: the event is recorded once the stream ends, with its outcome, so
  // that a message over the limit (or one request too many) is a refusal
  // in the trail as it is for the client.
  return dispatcher_->Read(context, kMethod, [&](Call&) -> absl::Status {
    std::set<std::string> sent;
    ServerReflectionRequest request;
    BoundedStreamReader<ServerReflectionRequest> requests(
        stream, max_message_bytes_ > 0 ? max_message_bytes_
                                       : std::numeric_limits<int64_t>::max());
    for (int n = 0;; ++n) {
      CTG_ASSIGN_OR_RETURN(bool more, requests.Next(&request));
      if (!more) break;
      if (n >= kMaxRequestsPerStream) {
        return absl::ResourceExhaustedError(
            absl::StrCat("reflection: at most ", kMaxRequestsPerStream,
                         " requests per stream; open a new one"));
      }
      if (!stream->Write(Answer(request, sent))) {
        return absl::CancelledError("reflection: the client has gone");
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace ctg::gateway
