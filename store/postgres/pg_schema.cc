#include "store/postgres/pg_schema.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace ctg::store::postgres {
namespace {

// R9: the audit trail, append-only, dense, one root per checkpoint size.
constexpr char kAuditTrail[] = R"sql(
CREATE FUNCTION ctg_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0];
END $$;

CREATE TABLE ctg_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);
CREATE TRIGGER ctg_meta_append_only BEFORE UPDATE OR DELETE ON ctg_meta
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('database facts are append-only');

-- Versions of what replicas cache (the statistical base, conventions...):
-- bumped in the transaction that changes it, with a NOTIFY on ctg_changes.
CREATE TABLE ctg_versions (
  topic   text PRIMARY KEY,
  version bigint NOT NULL
);

CREATE TABLE audit_sequencer (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  next_seq  bigint NOT NULL CHECK (next_seq >= 1)
);
INSERT INTO audit_sequencer VALUES (true, 1);

-- Locks the sequencer row until the end of the transaction and returns the
-- next sequence number. SECURITY DEFINER: the gateway's role may lock it
-- this way without holding UPDATE on the table.
CREATE FUNCTION ctg_lock_sequencer() RETURNS bigint LANGUAGE sql
  SECURITY DEFINER SET search_path = public AS $$
  SELECT next_seq FROM audit_sequencer FOR UPDATE
$$;

CREATE TABLE audit_events (
  seq            bigint PRIMARY KEY,    -- 1-based; leaf seq-1 of the tree
  time_us        bigint NOT NULL,
  caller         text NOT NULL,
  organisation   text NOT NULL,         -- "commune/33069", "caf/33" or ""
  method         text NOT NULL,
  target_kind    text NOT NULL,
  target_id      text NOT NULL,
  request_id     text NOT NULL,
  extract_sha256 text NOT NULL,
  code           integer NOT NULL,
  canonical      bytea NOT NULL,        -- docs/audit-log-format.md
  leaf_hash      bytea NOT NULL CHECK (length(leaf_hash) = 32)
);
CREATE INDEX audit_events_time ON audit_events(time_us);
CREATE INDEX audit_events_caller ON audit_events(caller);
CREATE INDEX audit_events_organisation ON audit_events(organisation);
CREATE INDEX audit_events_request ON audit_events(request_id);
CREATE INDEX audit_events_extract ON audit_events(extract_sha256)
  WHERE extract_sha256 <> '';

-- Every event takes exactly the next number: the sequencer row's update
-- locks it until commit, so events of concurrent transactions commit in
-- sequence order and a rolled-back number is used again (no gaps).
CREATE FUNCTION ctg_audit_events_dense() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public AS $$
DECLARE
  expected bigint;
BEGIN
  UPDATE audit_sequencer SET next_seq = next_seq + 1 RETURNING next_seq - 1 INTO expected;
  IF NEW.seq IS DISTINCT FROM expected THEN
    RAISE EXCEPTION 'audit events are numbered without gaps: % is not the next sequence %',
      NEW.seq, expected;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_events_dense BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION ctg_audit_events_dense();
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('audit events are append-only');
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION ctg_refuse_change('audit events are append-only');

CREATE TABLE audit_checkpoints (
  tree_size bigint PRIMARY KEY,          -- one size, one root, ever
  root      bytea NOT NULL CHECK (length(root) = 32),
  time_us   bigint NOT NULL,
  note      text NOT NULL                -- C2SP signed note
);
CREATE FUNCTION ctg_checkpoint_within_trail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.tree_size < 1 OR NEW.tree_size >= (SELECT next_seq FROM audit_sequencer) THEN
    RAISE EXCEPTION 'a checkpoint of size % covers events not in the trail', NEW.tree_size;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_checkpoints_within_trail BEFORE INSERT ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION ctg_checkpoint_within_trail();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('audit checkpoints are append-only');
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION ctg_refuse_change('audit checkpoints are append-only');
)sql";

// Conventions (R10-R12) and the statistical base.
constexpr char kConventionsAndStatistics[] = R"sql(
CREATE TABLE conventions (
  id                         text PRIMARY KEY,
  commune                    text NOT NULL,
  commune_name               text NOT NULL,
  perimeter                  text NOT NULL,
  valid_from                 text NOT NULL,
  valid_until                text NOT NULL,
  caf_name                   text NOT NULL,
  suspended                  bigint NOT NULL DEFAULT 0,
  suspension_reason          text NOT NULL DEFAULT '',
  termination_notice_date    text NOT NULL DEFAULT '',
  termination_effective_date text NOT NULL DEFAULT '',
  create_time_us             bigint NOT NULL
);
CREATE INDEX conventions_commune ON conventions(commune);
CREATE TABLE convention_prior_agreements (
  convention_id text NOT NULL REFERENCES conventions(id),
  position      bigint NOT NULL,
  title         text NOT NULL,
  date          text NOT NULL,
  description   text NOT NULL,
  PRIMARY KEY (convention_id, position)
);
CREATE TABLE convention_history (
  seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- SQLite's rowid
  convention_id text NOT NULL REFERENCES conventions(id),
  action        text NOT NULL,
  actor         text NOT NULL,
  time_us       bigint NOT NULL,
  reason        text NOT NULL
);
CREATE INDEX convention_history_id ON convention_history(convention_id);
CREATE TRIGGER convention_history_append_only BEFORE UPDATE OR DELETE ON convention_history
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('convention history is append-only');

CREATE TABLE stat_periods (
  period         text PRIMARY KEY,
  base_version   text NOT NULL,
  digest         text NOT NULL,
  rows           bigint NOT NULL,
  import_time_us bigint NOT NULL,
  imported_by    text NOT NULL
);
CREATE TABLE stat_territories (
  period  text NOT NULL,
  code    text NOT NULL,
  name    text NOT NULL,
  level   bigint NOT NULL,
  commune text NOT NULL,
  PRIMARY KEY (period, code)
);
CREATE INDEX stat_territories_commune ON stat_territories(period, commune);
CREATE TABLE stat_slices (
  period  text NOT NULL,
  commune text NOT NULL,
  part    bigint NOT NULL,
  csv     bytea NOT NULL,
  PRIMARY KEY (period, commune, part)
);
)sql";

// Requests, their declaration (R2), recipients (R3) and histories (R1).
constexpr char kRequests[] = R"sql(
CREATE TABLE requests (
  id               text PRIMARY KEY,
  number           bigint NOT NULL UNIQUE,
  commune          text NOT NULL,
  convention_id    text NOT NULL REFERENCES conventions(id),
  purpose          text NOT NULL,
  objective        text NOT NULL,
  requester        text NOT NULL,
  retention_months bigint NOT NULL,
  create_time_us   bigint NOT NULL,
  state            bigint NOT NULL,
  update_time_us   bigint NOT NULL
);
CREATE INDEX requests_commune ON requests(commune, number);
CREATE INDEX requests_state ON requests(state, number);
CREATE TRIGGER requests_start_without_state BEFORE INSERT ON requests
  FOR EACH ROW WHEN (NEW.state <> 0)
  EXECUTE FUNCTION ctg_refuse_change('a request gets its state from its submission transition');
CREATE TRIGGER requests_declaration_immutable
  BEFORE UPDATE OF id, number, commune, convention_id, purpose, objective, requester,
                   retention_months, create_time_us ON requests
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('a request''s declaration is immutable (R2)');
CREATE TRIGGER requests_never_deleted BEFORE DELETE ON requests
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('requests are never deleted');

CREATE TABLE request_recipients (
  request_id      text NOT NULL REFERENCES requests(id),
  position        bigint NOT NULL,
  kind            bigint NOT NULL,
  name            text NOT NULL,
  operator_person text NOT NULL,
  PRIMARY KEY (request_id, position)
);
CREATE TRIGGER request_recipients_immutable BEFORE UPDATE OR DELETE ON request_recipients
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('a request''s recipients are immutable (R3)');

CREATE TABLE request_versions (
  request_id     text NOT NULL REFERENCES requests(id),
  version        bigint NOT NULL,
  indicators     text NOT NULL,
  territories    text NOT NULL,
  periods        text NOT NULL,
  breakdowns     text NOT NULL,
  justification  text NOT NULL,
  answer         text NOT NULL,
  author         text NOT NULL,
  create_time_us bigint NOT NULL,
  PRIMARY KEY (request_id, version)
);
CREATE FUNCTION ctg_request_versions_consecutive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version <> coalesce((SELECT max(version) FROM request_versions
                              WHERE request_id = NEW.request_id), 0) + 1 THEN
    RAISE EXCEPTION 'request versions are numbered without gaps';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER request_versions_consecutive BEFORE INSERT ON request_versions
  FOR EACH ROW EXECUTE FUNCTION ctg_request_versions_consecutive();
CREATE TRIGGER request_versions_append_only BEFORE UPDATE OR DELETE ON request_versions
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('request versions are append-only');

CREATE TABLE request_transitions (
  seq        bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  request_id text NOT NULL REFERENCES requests(id),
  from_state bigint NOT NULL,
  to_state   bigint NOT NULL,
  actor      text NOT NULL,
  time_us    bigint NOT NULL,
  reason     text NOT NULL
);
CREATE INDEX request_transitions_request ON request_transitions(request_id, seq);
CREATE FUNCTION ctg_request_transitions_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.from_state <> coalesce((SELECT to_state FROM request_transitions
                                 WHERE request_id = NEW.request_id
                                 ORDER BY seq DESC LIMIT 1), 0) THEN
    RAISE EXCEPTION 'a transition starts from the request''s current state';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER request_transitions_chain BEFORE INSERT ON request_transitions
  FOR EACH ROW EXECUTE FUNCTION ctg_request_transitions_chain();
CREATE FUNCTION ctg_requests_state_follows_transitions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state IS DISTINCT FROM (SELECT to_state FROM request_transitions
                                 WHERE request_id = NEW.id ORDER BY seq DESC LIMIT 1) THEN
    RAISE EXCEPTION 'a request''s state changes only with a recorded transition';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER requests_state_follows_transitions BEFORE UPDATE OF state ON requests
  FOR EACH ROW EXECUTE FUNCTION ctg_requests_state_follows_transitions();
-- The request takes the state of its latest transition. (AFTER ROW triggers
-- run at the end of the statement: with several transitions of a request
-- in one INSERT, each run applies the latest one.)
CREATE FUNCTION ctg_request_transitions_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE requests r SET state = t.to_state, update_time_us = t.time_us
    FROM (SELECT to_state, time_us FROM request_transitions
          WHERE request_id = NEW.request_id ORDER BY seq DESC LIMIT 1) t
    WHERE r.id = NEW.request_id;
  RETURN NULL;
END $$;
CREATE TRIGGER request_transitions_apply AFTER INSERT ON request_transitions
  FOR EACH ROW EXECUTE FUNCTION ctg_request_transitions_apply();
CREATE TRIGGER request_transitions_append_only BEFORE UPDATE OR DELETE ON request_transitions
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('request transitions are append-only');

CREATE TABLE request_questions (
  seq        bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  request_id text NOT NULL REFERENCES requests(id),
  round      bigint NOT NULL,
  question   text NOT NULL,
  author     text NOT NULL,
  time_us    bigint NOT NULL
);
CREATE INDEX request_questions_request ON request_questions(request_id, seq);
CREATE TRIGGER request_questions_append_only BEFORE UPDATE OR DELETE ON request_questions
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('request questions are append-only');

CREATE TABLE request_opinions (
  seq        bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  request_id text NOT NULL REFERENCES requests(id),
  aspect     bigint NOT NULL CHECK (aspect IN (1, 2)),
  opinion    bigint NOT NULL,
  reasoning  text NOT NULL,
  reviewer   text NOT NULL,
  version    bigint NOT NULL,
  time_us    bigint NOT NULL
);
CREATE INDEX request_opinions_request ON request_opinions(request_id, seq);
CREATE TRIGGER request_opinions_append_only BEFORE UPDATE OR DELETE ON request_opinions
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('request opinions are append-only');

CREATE TABLE request_approvals (
  request_id     text PRIMARY KEY REFERENCES requests(id),
  indicators     text NOT NULL,
  territories    text NOT NULL,
  periods        text NOT NULL,
  breakdowns     text NOT NULL,
  end_time_us    bigint,
  download_quota bigint NOT NULL,
  time_us        bigint NOT NULL
);
CREATE TRIGGER request_approvals_append_only BEFORE UPDATE OR DELETE ON request_approvals
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('request approvals are append-only');
)sql";

// The release ledger (append-only) and each commune's release memory.
constexpr char kReleases[] = R"sql(
CREATE TABLE releases (
  request_id      text NOT NULL,
  download        bigint NOT NULL,
  extract_id      text NOT NULL,
  commune         text NOT NULL,
  sha256          text NOT NULL,
  base_version    text NOT NULL,
  cells_published bigint NOT NULL,
  cells_masked    bigint NOT NULL,
  cells_excluded  bigint NOT NULL,
  time_us         bigint NOT NULL,
  recipient       text NOT NULL,
  PRIMARY KEY (request_id, download)
);
CREATE INDEX releases_sha256 ON releases(sha256);
CREATE TRIGGER releases_append_only BEFORE UPDATE OR DELETE ON releases
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('the release ledger is append-only');
CREATE TRIGGER releases_no_truncate BEFORE TRUNCATE ON releases
  FOR EACH STATEMENT EXECUTE FUNCTION ctg_refuse_change('the release ledger is append-only');

CREATE TABLE release_memory (
  commune text PRIMARY KEY,
  version bigint NOT NULL,
  text    text NOT NULL
);
)sql";

// The Caf's requests to communes (R1, R2): declaration immutable, histories
// append-only, transitions chained; one approval and one upload each, files
// kept under their SHA-256; downloads numbered.
constexpr char kCafRequests[] = R"sql(
CREATE TABLE caf_requests (
  id               text PRIMARY KEY,         -- "CREQ-000001"
  number           bigint NOT NULL UNIQUE,
  commune          text NOT NULL,            -- the commune asked (tenant)
  convention_id    text NOT NULL REFERENCES conventions(id),
  purpose          text NOT NULL,            -- R2: immutable
  objective        text NOT NULL,
  requester        text NOT NULL,
  retention_months bigint NOT NULL,
  recipients       text NOT NULL,            -- the Caf's services, one per line
  create_time_us   bigint NOT NULL,
  state            bigint NOT NULL,
  update_time_us   bigint NOT NULL
);
CREATE INDEX caf_requests_commune ON caf_requests(commune, number);
CREATE TRIGGER caf_requests_start_without_state BEFORE INSERT ON caf_requests
  FOR EACH ROW WHEN (NEW.state <> 0)
  EXECUTE FUNCTION ctg_refuse_change('a request gets its state from its submission transition');
CREATE TRIGGER caf_requests_declaration_immutable
  BEFORE UPDATE OF id, number, commune, convention_id, purpose, objective, requester,
                   retention_months, recipients, create_time_us ON caf_requests
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('a request''s declaration is immutable (R2)');
CREATE TRIGGER caf_requests_never_deleted BEFORE DELETE ON caf_requests
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('requests are never deleted');
CREATE TRIGGER caf_requests_no_truncate BEFORE TRUNCATE ON caf_requests
  FOR EACH STATEMENT EXECUTE FUNCTION ctg_refuse_change('requests are never deleted');

CREATE TABLE caf_request_versions (
  request_id     text NOT NULL REFERENCES caf_requests(id),
  version        bigint NOT NULL,
  description    text NOT NULL,
  has_template   bigint NOT NULL,
  columns        text NOT NULL,
  territories    text NOT NULL,
  periods        text NOT NULL,
  answer         text NOT NULL,
  author         text NOT NULL,
  create_time_us bigint NOT NULL,
  PRIMARY KEY (request_id, version)
);
CREATE FUNCTION ctg_caf_request_versions_consecutive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version <> coalesce((SELECT max(version) FROM caf_request_versions
                              WHERE request_id = NEW.request_id), 0) + 1 THEN
    RAISE EXCEPTION 'request versions are numbered without gaps';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER caf_request_versions_consecutive BEFORE INSERT ON caf_request_versions
  FOR EACH ROW EXECUTE FUNCTION ctg_caf_request_versions_consecutive();
CREATE TRIGGER caf_request_versions_append_only BEFORE UPDATE OR DELETE ON caf_request_versions
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('request versions are append-only');

CREATE TABLE caf_request_transitions (
  seq        bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  request_id text NOT NULL REFERENCES caf_requests(id),
  from_state bigint NOT NULL,
  to_state   bigint NOT NULL,
  actor      text NOT NULL,
  time_us    bigint NOT NULL,
  reason     text NOT NULL
);
CREATE INDEX caf_request_transitions_request ON caf_request_transitions(request_id, seq);
CREATE FUNCTION ctg_caf_request_transitions_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.from_state <> coalesce((SELECT to_state FROM caf_request_transitions
                                 WHERE request_id = NEW.request_id
                                 ORDER BY seq DESC LIMIT 1), 0) THEN
    RAISE EXCEPTION 'a transition starts from the request''s current state';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER caf_request_transitions_chain BEFORE INSERT ON caf_request_transitions
  FOR EACH ROW EXECUTE FUNCTION ctg_caf_request_transitions_chain();
CREATE FUNCTION ctg_caf_requests_state_follows_transitions() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state IS DISTINCT FROM (SELECT to_state FROM caf_request_transitions
                                 WHERE request_id = NEW.id ORDER BY seq DESC LIMIT 1) THEN
    RAISE EXCEPTION 'a request''s state changes only with a recorded transition';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER caf_requests_state_follows_transitions BEFORE UPDATE OF state ON caf_requests
  FOR EACH ROW EXECUTE FUNCTION ctg_caf_requests_state_follows_transitions();
CREATE FUNCTION ctg_caf_request_transitions_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE caf_requests r SET state = t.to_state, update_time_us = t.time_us
    FROM (SELECT to_state, time_us FROM caf_request_transitions
          WHERE request_id = NEW.request_id ORDER BY seq DESC LIMIT 1) t
    WHERE r.id = NEW.request_id;
  RETURN NULL;
END $$;
CREATE TRIGGER caf_request_transitions_apply AFTER INSERT ON caf_request_transitions
  FOR EACH ROW EXECUTE FUNCTION ctg_caf_request_transitions_apply();
CREATE TRIGGER caf_request_transitions_append_only
  BEFORE UPDATE OR DELETE ON caf_request_transitions
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('request transitions are append-only');

CREATE TABLE caf_request_questions (
  seq        bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  request_id text NOT NULL REFERENCES caf_requests(id),
  round      bigint NOT NULL,
  question   text NOT NULL,
  author     text NOT NULL,
  time_us    bigint NOT NULL
);
CREATE INDEX caf_request_questions_request ON caf_request_questions(request_id, seq);
CREATE TRIGGER caf_request_questions_append_only BEFORE UPDATE OR DELETE ON caf_request_questions
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('request questions are append-only');

CREATE TABLE caf_request_opinions (
  seq        bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  request_id text NOT NULL REFERENCES caf_requests(id),
  aspect     bigint NOT NULL CHECK (aspect IN (1, 2)),
  opinion    bigint NOT NULL,
  reasoning  text NOT NULL,
  reviewer   text NOT NULL,
  version    bigint NOT NULL,
  time_us    bigint NOT NULL
);
CREATE INDEX caf_request_opinions_request ON caf_request_opinions(request_id, seq);
CREATE TRIGGER caf_request_opinions_append_only BEFORE UPDATE OR DELETE ON caf_request_opinions
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('request opinions are append-only');

CREATE TABLE caf_request_approvals (
  request_id     text PRIMARY KEY REFERENCES caf_requests(id),
  end_time_us    bigint,
  download_quota bigint NOT NULL,
  time_us        bigint NOT NULL
);
CREATE TRIGGER caf_request_approvals_append_only BEFORE UPDATE OR DELETE ON caf_request_approvals
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('request approvals are append-only');

-- The commune's files, addressed by their SHA-256.
CREATE TABLE caf_files (
  sha256  text PRIMARY KEY,
  content bytea NOT NULL
);
CREATE TRIGGER caf_files_append_only BEFORE UPDATE OR DELETE ON caf_files
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('uploaded files are append-only');
CREATE TRIGGER caf_files_no_truncate BEFORE TRUNCATE ON caf_files
  FOR EACH STATEMENT EXECUTE FUNCTION ctg_refuse_change('uploaded files are append-only');

CREATE TABLE caf_request_uploads (
  request_id       text PRIMARY KEY REFERENCES caf_requests(id),
  sha256           text NOT NULL REFERENCES caf_files(sha256),
  size_bytes       bigint NOT NULL,
  rows             bigint NOT NULL,
  uploader         text NOT NULL,
  no_personal_data bigint NOT NULL CHECK (no_personal_data = 1),
  time_us          bigint NOT NULL
);
CREATE TRIGGER caf_request_uploads_append_only BEFORE UPDATE OR DELETE ON caf_request_uploads
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('uploads are append-only');

CREATE TABLE caf_request_downloads (
  request_id text NOT NULL REFERENCES caf_requests(id),
  download   bigint NOT NULL,
  downloader text NOT NULL,
  time_us    bigint NOT NULL,
  PRIMARY KEY (request_id, download)
);
CREATE TRIGGER caf_request_downloads_append_only BEFORE UPDATE OR DELETE ON caf_request_downloads
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('downloads are append-only');
)sql";

// Onward-transfer agreements (R3): an agreement never changes once asked,
// one decision each.
constexpr char kTransferAgreements[] = R"sql(
CREATE TABLE transfer_agreements (
  id             text PRIMARY KEY,          -- "AGR-000001"
  number         bigint NOT NULL UNIQUE,
  extract_id     text NOT NULL,             -- the release concerned
  request_id     text NOT NULL REFERENCES requests(id),
  commune        text NOT NULL,             -- the tenant
  convention_id  text NOT NULL REFERENCES conventions(id),
  extract_sha256 text NOT NULL,
  recipient      text NOT NULL,             -- the third party (R3)
  purpose        text NOT NULL,
  requester      text NOT NULL,
  create_time_us bigint NOT NULL
);
CREATE INDEX transfer_agreements_commune ON transfer_agreements(commune, number);
CREATE INDEX transfer_agreements_extract ON transfer_agreements(extract_id, number);
CREATE INDEX transfer_agreements_request ON transfer_agreements(request_id, number);
CREATE TRIGGER transfer_agreements_immutable BEFORE UPDATE ON transfer_agreements
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('an agreement request is immutable (R3)');
CREATE TRIGGER transfer_agreements_never_deleted BEFORE DELETE ON transfer_agreements
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('agreements are never deleted');
CREATE TRIGGER transfer_agreements_no_truncate BEFORE TRUNCATE ON transfer_agreements
  FOR EACH STATEMENT EXECUTE FUNCTION ctg_refuse_change('agreements are never deleted');

CREATE TABLE transfer_agreement_decisions (
  agreement_id text PRIMARY KEY REFERENCES transfer_agreements(id),
  state        bigint NOT NULL CHECK (state IN (2, 3)),  -- approved, rejected
  reasons      text NOT NULL,
  reviewer     text NOT NULL,
  time_us      bigint NOT NULL
);
CREATE TRIGGER transfer_agreement_decisions_append_only
  BEFORE UPDATE OR DELETE ON transfer_agreement_decisions
  FOR EACH ROW EXECUTE FUNCTION ctg_refuse_change('agreement decisions are append-only');
CREATE INDEX releases_extract_id ON releases(extract_id);
)sql";

// The checkpoint of the empty trail (size 0, the empty root) is stored as
// SQLite stores it: a first GetCheckpoint before any event is answered, and
// an SQLite file holding one can be copied.
constexpr char kEmptyTrailCheckpoint[] = R"sql(
CREATE OR REPLACE FUNCTION ctg_checkpoint_within_trail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.tree_size < 0 OR NEW.tree_size >= (SELECT next_seq FROM audit_sequencer) THEN
    RAISE EXCEPTION 'a checkpoint of size % covers events not in the trail', NEW.tree_size;
  END IF;
  RETURN NEW;
END $$;
)sql";

// R9: the density check once per statement instead of once per row. The
// row trigger updated the sequencer row for every event, and every update
// of one row in one transaction lengthens the chain of its versions that
// the next update walks: a group of 64 events cost ~8 ms in the server
// (0.7 ms without it; bench/RESULTS.md). The statement's new events must be
// exactly next_seq .. next_seq + n - 1: seq is the primary key (no
// duplicates), so the smallest being next_seq and the span being n proves
// it. The statement fails, changing nothing, otherwise, as before.
constexpr char kDenseByStatement[] = R"sql(
DROP TRIGGER audit_events_dense ON audit_events;
DROP FUNCTION ctg_audit_events_dense();
CREATE FUNCTION ctg_audit_events_dense() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = public AS $$
DECLARE
  first_seq bigint;
  last_seq  bigint;
  added     bigint;
  expected  bigint;
BEGIN
  SELECT min(seq), max(seq), count(*) INTO first_seq, last_seq, added FROM new_events;
  IF added = 0 THEN
    RETURN NULL;
  END IF;
  UPDATE audit_sequencer SET next_seq = next_seq + added
    RETURNING next_seq - added INTO expected;
  IF first_seq IS DISTINCT FROM expected OR last_seq - first_seq + 1 <> added THEN
    RAISE EXCEPTION 'audit events are numbered without gaps: % .. % (% events) do not follow %',
      first_seq, last_seq, added, expected - 1;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER audit_events_dense AFTER INSERT ON audit_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION ctg_audit_events_dense();
)sql";

constexpr PgMigration kMigrations[] = {
    {1, kAuditTrail},
    {2, kConventionsAndStatistics},
    {3, kRequests},
    {4, kReleases},
    {5, kCafRequests},
    {6, kTransferAgreements},
    {7, kEmptyTrailCheckpoint},
    {8, kDenseByStatement},
};

// Tables and the rights the gateway's role gets on them.
struct TableRights {
  const char* table;
  const char* rights;
};
constexpr TableRights kRights[] = {
    {"ctg_schema", "SELECT"},
    {"ctg_meta", "SELECT, INSERT"},
    {"ctg_versions", "SELECT, INSERT, UPDATE"},
    {"audit_sequencer", "SELECT"},
    {"audit_events", "SELECT, INSERT"},
    {"audit_checkpoints", "SELECT, INSERT"},
    {"conventions", "SELECT, INSERT, UPDATE"},
    {"convention_prior_agreements", "SELECT, INSERT"},
    {"convention_history", "SELECT, INSERT"},
    {"stat_periods", "SELECT, INSERT, UPDATE, DELETE"},
    {"stat_territories", "SELECT, INSERT, DELETE"},
    {"stat_slices", "SELECT, INSERT, DELETE"},
    {"requests", "SELECT, INSERT, UPDATE"},
    {"request_recipients", "SELECT, INSERT"},
    {"request_versions", "SELECT, INSERT"},
    {"request_transitions", "SELECT, INSERT"},
    {"request_questions", "SELECT, INSERT"},
    {"request_opinions", "SELECT, INSERT"},
    {"request_approvals", "SELECT, INSERT"},
    {"releases", "SELECT, INSERT"},
    {"release_memory", "SELECT, INSERT, UPDATE"},
    {"caf_requests", "SELECT, INSERT, UPDATE"},
    {"caf_request_versions", "SELECT, INSERT"},
    {"caf_request_transitions", "SELECT, INSERT"},
    {"caf_request_questions", "SELECT, INSERT"},
    {"caf_request_opinions", "SELECT, INSERT"},
    {"caf_request_approvals", "SELECT, INSERT"},
    {"caf_files", "SELECT, INSERT"},
    {"caf_request_uploads", "SELECT, INSERT"},
    {"caf_request_downloads", "SELECT, INSERT"},
    {"transfer_agreements", "SELECT, INSERT"},
    {"transfer_agreement_decisions", "SELECT, INSERT"},
};

}  // namespace

absl::Span<const PgMigration> PgMigrations() { return kMigrations; }

int PgSchemaVersion() { return PgMigrations().back().version; }

std::vector<std::string> PgGatewayGrants(const std::string& role) {
  std::string quoted =
      absl::StrCat("\"", absl::StrReplaceAll(role, {{"\"", "\"\""}}), "\"");
  std::vector<std::string> out;
  out.push_back(absl::StrCat("GRANT USAGE ON SCHEMA public TO ", quoted));
  for (const TableRights& t : kRights) {
    out.push_back(absl::StrCat("REVOKE ALL ON ", t.table, " FROM ", quoted));
    out.push_back(
        absl::StrCat("GRANT ", t.rights, " ON ", t.table, " TO ", quoted));
  }
  out.push_back(absl::StrCat(
      "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ", quoted));
  out.push_back(absl::StrCat(
      "REVOKE EXECUTE ON FUNCTION ctg_lock_sequencer() FROM PUBLIC"));
  out.push_back(absl::StrCat(
      "GRANT EXECUTE ON FUNCTION ctg_lock_sequencer() TO ", quoted));
  return out;
}

}  // namespace ctg::store::postgres
