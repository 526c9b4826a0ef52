// Fuzz entry 2: the SPIFFE ID parser (policy/identity.h ParseSpiffeId).
//
// Input: the URI, checked against the trust domain "caf33.example".
//
// Invariants:
//  - every error is kUnauthenticated;
//  - a success re-built from its parts,
//    "spiffe://caf33.example/<kind>/<organisation>/<role>/<person>", is the
//    input byte for byte, and spiffe_id is the input;
//  - the parts obey the header's grammar, checked by an independent
//    re-implementation written from the header and api.md (commune: INSEE
//    code, role requester|operator|reviewer; caf: 1-16 of [0-9a-z-], role
//    reviewer|admin|auditor|requester; person: 1-64 of [A-Za-z0-9._-], not "."
//    or
//    ".."; at most 2048 bytes) — and that re-implementation accepts exactly
//    what ParseSpiffeId accepts (both directions).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fuzz/entry/entry.h"
#include "policy/identity.h"

namespace ctg::fuzz {
namespace {

constexpr char kTrustDomain[] = "caf33.example";

bool Digit(char c) { return c >= '0' && c <= '9'; }
bool Lower(char c) { return c >= 'a' && c <= 'z'; }
bool Upper(char c) { return c >= 'A' && c <= 'Z'; }

bool ModelCommune(const std::string& s) {
  if (s.size() != 5) return false;
  const bool dept = (Digit(s[0]) && Digit(s[1])) ||
                    (s[0] == '2' && (s[1] == 'A' || s[1] == 'B'));
  return dept && Digit(s[2]) && Digit(s[3]) && Digit(s[4]);
}

bool ModelCaf(const std::string& s) {
  if (s.empty() || s.size() > 16) return false;
  for (char c : s) {
    if (!Digit(c) && !Lower(c) && c != '-') return false;
  }
  return true;
}

bool ModelPerson(const std::string& s) {
  if (s.empty() || s.size() > 64 || s == "." || s == "..") return false;
  for (char c : s) {
    if (!Digit(c) && !Lower(c) && !Upper(c) && c != '.' && c != '-' &&
        c != '_') {
      return false;
    }
  }
  return true;
}

// The independent model: true iff `uri` is a valid identity.
bool ModelAccepts(absl::string_view uri) {
  if (uri.size() > policy::kMaxSpiffeIdLength) return false;
  const std::string prefix = absl::StrCat("spiffe://", kTrustDomain, "/");
  if (uri.substr(0, prefix.size()) != prefix) return false;
  std::vector<std::string> parts(1);
  for (char c : uri.substr(prefix.size())) {
    if (c == '/') {
      parts.emplace_back();
    } else {
      parts.back().push_back(c);
    }
  }
  if (parts.size() != 4) return false;
  if (!ModelPerson(parts[3])) return false;
  if (parts[0] == "commune") {
    return ModelCommune(parts[1]) &&
           (parts[2] == "requester" || parts[2] == "operator" ||
            parts[2] == "reviewer");
  }
  if (parts[0] == "caf") {
    return ModelCaf(parts[1]) &&
           (parts[2] == "reviewer" || parts[2] == "admin" ||
            parts[2] == "auditor" || parts[2] == "requester");
  }
  return false;
}

// The role's SPIFFE path segment: the Caf's requester and the commune's
// reviewer are distinct roles written like the other side's.
std::string SegmentOf(policy::Role role) {
  if (role == policy::Role::kCafRequester) return "requester";
  if (role == policy::Role::kCommuneReviewer) return "reviewer";
  return std::string(policy::RoleName(role));
}

}  // namespace

std::string SpiffeIdEntry(absl::string_view data) {
  const absl::StatusOr<policy::Identity> id =
      policy::ParseSpiffeId(data, kTrustDomain);
  const bool model = ModelAccepts(data);
  if (!id.ok()) {
    if (id.status().code() != absl::StatusCode::kUnauthenticated) {
      return absl::StrCat("error is not kUnauthenticated: ",
                          id.status().ToString());
    }
    if (model) {
      return absl::StrCat("valid identity refused: ", id.status().ToString());
    }
    return "";
  }
  if (!model) return "ParseSpiffeId accepted an identity the grammar refuses";
  const std::string rebuilt = absl::StrCat(
      "spiffe://", kTrustDomain, "/", policy::OrganisationKindName(id->kind),
      "/", id->organisation, "/", SegmentOf(id->role), "/", id->person);
  if (rebuilt != data) return absl::StrCat("re-built ID differs: ", rebuilt);
  if (id->spiffe_id != data) return "spiffe_id is not the input";
  if (id->OrganisationPath() !=
      absl::StrCat(policy::OrganisationKindName(id->kind), "/",
                   id->organisation)) {
    return "OrganisationPath() inconsistent";
  }
  const bool commune_role = id->role == policy::Role::kRequester ||
                            id->role == policy::Role::kOperator ||
                            id->role == policy::Role::kCommuneReviewer;
  if (id->IsCommune() != commune_role)
    return "role does not belong to the kind";
  return "";
}

}  // namespace ctg::fuzz
