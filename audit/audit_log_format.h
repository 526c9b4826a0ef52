// Layout of the audit log export: JSON Lines (https://jsonlines.org), one
// event per line, in sequence order, as written by `ctg audit events
// --format jsonl` and read by `ctg audit verify`. Full specification in
// docs/audit-log-format.md. A line is one JSON object:
//
//   {"sequence":17,"time":"2026-11-28T23:30:24.123456Z",
//    "caller":"spiffe://caf33.fr/commune/33069/requester/alice",
//    "cert_sha256":"<64 hex>","peer":"ipv4:10.0.0.7:50312",
//    "method":"/ctg.v1.DataRequests/SubmitRequest","target_kind":"request",
//    "target_id":"req-42","code":0,"message":"",
//    "facts":{"purpose":"..."},
//    "leaf_hash":"<64 hex>",
//    "checkpoint":"<signed note text>"}          (on one line)
//
// All fields but `checkpoint` are required; no other field is allowed; each
// appears once. `sequence` is a JSON integer (no sign, fraction or
// exponent), `code` a JSON integer in the int32 range, `time` an RFC 3339
// string (time_format.h), `facts` an object of string values (any order in
// the line, unique keys), `leaf_hash` and `cert_sha256` lower-case hex.
// `leaf_hash` and `checkpoint` are not part of the canonical bytes: the leaf
// hash recorded by the gateway when it appended the event, and the signed
// checkpoint whose tree size equals this event's sequence, when the gateway
// made one there.
#ifndef CTG_AUDIT_AUDIT_LOG_FORMAT_H_
#define CTG_AUDIT_AUDIT_LOG_FORMAT_H_

#include <cstddef>

#include "audit/event_format.h"

namespace ctg::audit {

// Field names, in the order the writer emits them.
inline constexpr char kFieldSequence[] = "sequence";
inline constexpr char kFieldTime[] = "time";
inline constexpr char kFieldCaller[] = "caller";
inline constexpr char kFieldCertSha256[] = "cert_sha256";
inline constexpr char kFieldPeer[] = "peer";
inline constexpr char kFieldMethod[] = "method";
inline constexpr char kFieldTargetKind[] = "target_kind";
inline constexpr char kFieldTargetId[] = "target_id";
inline constexpr char kFieldCode[] = "code";
inline constexpr char kFieldMessage[] = "message";
inline constexpr char kFieldFacts[] = "facts";
inline constexpr char kFieldLeafHash[] = "leaf_hash";
inline constexpr char kFieldCheckpoint[] = "checkpoint";

// Largest signed note accepted in a `checkpoint` field or checkpoint file.
inline constexpr size_t kMaxNoteBytes = 16 * 1024;

// Longest accepted line, newline excluded. Any valid event fits: JSON
// escaping at most sextuples a byte ("\u0001"), plus field names, the hex
// leaf hash and an escaped checkpoint note.
inline constexpr size_t kMaxExportLineBytes =
    6 * kMaxCanonicalEventBytes + 6 * kMaxNoteBytes + 1024;

}  // namespace ctg::audit

#endif  // CTG_AUDIT_AUDIT_LOG_FORMAT_H_
