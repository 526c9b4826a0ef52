// An in-memory store::Backend for unit tests: the five domain stores over
// plain containers, with the units of work of store/session.h (a failed
// write, or a failed savepoint, leaves the data as it was; commit and
// rollback hooks run as the interface says). No SQL, no file: services and
// the audit log run against it as they do against SQLite.
//
// It keeps the rules the interfaces state that tests are likely to meet
// (unique ids, chained transitions, one approval per request, dense audit
// rows, optimistic release memory), not every one (no check of codes, of
// the declaration's immutability: nothing can change it through the
// interface anyway). Statistics: "the latest period" is the greatest
// period code; QPV pieces are not modelled.
//
// Thread-safe: write sessions run one at a time, each on a copy of the data
// that replaces it when the session succeeds; a read session reads a copy.
#ifndef CTG_TESTS_TESTING_FAKE_STORE_H_
#define CTG_TESTS_TESTING_FAKE_STORE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/mutex.h"
#include "store/backend.h"

namespace ctg::testing {

// Everything the fake stores; copied whole to give transactions and
// savepoints their all-or-nothing behaviour.
struct FakeData {
  std::map<std::string, store::StoredRequest> requests;  // by id
  std::map<std::string, store::ConventionRow> conventions;
  std::map<std::string, std::vector<store::ConventionEventRow>>
      convention_events;
  std::vector<store::LedgerRow> releases;
  std::map<std::string, store::MemoryRow> memories;  // by commune
  std::map<std::string, store::PeriodRow> periods;
  // period -> code -> territory
  std::map<std::string, std::map<std::string, store::TerritoryRow>> territories;
  // (period, commune) -> slice
  std::map<std::pair<std::string, std::string>, std::string> slices;
  std::vector<store::AuditRow> audit;  // audit[i].seq == i + 1
  std::map<uint64_t, store::StoredCheckpoint> checkpoints;
};

class FakeBackend final : public store::Backend {
 public:
  FakeBackend() = default;
  FakeBackend(const FakeBackend&) = delete;
  FakeBackend& operator=(const FakeBackend&) = delete;

  absl::Status Write(absl::FunctionRef<absl::Status(store::WriteSession&)> work)
      override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Read(absl::FunctionRef<absl::Status(store::ReadSession&)> work)
      override ABSL_LOCKS_EXCLUDED(mu_);
  void Close() override ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<int> SchemaVersion() override { return 1; }
  absl::Status CopyTo(const std::string& dest) override;
  const std::string& name() const override { return name_; }

  // A copy of what is committed, for assertions.
  FakeData Snapshot() const ABSL_LOCKS_EXCLUDED(mu_);
  // Number of Write() calls that committed.
  int commits() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::string name_ = "fake store";
  // Lock order: write_mu_ before mu_.
  Mutex write_mu_;  // held by the write session running
  mutable Mutex mu_;
  FakeData data_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  int commits_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ctg::testing

#endif  // CTG_TESTS_TESTING_FAKE_STORE_H_
