// The gateway's operational log: one JSON object per line on stderr, for
// operators and journald (docs/operations-metrics.md lists the events and
// their fields).
//
//   {"ts":"2026-12-07T02:30:00.123Z","level":"info","event":"start",
//    "listen":"127.0.0.1:8443","version":"0.1.0"}
//
// Every line has "ts" (UTC, milliseconds), "level" and "event"; the other
// fields are the caller's, in the order given, each value a JSON string
// (fields with an empty value are left out).
// Keys and values are escaped (quotes, backslashes, control characters;
// invalid UTF-8 becomes U+FFFD), so a value taken from a certificate or a
// client cannot forge a field or a line. What is logged: events of the
// gateway's life and the causes of errors; never figures of the statistical
// base, and of persons only SPIFFE IDs.
//
// Thread-safe: a line is written whole, under a lock.
#ifndef CTG_GATEWAY_OPLOG_H_
#define CTG_GATEWAY_OPLOG_H_

#include <functional>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ctg::gateway::oplog {

enum class Level { kDebug, kInfo, kWarning, kError };

// "debug", "info", "warning", "error".
absl::string_view LevelName(Level level);

using Field = std::pair<absl::string_view, absl::string_view>;

// Writes one line for `event` with `fields`.
void Log(Level level, absl::string_view event,
         std::initializer_list<Field> fields = {});

// The line Log() writes, without its newline (for tests and other sinks).
std::string FormatLine(absl::Time ts, Level level, absl::string_view event,
                       std::initializer_list<Field> fields);

// `s` as a JSON string literal, quotes included.
std::string JsonString(absl::string_view s);

// Tests: lines go to `sink` (without newline) instead of stderr; an empty
// function restores stderr.
void SetSinkForTesting(std::function<void(absl::string_view)> sink);

}  // namespace ctg::gateway::oplog

#endif  // CTG_GATEWAY_OPLOG_H_
