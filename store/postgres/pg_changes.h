// Invalidation of replicas' caches through the database. What a replica
// caches (the statistical base, conventions, ...) has a topic with a
// version in ctg_versions. The write that changes it calls BumpPgVersion in
// its transaction, which also NOTIFYs channel "ctg_changes" with
// "<topic> <version>" (delivered at commit, only if it commits).
//
// Two ways to use it, together:
// - correctness: a decision that depends on a cache reads the topic's
//   version in its own transaction (ReadPgVersion) and reloads when the
//   cached one differs, so it never decides on stale data;
// - promptness: a PgChangeListener per replica drops cache entries as soon
//   as the notification arrives, so the version check rarely misses.
#ifndef CTG_STORE_POSTGRES_PG_CHANGES_H_
#define CTG_STORE_POSTGRES_PG_CHANGES_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_options.h"
#include "store/postgres/pg_session.h"

namespace ctg::store::postgres {

// The topic of the statistical base: bumped by every re-import of a period.
inline constexpr char kStatbaseTopic[] = "statbase";

// Increments `topic`'s version (creating it at 1) and notifies at commit.
// `tx` is a write transaction (a PgTransaction, or a store's session of
// one). Returns the new version. Errors: the session's.
absl::StatusOr<int64_t> BumpPgVersion(PgSession& tx, const std::string& topic);

// `topic`'s version as `session` sees it (0 when never bumped).
absl::StatusOr<int64_t> ReadPgVersion(PgSession& session,
                                      const std::string& topic);

// Listens to "ctg_changes" on a session of its own and calls `on_change`
// on its thread: (topic, version) for each committed bump, and ("", 0)
// after it (re)connected, when notifications may have been missed (the
// callee should then drop everything it caches). Reconnects with back-off.
//
// Thread-safe; `on_change` runs on the listener's thread, one call at a
// time, and must not block for long.
class PgChangeListener {
 public:
  using Callback =
      std::function<void(const std::string& topic, int64_t version)>;
  // Errors: those of PgConnection::Open for the first session.
  static absl::StatusOr<std::unique_ptr<PgChangeListener>> Start(
      const PgOptions& options, Callback on_change);
  ~PgChangeListener();
  PgChangeListener(const PgChangeListener&) = delete;
  PgChangeListener& operator=(const PgChangeListener&) = delete;

 private:
  PgChangeListener(const PgOptions& options, Callback on_change);
  void Loop(std::unique_ptr<PgConnection> first);

  PgConnector connector_;
  Callback on_change_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace ctg::store::postgres

#endif  // CTG_STORE_POSTGRES_PG_CHANGES_H_
