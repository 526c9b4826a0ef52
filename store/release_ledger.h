// The release ledger (every extract delivered: which request, which digest,
// how many cells of each status) and, per commune, the memory of everything
// released to it (policy/sdc/release_memory.h, kept as its text form). A
// release writes both in the same write session as its audit event, so a
// failed release leaves neither.
//
// The ledger is append-only. The release memory is replaced whole, under
// optimistic concurrency: each stored text has a version, and a store names
// the version it replaces.
//
// Handed out by a session (store/session.h), valid only during it; const
// members only read. Not thread-safe: one thread at a time.
#ifndef CTG_STORE_RELEASE_LEDGER_H_
#define CTG_STORE_RELEASE_LEDGER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ctg::store {

struct LedgerRow {
  std::string request_id;
  int download = 0;  // 1, 2, ... per request
  std::string extract_id;
  std::string commune;
  std::string sha256;  // hex digest of the extract's canonical CSV
  std::string base_version;
  int64_t cells_published = 0;
  int64_t cells_masked = 0;
  int64_t cells_excluded = 0;
  int64_t time_us = 0;
  std::string recipient;  // SPIFFE ID of the downloader
};

// Releases of any version of `period` ("2023"), and to how many communes.
struct PeriodReleases {
  int64_t releases = 0;
  int64_t communes = 0;
};

// The commune's release memory text ("" when nothing was released yet) and
// its version (0 then; +1 at every store), for optimistic concurrency.
struct MemoryRow {
  std::string text;
  int64_t version = 0;
};

class ReleaseLedger {
 public:
  virtual ~ReleaseLedger() = default;

  // Errors: kAborted when (request_id, download) exists.
  virtual absl::Status Insert(const LedgerRow& row) = 0;
  // Downloads so far of a request.
  virtual absl::StatusOr<int> CountForRequest(
      const std::string& request_id) const = 0;
  virtual absl::StatusOr<PeriodReleases> CountForPeriod(
      const std::string& period) const = 0;
  // The releases of a request, by download number.
  virtual absl::StatusOr<std::vector<LedgerRow>> List(
      const std::string& request_id) const = 0;

  // The commune's release memory ({"", 0} when nothing was released yet).
  virtual absl::StatusOr<MemoryRow> GetMemory(
      const std::string& commune) const = 0;
  // Stores `text` as version expected_version + 1. Errors: kAborted when the
  // stored version is no longer `expected_version` (another release of the
  // same commune committed meanwhile: recompute and retry).
  virtual absl::Status PutMemory(const std::string& commune,
                                 const std::string& text,
                                 int64_t expected_version) = 0;
};

}  // namespace ctg::store

#endif  // CTG_STORE_RELEASE_LEDGER_H_
