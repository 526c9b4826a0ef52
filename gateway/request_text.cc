#include "gateway/request_text.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "policy/text.h"

namespace ctg::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Path(const std::string& prefix, const FieldDescriptor& field) {
  return prefix.empty() ? field.name()
                        : absl::StrCat(prefix, ".", field.name());
}

absl::Status CheckField(const Message& m, const Reflection& r,
                        const FieldDescriptor& field, const std::string& path);

absl::Status CheckMessage(const Message& m, const std::string& prefix) {
  const Reflection& r = *m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r.ListFields(m, &fields);  // the fields that are set, in number order
  for (const FieldDescriptor* field : fields) {
    CTG_RETURN_IF_ERROR(CheckField(m, r, *field, Path(prefix, *field)));
  }
  return absl::OkStatus();
}

absl::Status CheckField(const Message& m, const Reflection& r,
                        const FieldDescriptor& field, const std::string& path) {
  const bool text = field.type() == FieldDescriptor::TYPE_STRING;
  const bool message = field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
  if (!text && !message) return absl::OkStatus();
  if (!field.is_repeated()) {
    if (message) return CheckMessage(r.GetMessage(m, &field), path);
    std::string scratch;
    return policy::CheckNoNul(path, r.GetStringReference(m, &field, &scratch));
  }
  for (int i = 0; i < r.FieldSize(m, &field); ++i) {
    const std::string item = absl::StrCat(path, "[", i, "]");
    if (message) {
      CTG_RETURN_IF_ERROR(
          CheckMessage(r.GetRepeatedMessage(m, &field, i), item));
      continue;
    }
    std::string scratch;
    CTG_RETURN_IF_ERROR(policy::CheckNoNul(
        item, r.GetRepeatedStringReference(m, &field, i, &scratch)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckRequestText(const Message& request) {
  return CheckMessage(request, "");
}

}  // namespace ctg::gateway
