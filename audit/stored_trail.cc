#include "audit/stored_trail.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/signed_note.h"

namespace ctg::audit {
namespace {

// The claimed identity of an event: the claimed_caller fact, if any.
absl::string_view ClaimedCaller(const Event& event) {
  for (const Fact& fact : event.facts) {
    if (fact.key == kClaimedCallerFact) return fact.value;
  }
  return {};
}

}  // namespace

StoredTrailChecker::StoredTrailChecker(
    std::string name, std::vector<StoredCheckpointNote> checkpoints,
    StoredTrailOptions options)
    : name_(std::move(name)),
      checkpoints_(std::move(checkpoints)),
      options_(options) {
  std::sort(checkpoints_.begin(), checkpoints_.end(),
            [](const StoredCheckpointNote& a, const StoredCheckpointNote& b) {
              return a.tree_size < b.tree_size;
            });
}

absl::Status StoredTrailChecker::Fail(absl::string_view what) const {
  return absl::DataLossError(absl::StrCat("audit trail ", name_, ": ", what));
}

absl::StatusOr<Hash> StoredTrailChecker::CheckEvent(
    uint64_t row_seq, absl::string_view canonical,
    absl::string_view stored_leaf_hash, const StoredColumns* columns) {
  const uint64_t seq = expected_;
  if (row_seq != seq) {
    return Fail(absl::StrCat(
        "event ", seq, " is missing (the next stored event is ", row_seq, ")"));
  }
  if (absl::Status decoded = DecodeCanonicalInto(canonical, &event_);
      !decoded.ok()) {
    return Fail(absl::StrCat(
        "event ", seq, " was altered: its canonical bytes do not decode (",
        decoded.message(), ")"));
  }
  if (event_.sequence != seq) {
    return Fail(absl::StrCat("event ", seq, " was altered or moved: row ", seq,
                             " holds the canonical bytes of event ",
                             event_.sequence, " (rows swapped or renumbered)"));
  }
  const Hash leaf = hasher_.Leaf(canonical);
  if (stored_leaf_hash != AsBytes(leaf)) {
    return Fail(absl::StrCat(
        "event ", seq,
        " was altered: its canonical bytes do not hash to the leaf hash "
        "stored when it was appended"));
  }
  if (columns != nullptr) {
    if (absl::Status same = CheckColumns(event_, *columns); !same.ok())
      return same;
  }
  ++expected_;
  return leaf;
}

absl::Status StoredTrailChecker::CheckColumns(const Event& e,
                                              const StoredColumns& c) const {
  const absl::string_view caller =
      e.caller.empty() ? ClaimedCaller(e) : e.caller;
  const char* column = nullptr;
  if (c.time_us != e.time_micros) {
    column = "time_us";
  } else if (c.caller != caller) {
    column = "caller";
  } else if (c.method != e.method) {
    column = "method";
  } else if (c.target_kind != e.target_kind) {
    column = "target_kind";
  } else if (c.target_id != e.target_id) {
    column = "target_id";
  } else if (c.code != e.code) {
    column = "code";
  } else if (!c.organisation.empty() &&
             (e.caller.empty() ||
              !absl::StrContains(e.caller,
                                 absl::StrCat("/", c.organisation, "/")))) {
    // Only a verified caller has an organisation, and it is part of its ID.
    column = "organisation";
  }
  if (column == nullptr) return absl::OkStatus();
  return Fail(absl::StrCat("event ", e.sequence, " was altered: its ", column,
                           " column does not match its canonical bytes"));
}

absl::Status StoredTrailChecker::CheckOne(const StoredCheckpointNote& stored,
                                          const Hash& root) {
  const uint64_t size = stored.tree_size;
  absl::StatusOr<ParsedNote> parsed = ParseNote(stored.note);
  absl::StatusOr<Checkpoint> checkpoint =
      parsed.ok() ? ParseCheckpointBody(parsed->text)
                  : absl::StatusOr<Checkpoint>(parsed.status());
  bool known_key = false;
  if (parsed.ok()) {
    for (const NoteSignature& line : parsed->signatures) {
      for (const NoteVerifier& key : options_.keys) {
        known_key = known_key || key.Matches(line.key_name, line.key_id);
      }
    }
  }
  if (checkpoint.ok() && !options_.keys.empty() &&
      (known_key || options_.require_known_key)) {
    checkpoint = OpenCheckpoint(stored.note, options_.keys);
    if (checkpoint.ok()) ++signatures_verified_;
  }
  if (!checkpoint.ok()) {
    return Fail(
        absl::StrCat("the stored checkpoint of size ", size,
                     " does not verify: ", checkpoint.status().message()));
  }
  if (checkpoint->size != size) {
    return Fail(absl::StrCat("the stored checkpoint row of size ", size,
                             " holds a signed note of size ",
                             checkpoint->size));
  }
  if (checkpoint->root == root) {
    matched_size_ = size;
    ++matched_count_;
    return absl::OkStatus();
  }
  const uint64_t first = matched_size_ + 1;
  const std::string evidence = absl::StrCat(
      "the signed checkpoint of size ", size, " has root ",
      HashToHex(checkpoint->root), " but events 1..", size, " hash to ",
      HashToHex(root),
      matched_size_ == 0 ? std::string(", and no earlier checkpoint matches")
                         : absl::StrCat(", while the one of size ",
                                        matched_size_, " matches"));
  if (first == size) {
    return Fail(absl::StrCat(
        "event ", size,
        " was altered, its leaf hash rewritten to match: ", evidence));
  }
  return Fail(absl::StrCat(
      "an event in ", first, "..", size,
      " was altered, inserted or removed, the leaf hashes rewritten to "
      "match (the first bad event is at sequence ",
      first, " or later): ", evidence));
}

absl::Status StoredTrailChecker::CheckCheckpointsAt(
    uint64_t size, absl::FunctionRef<Hash()> root) {
  if (next_ < checkpoints_.size() && checkpoints_[next_].tree_size < size) {
    return absl::InternalError(absl::StrCat("stored trail check: tree size ",
                                            checkpoints_[next_].tree_size,
                                            " was skipped"));
  }
  if (next_ == checkpoints_.size() || checkpoints_[next_].tree_size != size) {
    return absl::OkStatus();
  }
  const Hash current = root();
  for (; next_ < checkpoints_.size() && checkpoints_[next_].tree_size == size;
       ++next_) {
    if (absl::Status s = CheckOne(checkpoints_[next_], current); !s.ok())
      return s;
  }
  return absl::OkStatus();
}

absl::Status StoredTrailChecker::Finish(uint64_t size) const {
  if (next_ == checkpoints_.size()) return absl::OkStatus();
  const uint64_t cut = checkpoints_[next_].tree_size;
  if (cut <= size)
    return absl::InternalError(
        "stored trail check: a checkpoint was not checked");
  return Fail(
      absl::StrCat("events ", size + 1, "..", cut,
                   " were removed from the end: the signed checkpoint of size ",
                   cut, " does not match the events 1..", cut, " (only ", size,
                   " events remain)"));
}

}  // namespace ctg::audit
