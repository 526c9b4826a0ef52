#include "store/schema.h"

namespace ctg::store {
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

constexpr Migration kMigrations[] = {
    {1, kAuditTrail},
};

}  // namespace

absl::Span<const Migration> GatewayMigrations() { return kMigrations; }

}  // namespace ctg::store
