// A storage backend: where the gateway's state lives (requests,
// conventions, releases, the statistical base, the audit trail), reached
// only through sessions (store/session.h). The gateway picks one at start-up
// (gateway/store_backend.h); services and the audit log see only this
// interface.
//
// What every backend guarantees (docs/architecture.md, "Adding a backend"):
//   - Write() is atomic and durable: when it returns OK, everything its
//     function wrote survives a crash; when it fails, nothing of it is kept,
//     except after an error IsOutcomeUnknown (store/write_outcome.h): a
//     database server whose answer to the COMMIT never came, so the write
//     may have committed whole, or not at all.
//   - Writes are serialised: the functions given to Write() run one at a
//     time, each seeing every write committed before it. The audit trail's
//     dense sequence numbers rely on this (gateway/audit_log.h). A backend
//     may commit several of them together (group commit) as long as each
//     one's outcome is its own.
//   - Read() sees one consistent snapshot of committed data, and never
//     blocks writes for long.
//   - The rules each store states (append-only histories, dense audit
//     rows, chained transitions) hold whatever the caller does; a refusal is
//     kAborted.
//
// Thread-safe: Read() and Write() may be called from any number of threads.
#ifndef CTG_STORE_BACKEND_H_
#define CTG_STORE_BACKEND_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/session.h"

namespace ctg::store {

class Backend {
 public:
  virtual ~Backend() = default;

  // Runs `work` in a write session (one transaction) and returns its status
  // once the outcome is durable. Errors: whatever `work` returns (its
  // changes rolled back); the commit's error (kInternal,
  // kResourceExhausted for a full disk); kInternal when the session was
  // abandoned (WriteSession::Savepoint); kFailedPrecondition for a backend
  // opened read-only; kUnavailable after Close(); for a database server,
  // kUnavailable marked IsOutcomeUnknown when the answer to the COMMIT was
  // lost (it may have committed).
  virtual absl::Status Write(
      absl::FunctionRef<absl::Status(WriteSession&)> work) = 0;

  // Runs `work` in a read session: all its reads see the same snapshot.
  // Errors: whatever `work` returns, or the backend's error opening or
  // ending the snapshot.
  virtual absl::Status Read(
      absl::FunctionRef<absl::Status(ReadSession&)> work) = 0;

  // Stops accepting writes once those queued are done; later writes fail
  // with kUnavailable. Idempotent.
  virtual void Close() = 0;

  // The number of the schema the stored data is in (the last migration
  // applied). Errors: the backend's, naming it.
  virtual absl::StatusOr<int> SchemaVersion() = 0;

  // Copies one consistent snapshot of the committed data to `dest`, without
  // stopping writers, as a self-contained copy that the same kind of backend
  // can open (for SQLite: a database file; `dest` must exist and be empty).
  // The copy is durable when this returns. Errors: kUnavailable when the
  // data cannot be read; kInternal naming `dest` when the copy cannot be
  // written or fails its own check (kResourceExhausted for a full disk).
  virtual absl::Status CopyTo(const std::string& dest) = 0;

  // What to call this store in messages (a file path, a database name:
  // never a secret).
  virtual const std::string& name() const = 0;

  // One round trip to the database (an empty read session), for the
  // gateway's health: OK while it answers. Errors: those of Read().
  virtual absl::Status Probe() {
    return Read([](ReadSession&) { return absl::OkStatus(); });
  }

  // True when `status`, an error of Write(), Read() or Probe(), says the
  // database could not be reached: a database server down, restarting or
  // unreachable, or a session it ended. Such an outage ends by itself and
  // the backend works again afterwards (its sessions are reopened), with
  // the stored data as it was: whatever failed was rolled back, or
  // committed whole. False for any other error, and always for a backend
  // in a local file (which has no such outage).
  virtual bool IsUnreachable(const absl::Status& status) const {
    (void)status;
    return false;
  }
};

}  // namespace ctg::store

#endif  // CTG_STORE_BACKEND_H_
