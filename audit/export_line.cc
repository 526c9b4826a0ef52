#include "audit/export_line.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "audit/audit_log_format.h"
#include "audit/internal/event_checks.h"
#include "audit/internal/json.h"
#include "audit/time_format.h"

namespace ctg::audit {
namespace {

using internal::AppendJsonString;
using internal::JsonCursor;

enum Field : int {
  kSequence,
  kTime,
  kCaller,
  kCertSha256,
  kPeer,
  kMethod,
  kTargetKind,
  kTargetId,
  kCode,
  kMessage,
  kFacts,
  kLeafHash,
  kCheckpoint,
  kNumFields
};

const absl::string_view kNames[kNumFields] = {
    kFieldSequence,  kFieldTime,    kFieldCaller,     kFieldCertSha256,
    kFieldPeer,      kFieldMethod,  kFieldTargetKind, kFieldTargetId,
    kFieldCode,      kFieldMessage, kFieldFacts,      kFieldLeafHash,
    kFieldCheckpoint};

constexpr uint32_t kRequiredMask = (1u << kNumFields) - 1 - (1u << kCheckpoint);

int FieldIndex(absl::string_view name) {
  // Dispatch on length and first byte, then one comparison.
  int candidate = -1;
  switch (name.size()) {
    case 4:
      candidate = name[0] == 't' ? kTime : name[0] == 'p' ? kPeer : kCode;
      break;
    case 5:
      candidate = kFacts;
      break;
    case 6:
      candidate = name[0] == 'c' ? kCaller : kMethod;
      break;
    case 7:
      candidate = kMessage;
      break;
    case 8:
      candidate = kSequence;
      break;
    case 9:
      candidate = name[0] == 't' ? kTargetId : kLeafHash;
      break;
    case 10:
      candidate = kCheckpoint;
      break;
    case 11:
      candidate = name[0] == 'c' ? kCertSha256 : kTargetKind;
      break;
    default:
      return -1;
  }
  return kNames[candidate] == name ? candidate : -1;
}

void AppendKey(Field f, std::string* out) {
  out->push_back('"');
  out->append(kNames[f].data(), kNames[f].size());
  out->append("\":");
}

absl::Status InField(Field f, const absl::Status& s) {
  return absl::InvalidArgumentError(
      absl::StrCat("field \"", kNames[f], "\": ", s.message()));
}

// Reads the facts object into `*facts`, reusing its elements.
absl::Status ParseFacts(JsonCursor& cur, std::vector<Fact>* facts) {
  if (!cur.Consume('{')) return cur.Error("expected an object of strings");
  size_t n = 0;
  if (!cur.Consume('}')) {
    while (true) {
      if (n == facts->size()) facts->emplace_back();
      Fact& fact = (*facts)[n];
      if (auto s = cur.String(&fact.key); !s.ok()) return s;
      if (!cur.Consume(':')) return cur.Error("expected ':' after a fact key");
      if (cur.Peek() != '"') {
        return cur.Error(
            absl::StrCat("value of fact \"", fact.key, "\" must be a string"));
      }
      if (auto s = cur.String(&fact.value); !s.ok()) return s;
      ++n;
      if (cur.Consume(',')) continue;
      if (cur.Consume('}')) break;
      return cur.Error("expected ',' or '}' in facts");
    }
  }
  facts->resize(n);
  if (!std::is_sorted(
          facts->begin(), facts->end(),
          [](const Fact& a, const Fact& b) { return a.key < b.key; })) {
    std::sort(facts->begin(), facts->end(),
              [](const Fact& a, const Fact& b) { return a.key < b.key; });
  }
  for (size_t i = 1; i < n; ++i) {
    if ((*facts)[i - 1].key == (*facts)[i].key) {
      return absl::InvalidArgumentError(
          absl::StrCat("duplicate fact key \"", (*facts)[i].key, "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseValue(Field f, JsonCursor& cur, ExportRecord* r,
                        std::string* scratch) {
  Event& e = r->event;
  switch (f) {
    case kSequence:
      return cur.Uint64(&e.sequence);
    case kCode:
      return cur.Int32(&e.code);
    case kCaller:
      return cur.String(&e.caller);
    case kCertSha256:
      return cur.String(&e.cert_sha256);
    case kPeer:
      return cur.String(&e.peer);
    case kMethod:
      return cur.String(&e.method);
    case kTargetKind:
      return cur.String(&e.target_kind);
    case kTargetId:
      return cur.String(&e.target_id);
    case kMessage:
      return cur.String(&e.message);
    case kFacts:
      return ParseFacts(cur, &e.facts);
    case kCheckpoint: {
      if (auto s = cur.String(&r->checkpoint); !s.ok()) return s;
      if (r->checkpoint.empty()) {
        return absl::InvalidArgumentError("empty (omit the field instead)");
      }
      if (r->checkpoint.size() > kMaxNoteBytes) {
        return absl::InvalidArgumentError(
            absl::StrCat(r->checkpoint.size(),
                         " bytes, more than the limit of ", kMaxNoteBytes));
      }
      return absl::OkStatus();
    }
    case kTime: {
      if (auto s = cur.String(scratch); !s.ok()) return s;
      absl::StatusOr<int64_t> t = ParseRfc3339Micros(*scratch);
      if (!t.ok()) return t.status();
      e.time_micros = *t;
      return absl::OkStatus();
    }
    case kLeafHash: {
      if (auto s = cur.String(scratch); !s.ok()) return s;
      absl::StatusOr<Hash> h = HashFromHex(*scratch);
      if (!h.ok()) return h.status();
      r->leaf_hash = *h;
      return absl::OkStatus();
    }
    case kNumFields:
      break;
  }
  return absl::InternalError("unreachable");
}

}  // namespace

void AppendExportLine(const ExportRecord& r, std::string* out) {
  const Event& e = r.event;
  out->push_back('{');
  AppendKey(kSequence, out);
  absl::StrAppend(out, e.sequence);
  out->push_back(',');
  AppendKey(kTime, out);
  out->push_back('"');
  AppendRfc3339Micros(e.time_micros, out);
  out->append("\",");
  const std::pair<Field, const std::string*> strings[] = {
      {kCaller, &e.caller},
      {kCertSha256, &e.cert_sha256},
      {kPeer, &e.peer},
      {kMethod, &e.method},
      {kTargetKind, &e.target_kind},
      {kTargetId, &e.target_id}};
  for (const auto& [field, value] : strings) {
    AppendKey(field, out);
    AppendJsonString(*value, out);
    out->push_back(',');
  }
  AppendKey(kCode, out);
  absl::StrAppend(out, e.code);
  out->push_back(',');
  AppendKey(kMessage, out);
  AppendJsonString(e.message, out);
  out->push_back(',');
  AppendKey(kFacts, out);
  out->push_back('{');
  for (size_t i = 0; i < e.facts.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(e.facts[i].key, out);
    out->push_back(':');
    AppendJsonString(e.facts[i].value, out);
  }
  out->append("},");
  AppendKey(kLeafHash, out);
  out->push_back('"');
  out->append(HashToHex(r.leaf_hash));
  out->push_back('"');
  if (!r.checkpoint.empty()) {
    out->push_back(',');
    AppendKey(kCheckpoint, out);
    AppendJsonString(r.checkpoint, out);
  }
  out->append("}\n");
}

std::string FormatExportLine(const ExportRecord& record) {
  std::string out;
  AppendExportLine(record, &out);
  return out;
}

absl::Status ParseExportLine(absl::string_view line, ExportRecord* r) {
  thread_local std::string key_scratch;
  thread_local std::string scratch;
  JsonCursor cur(line);
  if (!cur.Consume('{')) return cur.Error("expected '{' opening an event");
  uint32_t seen = 0;
  r->checkpoint.clear();
  if (!cur.Consume('}')) {
    while (true) {
      const size_t key_column = cur.column();
      absl::string_view key;
      if (auto s = cur.Key(&key, &key_scratch); !s.ok()) return s;
      const int index = FieldIndex(key);
      if (index < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("column ", key_column, ": unknown field \"",
                         key.substr(0, 64), "\""));
      }
      const Field f = static_cast<Field>(index);
      if (seen & (1u << f)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "column ", key_column, ": duplicate field \"", kNames[f], "\""));
      }
      seen |= 1u << f;
      if (!cur.Consume(':'))
        return cur.Error("expected ':' after a field name");
      if (auto s = ParseValue(f, cur, r, &scratch); !s.ok()) {
        return InField(f, s);
      }
      if (cur.Consume(',')) continue;
      if (cur.Consume('}')) break;
      return cur.Error("expected ',' or '}' after a field");
    }
  }
  cur.SkipSpace();
  if (!cur.AtEnd()) return cur.Error("unexpected text after the event object");
  if ((seen & kRequiredMask) != kRequiredMask) {
    for (int i = 0; i < kNumFields; ++i) {
      if ((kRequiredMask & (1u << i)) && !(seen & (1u << i))) {
        return absl::InvalidArgumentError(
            absl::StrCat("missing required field \"", kNames[i], "\""));
      }
    }
  }
  // UTF-8 was checked while reading the strings.
  return internal::ValidateEventFields(r->event, /*check_utf8=*/false);
}

absl::StatusOr<ExportRecord> ParseExportLine(absl::string_view line) {
  ExportRecord record;
  if (auto s = ParseExportLine(line, &record); !s.ok()) return s;
  return record;
}

}  // namespace ctg::audit
