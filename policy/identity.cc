#include "policy/identity.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "policy/territory_code.h"

namespace ctg::policy {
namespace {

constexpr absl::string_view kScheme = "spiffe://";

absl::Status Refuse(absl::string_view why) {
  return absl::UnauthenticatedError(
      absl::StrCat("certificate identity refused: ", why));
}

bool IsCafId(absl::string_view s) {
  if (s.empty() || s.size() > 16) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
        !absl::ascii_islower(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<Role> ParseRole(OrganisationKind kind, absl::string_view name) {
  if (kind == OrganisationKind::kCommune) {
    if (name == "requester") return Role::kRequester;
    if (name == "operator") return Role::kOperator;
    if (name == "reviewer") return Role::kCommuneReviewer;  // R1: Caf requests
  } else {
    if (name == "requester") return Role::kCafRequester;  // R1: Caf requests
    if (name == "reviewer") return Role::kReviewer;
    if (name == "admin") return Role::kAdmin;
    if (name == "auditor") return Role::kAuditor;
  }
  return Refuse(absl::StrCat("unknown role \"", name, "\" for a ",
                             OrganisationKindName(kind)));
}

}  // namespace

// SPIFFE path segments: letters, digits, '.', '-', '_' (no percent-encoding).
bool IsPersonSegment(absl::string_view person) {
  if (person.empty() || person.size() > kMaxPersonLength || person == "." ||
      person == "..") {
    return false;
  }
  for (char c : person) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kRequester:
      return "requester";
    case Role::kOperator:
      return "operator";
    case Role::kReviewer:
      return "reviewer";
    case Role::kAdmin:
      return "admin";
    case Role::kAuditor:
      return "auditor";
    case Role::kCafRequester:
      return "caf-requester";
    case Role::kCommuneReviewer:
      return "commune-reviewer";
  }
  return "unknown";
}

absl::string_view OrganisationKindName(OrganisationKind kind) {
  return kind == OrganisationKind::kCommune ? "commune" : "caf";
}

std::string Identity::OrganisationPath() const {
  return absl::StrCat(OrganisationKindName(kind), "/", organisation);
}

absl::StatusOr<Identity> ParseSpiffeId(absl::string_view uri,
                                       absl::string_view trust_domain) {
  if (uri.size() > kMaxSpiffeIdLength) return Refuse("SPIFFE ID too long");
  if (!absl::StartsWith(uri, kScheme)) return Refuse("not a spiffe:// URI");
  absl::string_view rest = uri.substr(kScheme.size());
  size_t slash = rest.find('/');
  absl::string_view domain = rest.substr(0, slash);
  if (domain != trust_domain) {
    return Refuse(
        absl::StrCat("trust domain \"", domain, "\" is not this gateway's"));
  }
  if (slash == absl::string_view::npos) return Refuse("SPIFFE ID has no path");
  std::vector<absl::string_view> parts =
      absl::StrSplit(rest.substr(slash + 1), '/');
  if (parts.size() != 4) {
    return Refuse("SPIFFE path must be /<kind>/<organisation>/<role>/<person>");
  }
  Identity id;
  if (parts[0] == "commune") {
    id.kind = OrganisationKind::kCommune;
    if (!IsCommuneCode(parts[1])) {
      return Refuse(
          absl::StrCat("\"", parts[1], "\" is not an INSEE commune code"));
    }
  } else if (parts[0] == "caf") {
    id.kind = OrganisationKind::kCaf;
    if (!IsCafId(parts[1])) {
      return Refuse(absl::StrCat("\"", parts[1], "\" is not a Caf id"));
    }
  } else {
    return Refuse(absl::StrCat("unknown organisation kind \"", parts[0], "\""));
  }
  auto role = ParseRole(id.kind, parts[2]);
  if (!role.ok()) return role.status();
  if (!IsPersonSegment(parts[3])) {
    return Refuse("person must be 1-64 letters, digits, '.', '-' or '_'");
  }
  id.spiffe_id = std::string(uri);
  id.organisation = std::string(parts[1]);
  id.role = *role;
  id.person = std::string(parts[3]);
  return id;
}

absl::Status CheckOwnCaf(const Identity& identity, absl::string_view caf_id) {
  if (identity.kind != OrganisationKind::kCaf) return absl::OkStatus();
  if (!caf_id.empty() && identity.organisation == caf_id)
    return absl::OkStatus();
  return Refuse(absl::StrCat("Caf \"", identity.organisation,
                             "\" is not this gateway's Caf (\"", caf_id,
                             "\")"));
}

absl::StatusOr<Identity> AcceptSpiffeId(absl::string_view uri,
                                        absl::string_view trust_domain,
                                        absl::string_view caf_id) {
  absl::StatusOr<Identity> id = ParseSpiffeId(uri, trust_domain);
  if (!id.ok()) return id;
  if (absl::Status own = CheckOwnCaf(*id, caf_id); !own.ok()) return own;
  return id;
}

}  // namespace ctg::policy
