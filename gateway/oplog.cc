#include "gateway/oplog.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/mutex.h"
#include "policy/text.h"

namespace ctg::gateway::oplog {
namespace {

struct Output {
  Mutex mu;
  std::function<void(absl::string_view)> sink
      ABSL_GUARDED_BY(mu);  // empty: stderr
};

Output& GetOutput() {
  static Output* output = new Output;
  return *output;
}

}  // namespace

absl::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

// A private minimal encoder (RFC 8259 string): the gateway's log must not
// depend on a caller's text being well-formed.
std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  out.reserve(s.size() + 2);
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c == '\n') {
      out += "\\n";
      ++i;
    } else if (c == '\r') {
      out += "\\r";
      ++i;
    } else if (c == '\t') {
      out += "\\t";
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      out += absl::StrFormat("\\u%04x", c);
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      size_t len = policy::Utf8SequenceLength(s, i);
      if (len == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(s.data() + i, len);
        i += len;
      }
    }
  }
  out += '"';
  return out;
}

std::string FormatLine(absl::Time ts, Level level, absl::string_view event,
                       std::initializer_list<Field> fields) {
  std::string line =
      absl::StrCat("{\"ts\":",
                   JsonString(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", ts,
                                               absl::UTCTimeZone())),
                   ",\"level\":", JsonString(LevelName(level)),
                   ",\"event\":", JsonString(event));
  for (const auto& [key, value] : fields) {
    if (value.empty()) continue;
    absl::StrAppend(&line, ",", JsonString(key), ":", JsonString(value));
  }
  line += '}';
  return line;
}

void Log(Level level, absl::string_view event,
         std::initializer_list<Field> fields) {
  std::string line = FormatLine(absl::Now(), level, event, fields);
  Output& output = GetOutput();
  MutexLock lock(&output.mu);
  if (output.sink) {
    output.sink(line);
    return;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void SetSinkForTesting(std::function<void(absl::string_view)> sink) {
  Output& output = GetOutput();
  MutexLock lock(&output.mu);
  output.sink = std::move(sink);
}

}  // namespace ctg::gateway::oplog
