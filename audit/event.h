// An audit event: one RPC, allowed or denied (R9). Mirrors fields 1-11 of
// ctg.v1.AuditEvent (proto/ctg/v1/audit.proto); its canonical bytes
// (canonical.h) are the leaves of the audit Merkle tree.
#ifndef CTG_AUDIT_EVENT_H_
#define CTG_AUDIT_EVENT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ctg::audit {

// The fact that records the SPIFFE ID a refused certificate claimed: an
// identity the gateway did not verify, so never stored as `caller` (which is
// then empty). Events recorded before this fact existed hold such claims in
// `caller` (docs/audit-log-format.md §1).
inline constexpr char kClaimedCallerFact[] = "claimed_caller";

// One of the action's own facts (declared purpose, decision, extract digest,
// cell counts...). Keys are non-empty; both are UTF-8.
struct Fact {
  std::string key;
  std::string value;

  friend bool operator==(const Fact&, const Fact&) = default;
};

// A plain value type; copyable; no invariants are enforced on assignment:
// call ValidateEvent() before encoding one that came from outside.
struct Event {
  // 1-based position in the log; the event is leaf `sequence - 1`.
  uint64_t sequence = 0;
  // Microseconds since 1970-01-01T00:00:00Z (UTC, no leap seconds), within
  // years 0001..9999 so that it has an RFC 3339 form.
  int64_t time_micros = 0;
  // Caller's verified SPIFFE ID; empty when no identity was verified (a
  // refused certificate's claimed ID is the kClaimedCallerFact fact).
  std::string caller;
  // Lower-case hex SHA-256 of the peer certificate (DER); empty if none.
  std::string cert_sha256;
  // gRPC peer address, e.g. "ipv4:127.0.0.1:50312".
  std::string peer;
  // Full gRPC method name, e.g. "/ctg.v1.DataRequests/SubmitRequest".
  std::string method;
  // "request", "convention", "extract", "statistics", "caf-request",
  // "agreement", "release" or empty.
  std::string target_kind;
  std::string target_id;
  // Outcome: gRPC status code (0 = OK) and message.
  int32_t code = 0;
  std::string message;
  // Sorted by key (byte-wise), keys unique.
  std::vector<Fact> facts;

  friend bool operator==(const Event&, const Event&) = default;
};

// Checks everything the canonical encoding and the export format require:
// sequence >= 1; time within years 0001..9999; every string valid UTF-8;
// cert_sha256 empty or 64 lower-case hex digits; fact keys non-empty,
// strictly increasing (byte-wise); canonical encoding at most
// kMaxCanonicalEventBytes (event_format.h). Returns InvalidArgument naming
// the field (e.g. "facts[2].key") and the sequence number otherwise.
absl::Status ValidateEvent(const Event& event);

// `s` with every byte that does not start a valid UTF-8 sequence replaced by
// U+FFFD, and cut to at most `max_bytes` bytes on a character boundary. For
// the gateway, whose messages and peer strings may echo client bytes: an
// event must be valid UTF-8 to be appended.
std::string SanitizeUtf8(absl::string_view s, size_t max_bytes = SIZE_MAX);

// Sorts `facts` by key (byte-wise). InvalidArgument naming the key if two
// facts share it. For the gateway, which gathers facts in any order.
absl::Status SortFacts(std::vector<Fact>* facts);

}  // namespace ctg::audit

#endif  // CTG_AUDIT_EVENT_H_
