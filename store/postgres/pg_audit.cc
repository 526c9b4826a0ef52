#include "store/postgres/pg_audit.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace ctg::store::postgres {

absl::Status InsertPgAuditRow(PgTransaction& tx, const AuditRow& r) {
  return tx
      .Exec("INSERT INTO audit_events (seq, time_us, caller, organisation, method, target_kind, "
            "target_id, request_id, extract_sha256, code, canonical, leaf_hash) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            static_cast<int64_t>(r.seq), r.time_us, r.caller, r.organisation, r.method,
            r.target_kind, r.target_id, r.request_id, r.extract_sha256, r.code,
            Bytes(r.canonical), Bytes(r.leaf_hash))
      .status();
}

absl::StatusOr<uint64_t> PgTrailSize(PgSession& session) {
  CTG_ASSIGN_OR_RETURN(pqxx::result r,
                       session.Exec("SELECT coalesce(max(seq), 0) FROM audit_events"));
  return r[0][0].as<uint64_t>();
}

absl::StatusOr<std::vector<std::string>> ReadPgLeafHashes(PgSession& session, uint64_t first_seq,
                                                          uint64_t count) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT leaf_hash FROM audit_events WHERE seq >= $1 AND seq < $2 ORDER BY seq",
                   static_cast<int64_t>(first_seq), static_cast<int64_t>(first_seq + count)));
  std::vector<std::string> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(BytesOf(row[0]));
  return out;
}

absl::Status ScanPgTrail(PgSession& session,
                         absl::FunctionRef<absl::Status(const AuditRow&)> visit) {
  // Pages of rows, so that memory stays bounded whatever the trail's size.
  constexpr int64_t kPage = 4096;
  int64_t after = 0;
  while (true) {
    CTG_ASSIGN_OR_RETURN(
        pqxx::result r,
        session.Exec("SELECT seq, time_us, caller, organisation, method, target_kind, target_id, "
                     "code, canonical, leaf_hash FROM audit_events WHERE seq > $1 "
                     "ORDER BY seq LIMIT $2",
                     after, kPage));
    for (const auto& row : r) {
      AuditRow a;
      a.seq = row[0].as<uint64_t>();
      a.time_us = row[1].as<int64_t>();
      a.caller = row[2].as<std::string>();
      a.organisation = row[3].as<std::string>();
      a.method = row[4].as<std::string>();
      a.target_kind = row[5].as<std::string>();
      a.target_id = row[6].as<std::string>();
      a.code = row[7].as<int32_t>();
      a.canonical = BytesOf(row[8]);
      a.leaf_hash = BytesOf(row[9]);
      CTG_RETURN_IF_ERROR(visit(a));
      after = static_cast<int64_t>(a.seq);
    }
    if (static_cast<int64_t>(r.size()) < kPage) return absl::OkStatus();
  }
}

absl::Status StorePgCheckpoint(PgTransaction& tx, uint64_t tree_size, const std::string& root,
                               int64_t time_us, const std::string& note) {
  if (root.size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint of size ", tree_size, ": root is ", root.size(),
                     " bytes, not 32"));
  }
  // A concurrent insert of the same size by another replica waits for that
  // one's commit, then conflicts and does nothing: the root is compared
  // with whichever was stored first.
  CTG_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO audit_checkpoints (tree_size, root, time_us, note) "
              "VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING",
              static_cast<int64_t>(tree_size), Bytes(root), time_us, note)
          .status());
  CTG_ASSIGN_OR_RETURN(pqxx::result r,
                       tx.Exec("SELECT root FROM audit_checkpoints WHERE tree_size = $1",
                               static_cast<int64_t>(tree_size)));
  if (r.empty()) {
    return absl::InternalError(absl::StrCat("checkpoint of size ", tree_size, " not stored"));
  }
  std::string stored = BytesOf(r[0][0]);
  if (stored != root) {
    return absl::DataLossError(absl::StrCat(
        "a checkpoint of size ", tree_size, " is already stored with root ",
        absl::BytesToHexString(stored), ", not ", absl::BytesToHexString(root),
        ": the trail diverged; refusing to sign a second root for that size"));
  }
  return absl::OkStatus();
}

namespace {
PgCheckpoint ReadCheckpoint(const pqxx::row& row) {
  return PgCheckpoint{row[0].as<uint64_t>(), BytesOf(row[1]), row[2].as<std::string>()};
}
}  // namespace

absl::StatusOr<std::optional<PgCheckpoint>> PgCheckpointOfSize(PgSession& session,
                                                               uint64_t tree_size) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT tree_size, root, note FROM audit_checkpoints WHERE tree_size = $1",
                   static_cast<int64_t>(tree_size)));
  if (r.empty()) return std::nullopt;
  return ReadCheckpoint(r[0]);
}

absl::StatusOr<std::vector<PgCheckpoint>> AllPgCheckpoints(PgSession& session) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT tree_size, root, note FROM audit_checkpoints ORDER BY tree_size"));
  std::vector<PgCheckpoint> out;
  for (const auto& row : r) out.push_back(ReadCheckpoint(row));
  return out;
}

}  // namespace ctg::store::postgres
