#include "store/postgres/pg_audit.h"

#include <pqxx/transaction_base>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace ctg::store::postgres {

absl::Status InsertPgAuditRow(PgTransaction& tx, const AuditRow& row) {
  return tx.AppendAuditRow(row);
}

std::string PgAuditRowsInsertSql(const pqxx::transaction_base& tx,
                                 absl::Span<const AuditRow> rows) {
  if (rows.empty()) return std::string();
  std::string sql =
      "INSERT INTO audit_events (seq, time_us, caller, organisation, method, "
      "target_kind, target_id, request_id, extract_sha256, code, canonical, "
      "leaf_hash) VALUES ";
  auto bytes = [&](const std::string& b) {
    return tx.quote_raw(reinterpret_cast<const unsigned char*>(b.data()),
                        b.size());
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    const AuditRow& r = rows[i];
    absl::StrAppend(&sql, i == 0 ? "(" : ", (", r.seq, ", ", r.time_us, ", ",
                    tx.quote(r.caller), ", ", tx.quote(r.organisation), ", ",
                    tx.quote(r.method), ", ", tx.quote(r.target_kind), ", ",
                    tx.quote(r.target_id), ", ", tx.quote(r.request_id), ", ",
                    tx.quote(r.extract_sha256), ", ", r.code, ", ",
                    bytes(r.canonical), ", ", bytes(r.leaf_hash), ")");
  }
  sql += ";";
  return sql;
}

absl::StatusOr<uint64_t> PgTrailSize(PgSession& session) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT coalesce(max(seq), 0) FROM audit_events"));
  return r[0][0].as<uint64_t>();
}

absl::StatusOr<std::vector<std::string>> ReadPgLeafHashes(PgSession& session,
                                                          uint64_t first_seq,
                                                          uint64_t count) {
  CTG_ASSIGN_OR_RETURN(pqxx::result r,
                       session.Exec("SELECT leaf_hash FROM audit_events WHERE "
                                    "seq >= $1 AND seq < $2 ORDER BY seq",
                                    static_cast<int64_t>(first_seq),
                                    static_cast<int64_t>(first_seq + count)));
  std::vector<std::string> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(BytesOf(row[0]));
  return out;
}

namespace {

constexpr char kRowColumns[] =
    "e.seq, e.time_us, e.caller, e.organisation, e.method, e.target_kind, "
    "e.target_id, "
    "e.request_id, e.extract_sha256, e.code, e.canonical, e.leaf_hash, "
    "coalesce(c.note, '')";

AuditRow ReadFullRow(const pqxx::row& row) {
  AuditRow a;
  a.seq = row[0].as<uint64_t>();
  a.time_us = row[1].as<int64_t>();
  a.caller = row[2].as<std::string>();
  a.organisation = row[3].as<std::string>();
  a.method = row[4].as<std::string>();
  a.target_kind = row[5].as<std::string>();
  a.target_id = row[6].as<std::string>();
  a.request_id = row[7].as<std::string>();
  a.extract_sha256 = row[8].as<std::string>();
  a.code = row[9].as<int32_t>();
  a.canonical = BytesOf(row[10]);
  a.leaf_hash = BytesOf(row[11]);
  a.checkpoint = row[12].as<std::string>();
  return a;
}

}  // namespace

absl::Status ScanPgAuditRows(
    PgSession& session, const AuditFilter& f,
    absl::FunctionRef<absl::Status(const AuditRow&)> visit) {
  // One fixed statement: an unset filter is a parameter that disables its
  // condition (each call is planned with its values, so the planner drops
  // the disabled ones). Pages keep memory bounded.
  constexpr int64_t kPage = 1000;
  const int64_t outcome = f.outcome == AuditFilter::Outcome::kAllowed  ? 1
                          : f.outcome == AuditFilter::Outcome::kDenied ? 2
                                                                       : 0;
  int64_t from = static_cast<int64_t>(f.from_seq);
  uint64_t left = f.limit;  // 0: no limit
  while (true) {
    const int64_t page =
        left == 0 ? kPage
                  : std::min<int64_t>(kPage, static_cast<int64_t>(left));
    CTG_ASSIGN_OR_RETURN(
        pqxx::result r,
        session.Exec(
            absl::StrCat(
                "SELECT ", kRowColumns,
                " FROM audit_events e LEFT JOIN audit_checkpoints c ON "
                "c.tree_size = e.seq"
                " WHERE e.seq >= $1"
                " AND (NOT $2 OR e.time_us >= $3) AND (NOT $4 OR e.time_us < "
                "$5)"
                " AND ($6 = '' OR (e.caller = $6 AND e.organisation <> ''))"
                " AND ($7 = '' OR (e.caller = $7 AND e.organisation = ''))"
                " AND ($8 = '' OR e.organisation = $8) AND ($9 = '' OR "
                "e.method = $9)"
                " AND ($10 = '' OR e.request_id = $10)"
                " AND ($11 = 0 OR ($11 = 1 AND e.code = 0) OR ($11 = 2 AND "
                "e.code <> 0))"
                " AND (NOT $12 OR e.seq <= $13)"
                " ORDER BY e.seq LIMIT $14"),
            from, f.start_time_us.has_value(), f.start_time_us.value_or(0),
            f.end_time_us.has_value(), f.end_time_us.value_or(0), f.caller,
            f.claimed_caller, f.organisation, f.method, f.request_id, outcome,
            f.to_seq.has_value(), static_cast<int64_t>(f.to_seq.value_or(0)),
            page));
    for (const auto& row : r) {
      AuditRow a = ReadFullRow(row);
      from = static_cast<int64_t>(a.seq) + 1;
      CTG_RETURN_IF_ERROR(visit(a));
    }
    if (left != 0) left -= r.size();
    if (static_cast<int64_t>(r.size()) < page || (f.limit != 0 && left == 0)) {
      return absl::OkStatus();
    }
  }
}

absl::StatusOr<AuditRow> GetPgAuditRow(PgSession& session, uint64_t seq) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec(
          absl::StrCat("SELECT ", kRowColumns,
                       " FROM audit_events e LEFT JOIN audit_checkpoints c"
                       " ON c.tree_size = e.seq WHERE e.seq = $1"),
          static_cast<int64_t>(seq)));
  if (r.empty())
    return absl::NotFoundError(absl::StrCat("no audit event ", seq));
  return ReadFullRow(r[0]);
}

absl::StatusOr<uint64_t> FindPgReleaseSeq(PgSession& session,
                                          const std::string& extract_sha256) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT seq FROM audit_events WHERE extract_sha256 = $1 "
                   "AND code = 0 ORDER BY seq LIMIT 1",
                   extract_sha256));
  if (r.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no release of an extract with SHA-256 ", extract_sha256));
  }
  return r[0][0].as<uint64_t>();
}

absl::Status ScanPgTrail(
    PgSession& session,
    absl::FunctionRef<absl::Status(const AuditRow&)> visit) {
  // Pages of rows, so that memory stays bounded whatever the trail's size.
  constexpr int64_t kPage = 4096;
  int64_t after = 0;
  while (true) {
    CTG_ASSIGN_OR_RETURN(
        pqxx::result r,
        session.Exec(
            "SELECT seq, time_us, caller, organisation, method, target_kind, "
            "target_id, "
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

absl::Status StorePgCheckpoint(PgSession& tx, uint64_t tree_size,
                               const std::string& root, int64_t time_us,
                               const std::string& note) {
  if (root.size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint of size ", tree_size, ": root is ",
                     root.size(), " bytes, not 32"));
  }
  // A concurrent insert of the same size by another replica waits for that
  // one's commit, then conflicts and does nothing: the root is compared
  // with whichever was stored first.
  CTG_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO audit_checkpoints (tree_size, root, time_us, note) "
              "VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING",
              static_cast<int64_t>(tree_size), Bytes(root), time_us, note)
          .status());
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      tx.Exec("SELECT root FROM audit_checkpoints WHERE tree_size = $1",
              static_cast<int64_t>(tree_size)));
  if (r.empty()) {
    return absl::InternalError(
        absl::StrCat("checkpoint of size ", tree_size, " not stored"));
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
  return PgCheckpoint{row[0].as<uint64_t>(), BytesOf(row[1]),
                      row[2].as<std::string>()};
}
}  // namespace

absl::StatusOr<std::optional<PgCheckpoint>> PgCheckpointOfSize(
    PgSession& session, uint64_t tree_size) {
  CTG_ASSIGN_OR_RETURN(pqxx::result r,
                       session.Exec("SELECT tree_size, root, note FROM "
                                    "audit_checkpoints WHERE tree_size = $1",
                                    static_cast<int64_t>(tree_size)));
  if (r.empty()) return std::nullopt;
  return ReadCheckpoint(r[0]);
}

absl::StatusOr<std::optional<PgCheckpoint>> LatestPgCheckpoint(
    PgSession& session) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT tree_size, root, note FROM audit_checkpoints "
                   "ORDER BY tree_size DESC LIMIT 1"));
  if (r.empty()) return std::nullopt;
  return ReadCheckpoint(r[0]);
}

absl::StatusOr<std::vector<PgCheckpoint>> AllPgCheckpoints(PgSession& session) {
  CTG_ASSIGN_OR_RETURN(pqxx::result r,
                       session.Exec("SELECT tree_size, root, note FROM "
                                    "audit_checkpoints ORDER BY tree_size"));
  std::vector<PgCheckpoint> out;
  for (const auto& row : r) out.push_back(ReadCheckpoint(row));
  return out;
}

}  // namespace ctg::store::postgres
