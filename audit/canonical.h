// The canonical encoding of an audit Event: the exact bytes that are hashed
// into the Merkle tree. Layout in event_format.h; full specification with a
// worked example in docs/audit-log-format.md.
//
//   std::string bytes = EncodeCanonical(event);      // event must be valid
//   Hash leaf = LeafHash(bytes);                      // hash.h
//   absl::StatusOr<Event> back = DecodeCanonical(bytes);
//
// All functions are thread-safe.
#ifndef CTG_AUDIT_CANONICAL_H_
#define CTG_AUDIT_CANONICAL_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "audit/event.h"
#include "audit/hash.h"

namespace ctg::audit {

// Size in bytes of EncodeCanonical(event).
size_t CanonicalSize(const Event& event);

// The canonical bytes of `event`. The encoding is total (any Event encodes),
// but only an event that passes ValidateEvent() decodes back and can be
// exported: the gateway must validate before appending.
std::string EncodeCanonical(const Event& event);

// Appends the canonical bytes of `event` to `*out` (reusing its capacity).
void AppendCanonical(const Event& event, std::string* out);

// RFC 6962 leaf hash of the canonical bytes: SHA-256(0x00 || bytes).
Hash EventLeafHash(const Event& event);

// Strict inverse of EncodeCanonical. InvalidArgument, with the field name
// and byte offset, for: an unknown version byte, a length running past the
// end, trailing bytes, more than kMaxCanonicalEventBytes, invalid UTF-8,
// unsorted or duplicate fact keys, or any other ValidateEvent() failure.
absl::StatusOr<Event> DecodeCanonical(absl::string_view bytes);

// As above, decoding into `*event` (whose string capacity is reused). On
// error `*event` holds unspecified field values.
absl::Status DecodeCanonicalInto(absl::string_view bytes, Event* event);

}  // namespace ctg::audit

#endif  // CTG_AUDIT_CANONICAL_H_
