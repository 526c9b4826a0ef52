#include "audit/canonical.h"

#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "audit/event_format.h"
#include "audit/internal/event_checks.h"
#include "audit/internal/utf8.h"

namespace ctg::audit {
namespace {

template <typename T>
void PutBigEndian(T value, char* out) {
  auto v = static_cast<std::make_unsigned_t<T>>(value);
  for (int i = sizeof(T) - 1; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

// Writes into a buffer pre-sized to CanonicalSize().
class Writer {
 public:
  explicit Writer(char* p) : p_(p) {}
  void U8(uint8_t v) { *p_++ = static_cast<char>(v); }
  template <typename T>
  void Int(T v) {
    PutBigEndian(v, p_);
    p_ += sizeof(T);
  }
  void Str(const std::string& s) {
    Int(static_cast<uint32_t>(s.size()));
    if (!s.empty()) std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }

 private:
  char* p_;
};

// Reads the canonical layout, reporting the field and offset on error.
class Reader {
 public:
  explicit Reader(absl::string_view in) : in_(in) {}

  size_t offset() const { return pos_; }
  size_t left() const { return in_.size() - pos_; }

  absl::Status Short(absl::string_view field, size_t need) const {
    return absl::InvalidArgumentError(
        absl::StrCat("canonical event: field ", field, " at offset ", pos_,
                     " needs ", need, " bytes, only ", left(), " left"));
  }

  template <typename T>
  absl::Status Int(absl::string_view field, T* out) {
    if (left() < sizeof(T)) return Short(field, sizeof(T));
    std::make_unsigned_t<T> v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      v = static_cast<std::make_unsigned_t<T>>(
          (v << 8) | static_cast<uint8_t>(in_[pos_ + i]));
    }
    *out = static_cast<T>(v);
    pos_ += sizeof(T);
    return absl::OkStatus();
  }

  absl::Status Str(absl::string_view field, std::string* out) {
    uint32_t len = 0;
    if (auto s = Int(field, &len); !s.ok()) return s;
    if (len > left()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "canonical event: field ", field, " at offset ", pos_ - kLengthBytes,
          ": length ", len, " runs past the end (", left(), " bytes left)"));
    }
    absl::string_view value = in_.substr(pos_, len);
    const size_t bad = internal::FirstInvalidUtf8(value);
    if (bad != value.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("canonical event: field ", field,
                       ": invalid UTF-8 at offset ", pos_ + bad));
    }
    out->assign(value.data(), value.size());
    pos_ += len;
    return absl::OkStatus();
  }

 private:
  absl::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

size_t CanonicalSize(const Event& e) {
  size_t n = kMinCanonicalEventBytes + e.caller.size() + e.cert_sha256.size() +
             e.peer.size() + e.method.size() + e.target_kind.size() +
             e.target_id.size() + e.message.size();
  for (const Fact& f : e.facts) {
    n += 2 * kLengthBytes + f.key.size() + f.value.size();
  }
  return n;
}

void AppendCanonical(const Event& e, std::string* out) {
  const size_t start = out->size();
  out->resize(start + CanonicalSize(e));
  Writer w(out->data() + start);
  w.U8(kCanonicalVersion);
  w.Int<uint64_t>(e.sequence);
  w.Int<int64_t>(e.time_micros);
  w.Str(e.caller);
  w.Str(e.cert_sha256);
  w.Str(e.peer);
  w.Str(e.method);
  w.Str(e.target_kind);
  w.Str(e.target_id);
  w.Int<int32_t>(e.code);
  w.Str(e.message);
  w.Int<uint32_t>(static_cast<uint32_t>(e.facts.size()));
  for (const Fact& f : e.facts) {
    w.Str(f.key);
    w.Str(f.value);
  }
}

std::string EncodeCanonical(const Event& event) {
  std::string out;
  AppendCanonical(event, &out);
  return out;
}

Hash EventLeafHash(const Event& event) {
  thread_local std::string buf;
  buf.clear();
  AppendCanonical(event, &buf);
  return LeafHash(buf);
}

absl::Status DecodeCanonicalInto(absl::string_view bytes, Event* e) {
  if (bytes.size() > kMaxCanonicalEventBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "canonical event: ", bytes.size(), " bytes, more than the limit of ",
        kMaxCanonicalEventBytes));
  }
  Reader r(bytes);
  uint8_t version = 0;
  if (auto s = r.Int("version", &version); !s.ok()) return s;
  if (version != kCanonicalVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("canonical event: unknown version byte ", version,
                     " (this reader knows version ", kCanonicalVersion, ")"));
  }
  uint32_t fact_count = 0;
  absl::Status s = r.Int("sequence", &e->sequence);
  if (s.ok()) s = r.Int("time", &e->time_micros);
  if (s.ok()) s = r.Str("caller", &e->caller);
  if (s.ok()) s = r.Str("cert_sha256", &e->cert_sha256);
  if (s.ok()) s = r.Str("peer", &e->peer);
  if (s.ok()) s = r.Str("method", &e->method);
  if (s.ok()) s = r.Str("target_kind", &e->target_kind);
  if (s.ok()) s = r.Str("target_id", &e->target_id);
  if (s.ok()) s = r.Int("code", &e->code);
  if (s.ok()) s = r.Str("message", &e->message);
  if (s.ok()) s = r.Int("fact_count", &fact_count);
  if (!s.ok()) return s;
  // Each fact takes at least two length prefixes: a count larger than the
  // bytes left allow is corrupt (and must not drive a huge allocation).
  if (fact_count > r.left() / (2 * kLengthBytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("canonical event: fact_count ", fact_count, " at offset ",
                     r.offset() - kFactCountBytes, " cannot fit in the ",
                     r.left(), " bytes left"));
  }
  e->facts.resize(fact_count);
  for (uint32_t i = 0; i < fact_count; ++i) {
    s = r.Str(absl::StrCat("facts[", i, "].key"), &e->facts[i].key);
    if (s.ok()) {
      s = r.Str(absl::StrCat("facts[", i, "].value"), &e->facts[i].value);
    }
    if (!s.ok()) return s;
  }
  if (r.left() != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "canonical event: ", r.left(),
        " trailing bytes after the last field at offset ", r.offset()));
  }
  return internal::ValidateEventFields(*e, /*check_utf8=*/false);
}

absl::StatusOr<Event> DecodeCanonical(absl::string_view bytes) {
  Event event;
  if (auto s = DecodeCanonicalInto(bytes, &event); !s.ok()) return s;
  return event;
}

}  // namespace ctg::audit
