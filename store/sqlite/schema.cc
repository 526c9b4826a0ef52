#include "store/sqlite/schema.h"

#include "store/sqlite/caf_requests_table.h"
#include "store/sqlite/releases_table.h"
#include "store/sqlite/requests_table.h"
#include "store/sqlite/transfer_agreements_table.h"

namespace ctg::store::sqlite {
namespace {

// R9: the audit trail. Rows are append-only: triggers refuse UPDATE and
// DELETE, so only a connection that drops the triggers can tamper, and the
// Merkle tree and signed checkpoints reveal it.
constexpr char kAuditTrail[] = R"sql(
CREATE TABLE audit_events (
  seq            INTEGER PRIMARY KEY,  -- 1-based; leaf seq-1 of the tree
  time_us        INTEGER NOT NULL,
  caller         TEXT NOT NULL,
  organisation   TEXT NOT NULL,        -- "commune/33069", "caf/33" or ""
  method         TEXT NOT NULL,
  target_kind    TEXT NOT NULL,
  target_id      TEXT NOT NULL,
  request_id     TEXT NOT NULL,        -- request concerned, for filters
  extract_sha256 TEXT NOT NULL,        -- digest released, for proofs
  code           INTEGER NOT NULL,
  canonical      BLOB NOT NULL,        -- docs/audit-log-format.md
  leaf_hash      BLOB NOT NULL         -- SHA-256(0x00 || canonical)
);
CREATE INDEX audit_events_time ON audit_events(time_us);
CREATE INDEX audit_events_caller ON audit_events(caller);
CREATE INDEX audit_events_organisation ON audit_events(organisation);
CREATE INDEX audit_events_request ON audit_events(request_id);
CREATE INDEX audit_events_extract ON audit_events(extract_sha256)
  WHERE extract_sha256 != '';
CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

CREATE TABLE audit_checkpoints (
  tree_size INTEGER PRIMARY KEY,
  time_us   INTEGER NOT NULL,
  note      TEXT NOT NULL                -- C2SP signed note
);
CREATE TRIGGER audit_checkpoints_append_only_update BEFORE UPDATE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER audit_checkpoints_append_only_delete BEFORE DELETE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
)sql";

// Conventions (R10-R12) and the statistical base.
constexpr char kConventionsAndStatistics[] = R"sql(
CREATE TABLE conventions (
  id                         TEXT PRIMARY KEY,
  commune                    TEXT NOT NULL,
  commune_name               TEXT NOT NULL,
  perimeter                  TEXT NOT NULL,   -- territory codes, space-separated
  valid_from                 TEXT NOT NULL,   -- YYYY-MM-DD
  valid_until                TEXT NOT NULL,
  caf_name                   TEXT NOT NULL,
  suspended                  INTEGER NOT NULL DEFAULT 0,
  suspension_reason          TEXT NOT NULL DEFAULT '',
  termination_notice_date    TEXT NOT NULL DEFAULT '',
  termination_effective_date TEXT NOT NULL DEFAULT '',
  create_time_us             INTEGER NOT NULL
);
CREATE INDEX conventions_commune ON conventions(commune);
CREATE TABLE convention_prior_agreements (
  convention_id TEXT NOT NULL REFERENCES conventions(id),
  position      INTEGER NOT NULL,
  title         TEXT NOT NULL,
  date          TEXT NOT NULL,
  description   TEXT NOT NULL,
  PRIMARY KEY (convention_id, position)
);
CREATE TABLE convention_history (
  convention_id TEXT NOT NULL REFERENCES conventions(id),
  action        TEXT NOT NULL,
  actor         TEXT NOT NULL,
  time_us       INTEGER NOT NULL,
  reason        TEXT NOT NULL
);
CREATE INDEX convention_history_id ON convention_history(convention_id);
CREATE TRIGGER convention_history_append_only_update BEFORE UPDATE ON convention_history
  BEGIN SELECT RAISE(ABORT, 'convention history is append-only'); END;
CREATE TRIGGER convention_history_append_only_delete BEFORE DELETE ON convention_history
  BEGIN SELECT RAISE(ABORT, 'convention history is append-only'); END;

CREATE TABLE stat_periods (
  period         TEXT PRIMARY KEY,
  base_version   TEXT NOT NULL,
  digest         TEXT NOT NULL,
  rows           INTEGER NOT NULL,
  import_time_us INTEGER NOT NULL,
  imported_by    TEXT NOT NULL
);
CREATE TABLE stat_territories (
  period  TEXT NOT NULL,
  code    TEXT NOT NULL,
  name    TEXT NOT NULL,
  level   INTEGER NOT NULL,
  commune TEXT NOT NULL,
  PRIMARY KEY (period, code)
) WITHOUT ROWID;
CREATE INDEX stat_territories_commune ON stat_territories(period, commune);
CREATE TABLE stat_slices (
  period  TEXT NOT NULL,
  commune TEXT NOT NULL,
  part    INTEGER NOT NULL,
  csv     BLOB NOT NULL,
  PRIMARY KEY (period, commune, part)
);
)sql";

// Migration 7 lets PostgreSQL store the empty trail's checkpoint, as SQLite
// always did: nothing changes here, the number keeps both schemas in step.
constexpr char kEmptyTrailCheckpointSchema[] =
    "-- the empty trail's checkpoint: already stored by SQLite\n";

// Migration 8 checks PostgreSQL's audit numbering once per statement: the
// SQLite trail is written by one process, nothing changes here.
constexpr char kDenseByStatementSchema[] =
    "-- audit numbering checked per statement: PostgreSQL only\n";

constexpr Migration kMigrations[] = {
    {1, kAuditTrail},
    {2, kConventionsAndStatistics},
    {3, kRequestsSchema},
    {4, kReleasesSchema},
    {5, kCafRequestsSchema},
    {6, kTransferAgreementsSchema},
    {7, kEmptyTrailCheckpointSchema},
    {8, kDenseByStatementSchema},
};

}  // namespace

absl::Span<const Migration> GatewayMigrations() { return kMigrations; }

int GatewaySchemaVersion() { return GatewayMigrations().back().version; }

}  // namespace ctg::store::sqlite
