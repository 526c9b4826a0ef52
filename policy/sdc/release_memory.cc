#include "policy/sdc/release_memory.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ctg::policy::sdc {
namespace {

constexpr absl::string_view kHeader = "ctg-sdc-memory v1";

void Escape(absl::string_view in, std::string* out) {
  for (char c : in) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->push_back(c);
    }
  }
}

bool Unescape(absl::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\') {
      out->push_back(in[i]);
      continue;
    }
    if (++i >= in.size()) return false;
    switch (in[i]) {
      case '\\':
        out->push_back('\\');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      default:
        return false;
    }
  }
  return true;
}

}  // namespace

bool operator==(const MemoryEntry& a, const MemoryEntry& b) {
  return a.state == b.state && a.value == b.value && a.amount == b.amount &&
         a.base_version == b.base_version;
}

bool operator==(const ReleaseMemory& a, const ReleaseMemory& b) {
  return a.entries_ == b.entries_;
}

absl::Status ReleaseMemory::Check(const CellKey& key,
                                  MemoryEntry::State state) const {
  const MemoryEntry* e = Find(key);
  if (e == nullptr || e->state == state) return absl::OkStatus();
  if (state == MemoryEntry::State::kPublished) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cell ", key.ToString(),
        " was masked in an earlier release and cannot be published"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "cell ", key.ToString(),
      " was published in an earlier release and cannot be masked"));
}

absl::Status ReleaseMemory::AddPublished(const CellKey& key, int64_t value,
                                         int64_t amount,
                                         absl::string_view base_version) {
  if (absl::Status s = Check(key, MemoryEntry::State::kPublished); !s.ok())
    return s;
  entries_[key] = MemoryEntry{MemoryEntry::State::kPublished, value, amount,
                              std::string(base_version)};
  return absl::OkStatus();
}

absl::Status ReleaseMemory::AddMasked(const CellKey& key,
                                      absl::string_view base_version) {
  if (absl::Status s = Check(key, MemoryEntry::State::kMasked); !s.ok())
    return s;
  auto [it, inserted] = entries_.try_emplace(key);
  if (inserted) {
    it->second = MemoryEntry{MemoryEntry::State::kMasked, 0, 0,
                             std::string(base_version)};
  }
  return absl::OkStatus();
}

absl::Status ReleaseMemory::Record(const Release& release) {
  for (const ReleasedCell& c : release.cells) {
    const auto state = c.status == CellStatus::kPublished
                           ? MemoryEntry::State::kPublished
                           : MemoryEntry::State::kMasked;
    if (absl::Status s = Check(c.key, state); !s.ok()) return s;
  }
  for (const ReleasedCell& c : release.cells) {
    absl::Status s =
        c.status == CellStatus::kPublished
            ? AddPublished(c.key, c.value, c.amount, release.base_version)
            : AddMasked(c.key, release.base_version);
    if (!s.ok()) return s;  // cannot happen after the check above
  }
  return absl::OkStatus();
}

const MemoryEntry* ReleaseMemory::Find(const CellKey& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

std::string ReleaseMemory::Serialize() const {
  std::string out(kHeader);
  out.push_back('\n');
  for (const auto& [k, e] : entries_) {
    const bool pub = e.state == MemoryEntry::State::kPublished;
    out.push_back(pub ? 'P' : 'M');
    for (const std::string* f :
         {&k.territory, &k.period, &k.indicator, &k.breakdown, &k.category}) {
      out.push_back('\t');
      Escape(*f, &out);
    }
    out.push_back('\t');
    if (pub) absl::StrAppend(&out, e.value);
    out.push_back('\t');
    if (pub) absl::StrAppend(&out, e.amount);
    out.push_back('\t');
    Escape(e.base_version, &out);
    out.push_back('\n');
  }
  return out;
}

absl::StatusOr<ReleaseMemory> ReleaseMemory::Parse(absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty() || lines[0] != kHeader) {
    return absl::InvalidArgumentError(absl::StrCat(
        "release memory line 1: expected header \"", kHeader, "\""));
  }
  ReleaseMemory m;
  for (size_t n = 1; n < lines.size(); ++n) {
    auto bad = [n](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("release memory line ", n + 1, ": ", why));
    };
    std::vector<absl::string_view> f = absl::StrSplit(lines[n], '\t');
    if (f.size() != 9) return bad("expected 9 tab-separated fields");
    if (f[0] != "P" && f[0] != "M") return bad("state must be P or M");
    std::string fields[6];
    for (int i = 0; i < 5; ++i) {
      if (!Unescape(f[i + 1], &fields[i])) return bad("bad escape sequence");
    }
    if (!Unescape(f[8], &fields[5])) return bad("bad escape sequence");
    CellKey key{fields[0], fields[1], fields[2], fields[3], fields[4]};
    if (key.territory.empty() || key.period.empty() || key.indicator.empty()) {
      return bad("empty territory, period or indicator");
    }
    if (m.entries_.count(key) > 0)
      return bad(absl::StrCat("duplicate cell ", key.ToString()));
    MemoryEntry e;
    e.base_version = fields[5];
    if (f[0] == "P") {
      e.state = MemoryEntry::State::kPublished;
      if (!absl::SimpleAtoi(f[6], &e.value) ||
          !absl::SimpleAtoi(f[7], &e.amount) || e.value < 0 || e.amount < 0) {
        return bad("published value and amount must be non-negative integers");
      }
    } else if (!f[6].empty() || !f[7].empty()) {
      return bad("a masked cell has no value");
    }
    m.entries_.emplace(std::move(key), std::move(e));
  }
  return m;
}

}  // namespace ctg::policy::sdc
