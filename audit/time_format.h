// RFC 3339 timestamps of the export format: UTC, exactly six fractional
// digits, upper-case 'T' and 'Z', e.g. "2026-11-28T23:30:24.123456Z".
// Times are int64 microseconds since 1970-01-01T00:00:00Z, proleptic
// Gregorian calendar, no leap seconds (as google.protobuf.Timestamp).
// Thread-safe.
#ifndef CTG_AUDIT_TIME_FORMAT_H_
#define CTG_AUDIT_TIME_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ctg::audit {

// 0001-01-01T00:00:00.000000Z and 9999-12-31T23:59:59.999999Z: the range
// with a four-digit year (the range of google.protobuf.Timestamp).
inline constexpr int64_t kMinTimeMicros = -62135596800000000;
inline constexpr int64_t kMaxTimeMicros = 253402300799999999;

// Length of every formatted timestamp.
inline constexpr size_t kRfc3339MicrosLength = 27;

// Appends the RFC 3339 form of `micros`, which must lie in
// [kMinTimeMicros, kMaxTimeMicros] (values outside are clamped).
void AppendRfc3339Micros(int64_t micros, std::string* out);
std::string FormatRfc3339Micros(int64_t micros);

// Parses exactly the form above ("YYYY-MM-DDTHH:MM:SS.ffffffZ"): no other
// offset, precision or separator. InvalidArgument naming the problem (bad
// digit, month 13, February 30, second 60...) otherwise.
absl::StatusOr<int64_t> ParseRfc3339Micros(absl::string_view text);

}  // namespace ctg::audit

#endif  // CTG_AUDIT_TIME_FORMAT_H_
