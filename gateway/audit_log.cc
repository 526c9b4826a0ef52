#include "gateway/audit_log.h"

#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "audit/canonical.h"
#include "base/status_macros.h"
#include "store/audit_table.h"

namespace ctg::gateway {
namespace {

absl::string_view HashBytes(const audit::Hash& h) {
  return absl::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

// The tree keeps blocks of 2^8 events as one node each, and the last 16
// blocks whole: 0.25 bytes per event instead of 64 (a million events: 0.3 MB
// instead of 64 MB). A proof inside an older block reads its 256 leaf hashes
// back (one indexed range read).
constexpr int kTreeBlockLevel = 8;
constexpr uint64_t kTreeRecentBlocks = 16;

audit::MerkleTree::LeafSource StoredLeaves(store::Database* db) {
  return [db](uint64_t first, uint64_t count) -> absl::StatusOr<std::vector<audit::Hash>> {
    std::vector<std::string> stored;
    CTG_RETURN_IF_ERROR(db->Read([&](store::Connection& conn) -> absl::Status {
      CTG_ASSIGN_OR_RETURN(stored, store::ReadLeafHashes(conn, first + 1, count));
      return absl::OkStatus();
    }));
    std::vector<audit::Hash> leaves(stored.size());
    for (size_t i = 0; i < stored.size(); ++i) {
      if (stored[i].size() != leaves[i].size()) {
        return absl::DataLossError(absl::StrCat("audit trail ", db->path(), ": event ",
                                                first + 1 + i, " has no valid leaf hash"));
      }
      std::memcpy(leaves[i].data(), stored[i].data(), leaves[i].size());
    }
    return leaves;
  };
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(
    store::Database* db, CheckpointSignFn sign, std::function<absl::Time()> clock) {
  std::unique_ptr<AuditLog> log(new AuditLog(db, std::move(sign), std::move(clock)));
  {
    MutexLock lock(&log->mu_);
    log->tree_ = audit::MerkleTree::Compact(kTreeBlockLevel, kTreeRecentBlocks, StoredLeaves(db));
  }
  CTG_RETURN_IF_ERROR(log->Rebuild());
  return log;
}

absl::Status AuditLog::Rebuild() {
  MutexLock lock(&mu_);
  audit::Sha256Hasher hasher;
  CTG_RETURN_IF_ERROR(db_->Read([&](store::Connection& conn) -> absl::Status {
    CTG_RETURN_IF_ERROR(store::ScanAllLeaves(
        conn, [&](uint64_t seq, const std::string& canonical,
                  const std::string& stored) -> absl::Status {
          audit::Hash leaf = hasher.Leaf(canonical);
          if (seq != tree_.size() + 1 || stored != HashBytes(leaf)) {
            return absl::DataLossError(absl::StrCat(
                "audit trail ", db_->path(), ": event ", tree_.size() + 1,
                seq != tree_.size() + 1 ? " is missing" : " was altered",
                " (run `ctg audit verify` on an export for details)"));
          }
          tree_.Append(leaf);
          return absl::OkStatus();
        }));
    CTG_ASSIGN_OR_RETURN(auto latest, store::LatestCheckpoint(conn));
    if (latest && latest->tree_size > tree_.size()) {
      return absl::DataLossError(absl::StrCat(
          "audit trail ", db_->path(), ": a checkpoint of size ",
          latest->tree_size, " was signed but only ", tree_.size(),
          " events remain"));
    }
    if (latest) last_checkpoint_size_ = latest->tree_size;
    return absl::OkStatus();
  }));
  assigned_ = tree_.size();
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> AuditLog::Append(store::Transaction& tx, AuditEntry entry) {
  uint64_t seq;
  {
    MutexLock lock(&mu_);
    seq = ++assigned_;
  }
  tx.OnRollback([this] {
    MutexLock lock(&mu_);
    --assigned_;
  });
  audit::Event& event = entry.event;
  event.sequence = seq;
  event.time_micros = absl::ToUnixMicros(clock_());
  CTG_RETURN_IF_ERROR(audit::SortFacts(&event.facts));
  if (absl::Status valid = audit::ValidateEvent(event); !valid.ok()) {
    return absl::InternalError(absl::StrCat("audit event not encodable: ", valid.message()));
  }
  encode_buffer_.clear();
  audit::AppendCanonical(event, &encode_buffer_);
  audit::Hash leaf = audit::LeafHash(encode_buffer_);
  store::AuditRow row{
      .seq = seq,
      .time_us = event.time_micros,
      .caller = event.caller,
      .organisation = std::move(entry.organisation),
      .method = event.method,
      .target_kind = event.target_kind,
      .target_id = event.target_id,
      .request_id = std::move(entry.request_id),
      .extract_sha256 = std::move(entry.extract_sha256),
      .code = event.code,
      .canonical = encode_buffer_,
      .leaf_hash = std::string(HashBytes(leaf)),
  };
  CTG_RETURN_IF_ERROR(store::InsertAuditRow(tx.conn(), row));
  tx.OnCommit([this, leaf] {
    MutexLock lock(&mu_);
    tree_.Append(leaf);
  });
  return seq;
}

uint64_t AuditLog::size() const {
  MutexLock lock(&mu_);
  return tree_.size();
}

absl::StatusOr<AuditLog::SignedCheckpoint> AuditLog::Checkpoint() {
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
  if (checkpoint.size > last_checkpoint_size_) last_checkpoint_size_ = checkpoint.size;
  if (!latest_signed_ || checkpoint.size >= latest_signed_->size) latest_signed_ = checkpoint;
  return checkpoint;
}

absl::Status AuditLog::SignAndStore(SignedCheckpoint& checkpoint) {
  CTG_ASSIGN_OR_RETURN(checkpoint.note, sign_(checkpoint.size, checkpoint.root));
  int64_t now = absl::ToUnixMicros(clock_());
  return db_->Write([&](store::Transaction& tx) {
    return store::InsertCheckpoint(tx.conn(), checkpoint.size, now, checkpoint.note);
  });
}

absl::StatusOr<AuditLog::SignedCheckpoint> AuditLog::CheckpointCovering(uint64_t sequence) {
  {
    MutexLock lock(&mu_);
    // A checkpoint being signed may cover the event: wait for it.
    mu_.Await([this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return !signing_; });
    if (latest_signed_ && latest_signed_->size >= sequence) return *latest_signed_;
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
  MutexLock lock(&mu_);
  return tree_.RootAt(size);
}

absl::StatusOr<std::vector<audit::Hash>> AuditLog::InclusionProof(uint64_t index,
                                                                  uint64_t size) const {
  MutexLock lock(&mu_);
  return tree_.InclusionProof(index, size);
}

absl::StatusOr<std::vector<audit::Hash>> AuditLog::ConsistencyProof(uint64_t size1,
                                                                    uint64_t size2) const {
  MutexLock lock(&mu_);
  return tree_.ConsistencyProof(size1, size2);
}

}  // namespace ctg::gateway
