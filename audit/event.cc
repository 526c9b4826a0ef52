#include "audit/event.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "audit/canonical.h"
#include "audit/event_format.h"
#include "audit/hash.h"
#include "audit/internal/event_checks.h"
#include "audit/internal/utf8.h"
#include "audit/time_format.h"

namespace ctg::audit {
namespace internal {
namespace {

absl::Status Invalid(const Event& event, absl::string_view field,
                     absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "audit event sequence ", event.sequence, ": ", field, ": ", why));
}

absl::Status CheckUtf8(const Event& event, absl::string_view field,
                       absl::string_view value) {
  const size_t at = FirstInvalidUtf8(value);
  if (at == value.size()) return absl::OkStatus();
  return Invalid(event, field, absl::StrCat("invalid UTF-8 at byte ", at));
}

}  // namespace

absl::Status ValidateEventFields(const Event& event, bool check_utf8) {
  if (event.sequence == 0) {
    return Invalid(event, "sequence", "must be >= 1");
  }
  if (event.time_micros < kMinTimeMicros ||
      event.time_micros > kMaxTimeMicros) {
    return Invalid(event, "time",
                   absl::StrCat(event.time_micros,
                                " microseconds is outside years 0001..9999"));
  }
  // HashFromHex is branch-free over the (random) hex digits.
  if (!event.cert_sha256.empty() && !HashFromHex(event.cert_sha256).ok()) {
    return Invalid(event, "cert_sha256",
                   "must be empty or 64 lower-case hex digits");
  }
  if (check_utf8) {
    const std::pair<absl::string_view, const std::string*> fields[] = {
        {"caller", &event.caller},
        {"cert_sha256", &event.cert_sha256},
        {"peer", &event.peer},
        {"method", &event.method},
        {"target_kind", &event.target_kind},
        {"target_id", &event.target_id},
        {"message", &event.message},
    };
    for (const auto& [name, value] : fields) {
      if (auto s = CheckUtf8(event, name, *value); !s.ok()) return s;
    }
  }
  for (size_t i = 0; i < event.facts.size(); ++i) {
    const Fact& fact = event.facts[i];
    if (fact.key.empty()) {
      return Invalid(event, absl::StrCat("facts[", i, "].key"), "empty");
    }
    if (check_utf8) {
      if (auto s =
              CheckUtf8(event, absl::StrCat("facts[", i, "].key"), fact.key);
          !s.ok()) {
        return s;
      }
      if (auto s = CheckUtf8(event, absl::StrCat("facts[", i, "].value"),
                             fact.value);
          !s.ok()) {
        return s;
      }
    }
    if (i > 0 && !(event.facts[i - 1].key < fact.key)) {
      return Invalid(
          event, absl::StrCat("facts[", i, "].key"),
          absl::StrCat("\"", absl::string_view(fact.key).substr(0, 64), "\" ",
                       event.facts[i - 1].key == fact.key
                           ? "is a duplicate key"
                           : "is not sorted after the previous key"));
    }
  }
  const size_t size = CanonicalSize(event);
  if (size > kMaxCanonicalEventBytes) {
    return Invalid(event, "event",
                   absl::StrCat("canonical encoding is ", size,
                                " bytes, more than the limit of ",
                                kMaxCanonicalEventBytes));
  }
  return absl::OkStatus();
}

}  // namespace internal

absl::Status ValidateEvent(const Event& event) {
  return internal::ValidateEventFields(event, /*check_utf8=*/true);
}

std::string SanitizeUtf8(absl::string_view s, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  while (!s.empty()) {
    const size_t good = internal::FirstInvalidUtf8(s);
    absl::string_view chunk = s.substr(0, good);
    if (out.size() + chunk.size() > max_bytes) {
      // Cut before the first character that does not fit.
      size_t n = max_bytes - out.size();
      while (n > 0 && (static_cast<uint8_t>(chunk[n]) & 0xc0) == 0x80) --n;
      out.append(chunk.data(), n);
      return out;
    }
    out.append(chunk.data(), chunk.size());
    s.remove_prefix(good);
    if (s.empty()) break;
    if (out.size() + 3 > max_bytes) return out;
    out.append("\xef\xbf\xbd");  // U+FFFD REPLACEMENT CHARACTER
    s.remove_prefix(1);
  }
  return out;
}

absl::Status SortFacts(std::vector<Fact>* facts) {
  std::sort(facts->begin(), facts->end(),
            [](const Fact& a, const Fact& b) { return a.key < b.key; });
  for (size_t i = 1; i < facts->size(); ++i) {
    if ((*facts)[i - 1].key == (*facts)[i].key) {
      return absl::InvalidArgumentError(absl::StrCat(
          "audit event facts: duplicate key \"", (*facts)[i].key, "\""));
    }
  }
  return absl::OkStatus();
}

}  // namespace ctg::audit
