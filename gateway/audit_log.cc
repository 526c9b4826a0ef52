#include "gateway/audit_log.h"

#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/signed_note.h"
#include "audit/stored_trail.h"
#include "base/status_macros.h"
#include "gateway/trail_check.h"
#include "store/audit_trail_store.h"

namespace ctg::gateway {
namespace {

// The tree keeps blocks of 2^8 events as one node each, and the last 16
// blocks whole: 0.25 bytes per event, against 64 for the full tree (a million
// events: 0.3 MB, against 64 MB). A proof inside an older block reads its 256
// leaf hashes back (one indexed range read, outside the lock: WithOldBlocks).
constexpr int kTreeBlockLevel = 8;
constexpr uint64_t kTreeBlockLeaves = uint64_t{1} << kTreeBlockLevel;
constexpr uint64_t kTreeRecentBlocks = 16;
// Old blocks one call may read: a proof needs at most three; the tree may
// grow between attempts and turn a recent block old.
constexpr int kMaxBlockReads = 8;

// Leaf hashes [first, first + count) (0-based) as stored.
absl::StatusOr<std::vector<audit::Hash>> ReadLeaves(store::Backend* db,
                                                    uint64_t first,
                                                    uint64_t count) {
  std::vector<std::string> stored;
  CTG_RETURN_IF_ERROR(
      db->Read([&](store::ReadSession& session) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(stored,
                             session.audit().LeafHashes(first + 1, count));
        return absl::OkStatus();
      }));
  std::vector<audit::Hash> leaves(stored.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    if (stored[i].size() != leaves[i].size()) {
      return absl::DataLossError(absl::StrCat("audit trail ", db->name(),
                                              ": event ", first + 1 + i,
                                              " has no valid leaf hash"));
    }
    std::memcpy(leaves[i].data(), stored[i].data(), leaves[i].size());
  }
  return leaves;
}

// The root a stored checkpoint note commits to (its signature unchecked:
// it was checked at start-up).
absl::StatusOr<audit::Checkpoint> StoredCheckpointBody(
    const std::string& note) {
  CTG_ASSIGN_OR_RETURN(audit::ParsedNote parsed, audit::ParseNote(note));
  return audit::ParseCheckpointBody(parsed.text);
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(
    store::Backend* db, AuditLogOptions options) {
  std::unique_ptr<AuditLog> log(new AuditLog(db, std::move(options)));
  {
    MutexLock lock(&log->mu_);
    log->last_checkpoint_time_ = log->options_.clock();
    AuditLog* raw = log.get();
    log->tree_ = audit::MerkleTree::Compact(
        kTreeBlockLevel, kTreeRecentBlocks,
        [raw](uint64_t first, uint64_t) { return raw->ServeBlock(first); });
  }
  CTG_RETURN_IF_ERROR(log->Rebuild());
  return log;
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(
    store::Backend* db, CheckpointSignFn sign,
    std::function<absl::Time()> clock) {
  return Open(
      db, AuditLogOptions{.sign = std::move(sign), .clock = std::move(clock)});
}

absl::Status AuditLog::Rebuild() {
  MutexLock lock(&mu_);
  auto root = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return tree_.Root(); };
  CTG_RETURN_IF_ERROR(
      db_->Read([&](store::ReadSession& session) -> absl::Status {
        auto append =
            [this](const audit::Hash& leaf)
                ABSL_NO_THREAD_SAFETY_ANALYSIS { tree_.Append(leaf); };
        CTG_ASSIGN_OR_RETURN(TrailCheckResult checked,
                             CheckStoredTrail(session, db_->name(),
                                              {.keys = options_.keys,
                                               .require_known_key = false},
                                              append, root));
        last_checkpoint_size_ = checked.last_checkpoint_size;
        return absl::OkStatus();
      }));
  assigned_ = tree_.size();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<audit::Hash>> AuditLog::ServeBlock(uint64_t first) {
  if (prefetched_ != nullptr) {
    auto it = prefetched_->find(first);
    if (it != prefetched_->end()) return it->second;
  }
  wanted_ = first;
  return absl::UnavailableError("old block not read yet");
}

template <typename T>
absl::StatusOr<T> AuditLog::WithOldBlocks(
    absl::FunctionRef<absl::StatusOr<T>()> compute) const {
  Blocks blocks;
  for (int read = 0; read <= kMaxBlockReads; ++read) {
    uint64_t first;
    {
      MutexLock lock(&mu_);
      prefetched_ = &blocks;
      wanted_.reset();
      absl::StatusOr<T> result = compute();
      prefetched_ = nullptr;
      if (!wanted_.has_value()) return result;
      first = *wanted_;
      wanted_.reset();
    }
    if (block_read_hook_) block_read_hook_();
    CTG_ASSIGN_OR_RETURN(blocks[first],
                         ReadLeaves(db_, first, kTreeBlockLeaves));
  }
  return absl::InternalError(absl::StrCat(
      "audit log: a proof needed more than ", kMaxBlockReads, " old blocks"));
}

absl::StatusOr<uint64_t> AuditLog::Append(store::WriteSession& tx,
                                          AuditEntry entry) {
  audit::Event& event = entry.event;
  if (!entry.claimed_caller.empty()) {
    // A claim is recorded apart from the verified caller, never as it.
    if (!event.caller.empty() || !entry.organisation.empty()) {
      return absl::InternalError(
          "audit entry: a claimed caller next to a verified one");
    }
    event.facts.push_back({audit::kClaimedCallerFact, entry.claimed_caller});
  }
  // Another gateway on the same store may have appended since this one's
  // last event: its leaves come first (the store serialises writers, so none
  // can be added while this session lasts).
  CTG_RETURN_IF_ERROR(Follow(tx));
  uint64_t seq;
  {
    MutexLock lock(&mu_);
    seq = ++assigned_;
  }
  tx.OnRollback([this] {
    MutexLock lock(&mu_);
    --assigned_;
  });
  event.sequence = seq;
  event.time_micros = absl::ToUnixMicros(options_.clock());
  CTG_RETURN_IF_ERROR(audit::SortFacts(&event.facts));
  if (absl::Status valid = audit::ValidateEvent(event); !valid.ok()) {
    return absl::InternalError(
        absl::StrCat("audit event not encodable: ", valid.message()));
  }
  encode_buffer_.clear();
  audit::AppendCanonical(event, &encode_buffer_);
  audit::Hash leaf = audit::LeafHash(encode_buffer_);
  store::AuditRow row{
      .seq = seq,
      .time_us = event.time_micros,
      .caller =
          event.caller.empty() ? std::move(entry.claimed_caller) : event.caller,
      .organisation = std::move(entry.organisation),
      .method = event.method,
      .target_kind = event.target_kind,
      .target_id = event.target_id,
      .request_id = std::move(entry.request_id),
      .extract_sha256 = std::move(entry.extract_sha256),
      .code = event.code,
      .canonical = encode_buffer_,
      .leaf_hash = std::string(audit::AsBytes(leaf)),
  };
  CTG_RETURN_IF_ERROR(tx.audit().Append(row));
  tx.OnCommit([this, leaf, seq] {
    MutexLock lock(&mu_);
    // Unless a reader already followed the store past it.
    if (tree_.size() + 1 == seq) tree_.Append(leaf);
  });
  return seq;
}

absl::Status AuditLog::Follow(store::ReadSession& session) {
  while (true) {
    uint64_t from;
    {
      MutexLock lock(&mu_);
      // This process's own events in flight: it holds the store's writes,
      // so nobody else appended meanwhile.
      if (assigned_ > tree_.size()) return absl::OkStatus();
      from = tree_.size() + 1;
    }
    CTG_ASSIGN_OR_RETURN(std::vector<std::string> stored,
                         session.audit().LeafHashes(from, kTreeBlockLeaves));
    MutexLock lock(&mu_);
    for (size_t i = 0; i < stored.size(); ++i) {
      if (stored[i].size() != audit::kHashSize) {
        return absl::DataLossError(absl::StrCat("audit trail ", db_->name(),
                                                ": event ", from + i,
                                                " has no valid leaf hash"));
      }
      if (from + i != tree_.size() + 1) continue;  // appended meanwhile
      audit::Hash leaf;
      std::memcpy(leaf.data(), stored[i].data(), leaf.size());
      tree_.Append(leaf);
    }
    if (assigned_ < tree_.size()) assigned_ = tree_.size();
    if (stored.size() < kTreeBlockLeaves) return absl::OkStatus();
  }
}

absl::Status AuditLog::FollowOthers() {
  return db_->Read(
      [this](store::ReadSession& session) { return Follow(session); });
}

uint64_t AuditLog::size() const {
  MutexLock lock(&mu_);
  return tree_.size();
}

AuditLog::CheckpointState AuditLog::LastCheckpoint() const {
  MutexLock lock(&mu_);
  return {.size = last_checkpoint_size_, .time = last_checkpoint_time_};
}

absl::StatusOr<AuditLog::SignedCheckpoint> AuditLog::Checkpoint() {
  // Sign the trail as the store holds it, others' events included.
  CTG_RETURN_IF_ERROR(FollowOthers());
  SignedCheckpoint checkpoint;
  {
    MutexLock lock(&mu_);
    mu_.Await([this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return !signing_; });
    signing_ = true;
    checkpoint.size = tree_.size();
    checkpoint.root = tree_.Root();
  }
  absl::Status signed_and_stored = SignAndStore(checkpoint);
  MutexLock lock(&mu_);
  signing_ = false;
  mu_.NotifyAll();
  CTG_RETURN_IF_ERROR(signed_and_stored);
  if (checkpoint.size > last_checkpoint_size_)
    last_checkpoint_size_ = checkpoint.size;
  last_checkpoint_time_ = options_.clock();
  if (!latest_signed_ || checkpoint.size >= latest_signed_->size)
    latest_signed_ = checkpoint;
  return checkpoint;
}

absl::Status AuditLog::SignAndStore(SignedCheckpoint& checkpoint) {
  // One size, one root: a second root for a size already signed would be
  // two contradicting signed views of the trail (equivocation).
  std::optional<store::StoredCheckpoint> stored;
  CTG_RETURN_IF_ERROR(
      db_->Read([&](store::ReadSession& session) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(stored,
                             session.audit().CheckpointOfSize(checkpoint.size));
        return absl::OkStatus();
      }));
  if (stored.has_value()) {
    absl::StatusOr<audit::Checkpoint> body = StoredCheckpointBody(stored->note);
    if (!body.ok() || body->size != checkpoint.size ||
        body->root != checkpoint.root) {
      return absl::DataLossError(absl::StrCat(
          "audit trail ", db_->name(),
          ": refusing to sign a checkpoint of size ", checkpoint.size,
          " with root ", audit::HashToHex(checkpoint.root),
          ": the stored checkpoint of that size ",
          body.ok()
              ? absl::StrCat("has root ", audit::HashToHex(body->root))
              : absl::StrCat("does not parse (", body.status().message(), ")"),
          " (the trail was altered while the gateway ran)"));
    }
  }
  CTG_ASSIGN_OR_RETURN(checkpoint.note,
                       options_.sign(checkpoint.size, checkpoint.root));
  int64_t now = absl::ToUnixMicros(options_.clock());
  return db_->Write([&](store::WriteSession& tx) {
    return tx.audit().InsertCheckpoint(checkpoint.size, now, checkpoint.note);
  });
}

absl::StatusOr<AuditLog::SignedCheckpoint> AuditLog::CheckpointCovering(
    uint64_t sequence) {
  {
    MutexLock lock(&mu_);
    // A checkpoint being signed may cover the event: wait for it.
    mu_.Await([this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return !signing_; });
    if (latest_signed_ && latest_signed_->size >= sequence)
      return *latest_signed_;
  }
  return Checkpoint();
}

absl::Status AuditLog::PeriodicCheckpoint() {
  {
    MutexLock lock(&mu_);
    if (tree_.size() == last_checkpoint_size_) return absl::OkStatus();
  }
  return Checkpoint().status();
}

absl::StatusOr<audit::Hash> AuditLog::RootAt(uint64_t size) const {
  return WithOldBlocks<audit::Hash>(
      [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return tree_.RootAt(size); });
}

absl::StatusOr<std::vector<audit::Hash>> AuditLog::InclusionProof(
    uint64_t index, uint64_t size) const {
  return WithOldBlocks<std::vector<audit::Hash>>(
      [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return tree_.InclusionProof(index, size);
      });
}

absl::StatusOr<std::vector<audit::Hash>> AuditLog::ConsistencyProof(
    uint64_t size1, uint64_t size2) const {
  return WithOldBlocks<std::vector<audit::Hash>>(
      [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return tree_.ConsistencyProof(size1, size2);
      });
}

}  // namespace ctg::gateway
