// ReleaseMemory: what earlier releases to one commune disclosed, per cell key.
//
// A published cell is remembered with its figure and the version of the
// statistical base it came from; a masked or excluded cell is remembered as
// masked. ProtectTable (suppressor.h) reads it so that a new release keeps
// every earlier-masked cell masked and treats every earlier-published cell as
// known to the reader (forced), and the caller records each new release into
// it once the release is delivered.
//
// The caller persists it (SQLite, one memory per commune) through the stable
// text form of Serialize()/Parse(): one line per cell, sorted by key, so that
// equal memories serialize to equal bytes:
//
//   ctg-sdc-memory v1
//   P<TAB>territory<TAB>period<TAB>indicator<TAB>breakdown<TAB>category<TAB>value<TAB>amount<TAB>base_version
//   M<TAB>territory<TAB>period<TAB>indicator<TAB>breakdown<TAB>category<TAB><TAB><TAB>base_version
//
// Fields escape '\\' as "\\\\", TAB as "\\t", LF as "\\n" and CR as "\\r".
// docs/secret-statistique.md describes the format for independent readers.
//
// Value type; thread-compatible (const methods may be called concurrently).
#ifndef CTG_POLICY_SDC_RELEASE_MEMORY_H_
#define CTG_POLICY_SDC_RELEASE_MEMORY_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/sdc/cell_key.h"
#include "policy/sdc/release.h"

namespace ctg::policy::sdc {

struct MemoryEntry {
  enum class State { kPublished, kMasked };
  State state = State::kMasked;
  int64_t value = 0;   // published figure (count or contributors)
  int64_t amount = 0;  // published amount (amount blocks)
  std::string base_version;
};

class ReleaseMemory {
 public:
  ReleaseMemory() = default;

  // Adds a delivered release. A cell published now and masked before, or
  // masked now and published before, is a contradiction ProtectTable never
  // produces: FailedPrecondition naming the cell, and the memory is left
  // unchanged. A cell published again keeps its latest figure and version.
  absl::Status Record(const Release& release);

  // Low-level: set one entry (tests, migrations). Same contradiction rules.
  absl::Status AddPublished(const CellKey& key, int64_t value, int64_t amount,
                            absl::string_view base_version);
  absl::Status AddMasked(const CellKey& key, absl::string_view base_version);

  // The entry for `key`, or nullptr.
  const MemoryEntry* Find(const CellKey& key) const;
  const std::map<CellKey, MemoryEntry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  std::string Serialize() const;
  // InvalidArgument naming the line on a bad header, field count, escape,
  // state, number, or a duplicate key.
  static absl::StatusOr<ReleaseMemory> Parse(absl::string_view text);

  friend bool operator==(const ReleaseMemory& a, const ReleaseMemory& b);

 private:
  absl::Status Check(const CellKey& key, MemoryEntry::State state) const;
  std::map<CellKey, MemoryEntry> entries_;
};

bool operator==(const MemoryEntry& a, const MemoryEntry& b);

}  // namespace ctg::policy::sdc

#endif  // CTG_POLICY_SDC_RELEASE_MEMORY_H_
