// Layout of the canonical encoding of an audit Event: the bytes hashed into
// the Merkle tree (leaf hash = SHA-256(0x00 || bytes)). The authoritative
// description, with a worked example, is docs/audit-log-format.md; this file
// holds the constants shared by the encoder and the decoder.
//
//   u8   version            = kCanonicalVersion (0x01)
//   u64  sequence           big-endian, >= 1
//   i64  time_micros        big-endian two's complement, µs since the epoch
//   str  caller
//   str  cert_sha256
//   str  peer
//   str  method
//   str  target_kind
//   str  target_id
//   i32  code               big-endian two's complement
//   str  message
//   u32  fact_count         big-endian
//   fact_count times:  str key, str value   (keys strictly increasing)
//
// where str = u32 big-endian byte length, then that many bytes of UTF-8
// (no terminator). Nothing follows the last fact.
#ifndef CTG_AUDIT_EVENT_FORMAT_H_
#define CTG_AUDIT_EVENT_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace ctg::audit {

// Version byte that opens every canonical encoding. A new layout gets a new
// version; decoders reject versions they do not know.
inline constexpr uint8_t kCanonicalVersion = 0x01;

// Fixed-width field sizes, in bytes.
inline constexpr size_t kVersionBytes = 1;
inline constexpr size_t kSequenceBytes = 8;
inline constexpr size_t kTimeBytes = 8;
inline constexpr size_t kCodeBytes = 4;
inline constexpr size_t kLengthBytes = 4;  // prefix of every string
inline constexpr size_t kFactCountBytes = 4;

// Number of string fields before `code` (caller .. target_id) and after it
// (message).
inline constexpr int kStringsBeforeCode = 6;

// Smallest possible encoding: all strings empty, no facts.
inline constexpr size_t kMinCanonicalEventBytes =
    kVersionBytes + kSequenceBytes + kTimeBytes +
    kStringsBeforeCode * kLengthBytes + kCodeBytes + kLengthBytes +
    kFactCountBytes;  // = 53

// Largest accepted encoding. Events are small (a few hundred bytes); the cap
// bounds what a corrupt or hostile export can make a verifier allocate, and
// guarantees that any valid event fits in one export line.
inline constexpr size_t kMaxCanonicalEventBytes = 256 * 1024;

}  // namespace ctg::audit

#endif  // CTG_AUDIT_EVENT_FORMAT_H_
