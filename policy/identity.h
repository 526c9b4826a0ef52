// The caller's identity, read from the single SPIFFE ID of its verified
// certificate (api.md, "Identity"):
//
//   spiffe://<trust-domain>/commune/<INSEE code>/requester/<person>
//   spiffe://<trust-domain>/commune/<INSEE code>/operator/<person>
//   spiffe://<trust-domain>/caf/<caf id>/reviewer/<person>
//   spiffe://<trust-domain>/caf/<caf id>/admin/<person>
//   spiffe://<trust-domain>/caf/<caf id>/auditor/<person>
//   spiffe://<trust-domain>/caf/<caf id>/requester/<person>
//   spiffe://<trust-domain>/commune/<INSEE code>/reviewer/<person>
//
// The last two serve the Caf's own requests to a commune (R1, both
// directions): a Caf requester files them, a commune reviewer studies them.
// They are distinct roles (Role::kCafRequester, Role::kCommuneReviewer), so
// that no table keyed by role confuses them with the commune's requester or
// the Caf's reviewer.
//
// Pure: no I/O. Thread-safe (no state).
#ifndef CTG_POLICY_IDENTITY_H_
#define CTG_POLICY_IDENTITY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ctg::policy {

enum class OrganisationKind { kCommune, kCaf };

enum class Role {
  kRequester,        // commune/<INSEE>/requester
  kOperator,         // commune/<INSEE>/operator
  kReviewer,         // caf/<id>/reviewer
  kAdmin,            // caf/<id>/admin
  kAuditor,          // caf/<id>/auditor
  kCafRequester,     // caf/<id>/requester: files the Caf's requests (R1)
  kCommuneReviewer,  // commune/<INSEE>/reviewer: studies them (R1)
};
inline constexpr int kRoleCount = 7;

// "requester", "operator", "reviewer", "admin", "auditor", "caf-requester",
// "commune-reviewer" (the last two differ from their SPIFFE segment, which
// is "requester" under caf/ and "reviewer" under commune/).
absl::string_view RoleName(Role role);
absl::string_view OrganisationKindName(OrganisationKind kind);

struct Identity {
  std::string spiffe_id;  // the full, validated URI
  OrganisationKind kind;
  std::string organisation;  // INSEE code of the commune, or the Caf's id
  Role role;
  std::string person;

  // "commune/33069" or "caf/33": the tenant, as audit filters name it.
  std::string OrganisationPath() const;
  bool IsCommune() const { return kind == OrganisationKind::kCommune; }
};

// Maximum length of a SPIFFE ID (the SPIFFE spec's limit).
inline constexpr size_t kMaxSpiffeIdLength = 2048;

// Maximum length of the person segment of a SPIFFE ID.
inline constexpr size_t kMaxPersonLength = 64;

// True when `person` may be the last segment of a SPIFFE ID, the person:
// 1 to kMaxPersonLength letters, digits, '.', '-' or '_', and not "." nor
// "..". The one check for a certificate's person and for an analysis operator
// a request declares (R3), who must be able to hold a certificate.
bool IsPersonSegment(absl::string_view person);

// Parses `uri` as a SPIFFE ID of this gateway's `trust_domain`.
// Errors (all kUnauthenticated, the message says what is wrong): not a
// spiffe:// URI, another trust domain, a path that is not
// /<kind>/<org>/<role>/<person>, an unknown organisation kind, a role that
// does not belong to that kind, a malformed INSEE code, Caf id or person.
absl::StatusOr<Identity> ParseSpiffeId(absl::string_view uri,
                                       absl::string_view trust_domain);

// R8 (access control, least privilege): a Caf's gateway serves its own Caf
// and the communes it has conventions with. OK for every commune identity
// (conventions decide what a commune may see) and for a Caf role
// (reviewer, admin, auditor) whose <caf id> is `caf_id`, this gateway's.
// Errors: kUnauthenticated naming both Caf ids when a Caf role belongs to
// another Caf (or when `caf_id` is empty: fail closed). UNAUTHENTICATED, not
// PERMISSION_DENIED: another Caf's staff is not an identity this gateway
// knows, exactly like another trust domain.
absl::Status CheckOwnCaf(const Identity& identity, absl::string_view caf_id);

// ParseSpiffeId then CheckOwnCaf: the identity this gateway accepts.
absl::StatusOr<Identity> AcceptSpiffeId(absl::string_view uri,
                                        absl::string_view trust_domain,
                                        absl::string_view caf_id);

}  // namespace ctg::policy

#endif  // CTG_POLICY_IDENTITY_H_
