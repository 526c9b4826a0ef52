#include "gateway/pg_migrate_command.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/hash.h"
#include "audit/merkle_frontier.h"
#include "audit/stored_trail.h"
#include "base/status_macros.h"
#include "gateway/offline_check.h"
#include "store/postgres/pg_audit.h"
#include "store/postgres/pg_copy.h"

namespace ctg::gateway {

using store::postgres::PgOptions;

PgOptions PgOptionsOf(const Config& config) {
  PgOptions o;
  o.url = config.postgres.url;
  o.migrate_url = config.postgres.migrate_url;
  o.pool_size = config.postgres.pool_size;
  o.statement_timeout =
      absl::Milliseconds(config.postgres.statement_timeout_ms);
  o.connect_timeout = absl::Seconds(config.postgres.connect_timeout_seconds);
  o.group_wait = absl::Microseconds(config.postgres.group_wait_us);
  o.caf = absl::StrCat(config.trust_domain, "/", config.caf_id);
  return o;
}

absl::StatusOr<std::string> CheckPgAuditTrail(
    store::postgres::PgDatabase& db,
    absl::Span<const audit::NoteVerifier> keys) {
  using namespace store::postgres;
  audit::MerkleFrontier tree;
  uint64_t matched = 0;
  CTG_RETURN_IF_ERROR(db.Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(std::vector<PgCheckpoint> stored, AllPgCheckpoints(s));
    std::vector<audit::StoredCheckpointNote> notes;
    for (PgCheckpoint& c : stored)
      notes.push_back({c.tree_size, std::move(c.note)});
    audit::StoredTrailChecker checker(
        "postgresql", std::move(notes),
        {.keys = keys, .require_known_key = true});
    auto root = [&tree] { return tree.Root(); };
    CTG_RETURN_IF_ERROR(checker.CheckCheckpointsAt(0, root));
    CTG_RETURN_IF_ERROR(
        ScanPgTrail(s, [&](const store::AuditRow& row) -> absl::Status {
          const audit::StoredColumns columns{.time_us = row.time_us,
                                             .caller = row.caller,
                                             .organisation = row.organisation,
                                             .method = row.method,
                                             .target_kind = row.target_kind,
                                             .target_id = row.target_id,
                                             .code = row.code};
          CTG_ASSIGN_OR_RETURN(audit::Hash leaf,
                               checker.CheckEvent(row.seq, row.canonical,
                                                  row.leaf_hash, &columns));
          tree.Append(leaf);
          return checker.CheckCheckpointsAt(tree.size(), root);
        }));
    CTG_RETURN_IF_ERROR(checker.Finish(tree.size()));
    matched = checker.checkpoints_matched();
    return absl::OkStatus();
  }));
  return absl::StrCat(
      "audit trail in PostgreSQL intact: ", tree.size(), " events, ", matched,
      " signed checkpoints verified, root ", audit::HashToHex(tree.Root()));
}

absl::StatusOr<std::string> MigrateToPostgres(const Config& config,
                                              const std::string& sqlite_path) {
  if (config.postgres.url.empty()) {
    return absl::InvalidArgumentError(
        "migrate: the configuration has no [database] url to copy into");
  }
  CTG_ASSIGN_OR_RETURN(std::vector<audit::NoteVerifier> keys,
                       CheckpointKeys(config));
  CTG_RETURN_IF_ERROR(CheckAuditTrailWithKeys(keys, sqlite_path).status());
  CTG_ASSIGN_OR_RETURN(
      store::postgres::CopyReport report,
      store::postgres::CopySqliteToPg(sqlite_path, PgOptionsOf(config)));
  CTG_ASSIGN_OR_RETURN(auto db,
                       store::postgres::PgDatabase::Open(PgOptionsOf(config)));
  CTG_ASSIGN_OR_RETURN(std::string trail, CheckPgAuditTrail(*db, keys));
  int64_t rows = 0;
  for (const auto& t : report.tables) rows += t.rows;
  return absl::StrCat("copied ", sqlite_path,
                      " into PostgreSQL: ", report.tables.size(), " tables, ",
                      rows, " rows, each table compared; ", trail);
}

}  // namespace ctg::gateway
