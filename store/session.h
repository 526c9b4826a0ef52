// Units of work over the store: a ReadSession sees one snapshot of the
// committed data; a WriteSession is one transaction. Both hand out the
// domain stores (store/request_store.h, convention_store.h,
// release_ledger.h, statistics_store.h, audit_trail_store.h); a
// WriteSession is also a ReadSession, whose reads see its own writes.
//
// Sessions are created by a Backend (store/backend.h) for the duration of
// one Read() or Write() call, and so are the stores they hand out: neither
// may be kept past that call. Not thread-safe: a session and its stores are
// used by the one thread running the call.
#ifndef CTG_STORE_SESSION_H_
#define CTG_STORE_SESSION_H_

#include <functional>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "store/audit_trail_store.h"
#include "store/caf_request_store.h"
#include "store/convention_store.h"
#include "store/release_ledger.h"
#include "store/request_store.h"
#include "store/statistics_store.h"
#include "store/transfer_agreement_store.h"

namespace ctg::store {

// Every read of a ReadSession sees the same snapshot of committed data,
// whatever is committed meanwhile. The stores it hands out are const: they
// only read.
class ReadSession {
 public:
  virtual ~ReadSession() = default;

  virtual const RequestStore& requests() = 0;
  virtual const ConventionStore& conventions() = 0;
  virtual const ReleaseLedger& releases() = 0;
  virtual const StatisticsStore& statistics() = 0;
  virtual const AuditTrailStore& audit() = 0;
  // Article 7's other exchanges: the Caf's requests to communes (R1) and
  // onward-transfer agreements (R3).
  virtual const CafRequestStore& caf_requests() = 0;
  virtual const TransferAgreementStore& agreements() = 0;
};

// One transaction: everything written through it is committed together,
// once the Write() call's function returned OK, or not at all.
class WriteSession : public ReadSession {
 public:
  RequestStore& requests() override = 0;
  ConventionStore& conventions() override = 0;
  ReleaseLedger& releases() override = 0;
  StatisticsStore& statistics() override = 0;
  AuditTrailStore& audit() override = 0;
  CafRequestStore& caf_requests() override = 0;
  TransferAgreementStore& agreements() override = 0;

  // `hook` runs after the session's changes are durably committed, in
  // registration order (across the sessions committed together, in their
  // order), on the backend's thread: keep it short and never call the
  // backend from it.
  virtual void OnCommit(std::function<void()> hook) = 0;
  // `hook` runs if the session's changes are rolled back (its own failure
  // or a failed commit), in reverse registration order.
  virtual void OnRollback(std::function<void()> hook) = 0;

  // Runs `work` in a nested unit: on error only its changes are undone and
  // the error returned; the session goes on. If they cannot be undone, the
  // whole session is abandoned: Backend::Write then fails and commits
  // nothing of it.
  virtual absl::Status Savepoint(absl::FunctionRef<absl::Status()> work) = 0;
};

}  // namespace ctg::store

#endif  // CTG_STORE_SESSION_H_
