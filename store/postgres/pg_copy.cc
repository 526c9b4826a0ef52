#include "store/postgres/pg_copy.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <array>
#include <memory>
#include <pqxx/nontransaction>
#include <pqxx/transaction>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_database.h"
#include "store/postgres/pg_session.h"
#include "store/postgres/pg_status.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite.h"

namespace ctg::store::postgres {
namespace {

using sqlite::Connection;
using sqlite::GatewaySchemaVersion;
using sqlite::Statement;

// Copy order (foreign keys, then the triggers' order: requests before their
// transitions, events in sequence order) and the SQLite order of rows.
struct TableSpec {
  const char* name;
  const char* sqlite_order;
};
constexpr TableSpec kTables[] = {
    {"conventions", "rowid"},
    {"convention_prior_agreements", "rowid"},
    {"convention_history", "rowid"},
    {"stat_periods", "rowid"},
    {"stat_territories", "period, code"},  // WITHOUT ROWID
    {"stat_slices", "rowid"},
    {"requests", "number"},
    {"request_recipients", "rowid"},
    {"request_versions", "request_id, version"},
    {"request_transitions", "seq"},
    {"request_questions", "seq"},
    {"request_opinions", "seq"},
    {"request_approvals", "rowid"},
    {"releases", "rowid"},
    {"release_memory", "rowid"},
    {"caf_requests", "number"},
    {"caf_request_versions", "request_id, version"},
    {"caf_request_transitions", "seq"},
    {"caf_request_questions", "seq"},
    {"caf_request_opinions", "seq"},
    {"caf_request_approvals", "rowid"},
    {"caf_files", "rowid"},
    {"caf_request_uploads", "rowid"},
    {"caf_request_downloads", "rowid"},
    {"transfer_agreements", "number"},
    {"transfer_agreement_decisions", "rowid"},
    {"audit_events", "seq"},
    {"audit_checkpoints", "tree_size"},
};
// PostgreSQL's own bookkeeping, not copied.
const std::set<std::string> kBookkeeping = {"ctg_schema", "ctg_meta",
                                            "ctg_versions", "audit_sequencer"};
// Columns only PostgreSQL has, filled by PostgreSQL (SQLite's rowid made
// explicit): not copied, not compared.
bool PgOnly(const std::string& table, const std::string& column) {
  return table == "convention_history" && column == "seq";
}
// Tables whose `seq` is an identity column to move past the copied rows.
constexpr const char* kIdentityTables[] = {
    "request_transitions",     "request_questions",     "request_opinions",
    "caf_request_transitions", "caf_request_questions", "caf_request_opinions"};

enum class Type { kInt, kText, kBytes };
struct Column {
  std::string name;
  Type type;
};

struct Value {
  bool null = false;
  int64_t i = 0;
  std::string s;
};

// Order-independent digest of a set of rows: SHA-256 of each row's tagged
// values, summed lane by lane.
class RowDigest {
 public:
  void Add(const std::vector<Column>& cols, const std::vector<Value>& row) {
    std::string bytes;
    for (size_t c = 0; c < cols.size(); ++c) {
      const Value& v = row[c];
      if (v.null) {
        bytes.push_back('N');
      } else if (cols[c].type == Type::kInt) {
        absl::StrAppend(&bytes, "I", v.i, ";");
      } else {
        absl::StrAppend(&bytes, cols[c].type == Type::kText ? "T" : "B",
                        v.s.size(), ":", v.s);
      }
    }
    unsigned char h[32];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), h, &len, EVP_sha256(), nullptr);
    for (int lane = 0; lane < 4; ++lane) {
      uint64_t x = 0;
      for (int b = 0; b < 8; ++b) x = (x << 8) | h[lane * 8 + b];
      lanes_[lane] += x;
    }
    ++rows_;
  }
  int64_t rows() const { return rows_; }
  std::string hex() const {
    return absl::StrCat(absl::Hex(lanes_[0], absl::kZeroPad16),
                        absl::Hex(lanes_[1], absl::kZeroPad16),
                        absl::Hex(lanes_[2], absl::kZeroPad16),
                        absl::Hex(lanes_[3], absl::kZeroPad16));
  }

 private:
  std::array<uint64_t, 4> lanes_{};
  int64_t rows_ = 0;
};

absl::StatusOr<std::vector<Column>> PgColumns(pqxx::transaction_base& tx,
                                              const std::string& table) {
  std::vector<Column> cols;
  absl::Status s = PgCall("reading the PostgreSQL columns", [&] {
    pqxx::result r = tx.exec_params(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = $1 ORDER BY "
        "ordinal_position",
        table);
    for (const auto& row : r) {
      std::string type = row[1].as<std::string>();
      cols.push_back({row[0].as<std::string>(),
                      type == "bytea"
                          ? Type::kBytes
                          : (type == "text" ? Type::kText : Type::kInt)});
    }
  });
  if (!s.ok()) return s;
  if (cols.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "table ", table, " is missing from the PostgreSQL schema"));
  }
  return cols;
}

// The checkpoint note's root: its third line, base64 of 32 bytes; its
// second line must be `tree_size`.
absl::StatusOr<std::string> RootOfNote(int64_t tree_size,
                                       const std::string& note) {
  std::vector<std::string> lines = absl::StrSplit(note, '\n');
  std::string root;
  int64_t size = 0;
  if (lines.size() < 3 || !absl::SimpleAtoi(lines[1], &size) ||
      size != tree_size || !absl::Base64Unescape(lines[2], &root) ||
      root.size() != 32) {
    return absl::DataLossError(
        absl::StrCat("audit checkpoint of size ", tree_size,
                     ": its note does not hold that size and a root"));
  }
  return root;
}

std::string Literal(pqxx::transaction_base& tx, Type type, const Value& v) {
  if (v.null) return "NULL";
  switch (type) {
    case Type::kInt:
      return absl::StrCat(v.i);
    case Type::kText:
      return tx.quote(v.s);
    case Type::kBytes:
      return absl::StrCat("'\\x", absl::BytesToHexString(v.s), "'::bytea");
  }
  return "NULL";
}

std::vector<std::string> Names(const std::vector<Column>& cols) {
  std::vector<std::string> out;
  for (const Column& c : cols) out.push_back(c.name);
  return out;
}

absl::Status CheckTableSets(Connection& sqlite, pqxx::transaction_base& tx) {
  std::set<std::string> expected;
  for (const TableSpec& t : kTables) expected.insert(t.name);
  std::set<std::string> in_sqlite;
  CTG_ASSIGN_OR_RETURN(
      Statement stmt,
      sqlite.Prepare("SELECT name FROM sqlite_master WHERE type = 'table' "
                     "AND name NOT LIKE 'sqlite_%'"));
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    in_sqlite.insert(stmt.ColumnText(0));
  }
  std::set<std::string> in_pg;
  CTG_RETURN_IF_ERROR(PgCall("listing the PostgreSQL tables", [&] {
    for (const auto& row :
         tx.exec("SELECT table_name FROM information_schema.tables WHERE "
                 "table_schema = 'public' AND table_type = 'BASE TABLE'")) {
      std::string name = row[0].as<std::string>();
      if (kBookkeeping.count(name) == 0) in_pg.insert(name);
    }
  }));
  for (const auto* side : {&in_sqlite, &in_pg}) {
    for (const std::string& name : *side) {
      if (expected.count(name) == 0) {
        return absl::FailedPreconditionError(
            absl::StrCat("table ", name, " of the ",
                         side == &in_sqlite ? "SQLite" : "PostgreSQL",
                         " schema is not copied"));
      }
    }
    for (const std::string& name : expected) {
      if (side->count(name) == 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "table ", name, " is missing from the ",
            side == &in_sqlite ? "SQLite" : "PostgreSQL", " database"));
      }
    }
  }
  return absl::OkStatus();
}

// Copies one table; returns the digest of the SQLite rows (over the columns
// SQLite has: the checkpoints' root is PostgreSQL's own).
absl::StatusOr<RowDigest> CopyTable(Connection& sqlite,
                                    pqxx::transaction_base& tx,
                                    const TableSpec& spec,
                                    const std::vector<Column>& pg_cols,
                                    std::vector<Column>& digest_cols) {
  const std::string table = spec.name;
  const bool checkpoints = table == "audit_checkpoints";
  digest_cols.clear();
  std::vector<Column> insert_cols;
  for (const Column& c : pg_cols) {
    if (PgOnly(table, c.name)) continue;
    insert_cols.push_back(c);
    if (!(checkpoints && c.name == "root")) digest_cols.push_back(c);
  }
  CTG_ASSIGN_OR_RETURN(Statement stmt,
                       sqlite.Prepare(absl::StrCat(
                           "SELECT ", absl::StrJoin(Names(digest_cols), ", "),
                           " FROM ", table, " ORDER BY ", spec.sqlite_order)));
  const std::string insert_head =
      absl::StrCat("INSERT INTO ", table, " (",
                   absl::StrJoin(Names(insert_cols), ", "), ") VALUES ");
  RowDigest digest;
  std::string batch;
  int batched = 0;
  auto flush = [&]() -> absl::Status {
    if (batched == 0) return absl::OkStatus();
    absl::Status s =
        PgCall(absl::StrCat("copying ", table), [&] { tx.exec(batch); });
    batch.clear();
    batched = 0;
    return s;
  };
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    std::vector<Value> row(digest_cols.size());
    for (size_t c = 0; c < digest_cols.size(); ++c) {
      Value& v = row[c];
      v.null = stmt.ColumnIsNull(static_cast<int>(c));
      if (v.null) continue;
      switch (digest_cols[c].type) {
        case Type::kInt:
          v.i = stmt.ColumnInt(static_cast<int>(c));
          break;
        case Type::kText:
          v.s = stmt.ColumnText(static_cast<int>(c));
          break;
        case Type::kBytes:
          v.s = stmt.ColumnBlob(static_cast<int>(c));
          break;
      }
    }
    digest.Add(digest_cols, row);
    std::vector<std::string> literals;
    size_t d = 0;
    for (const Column& c : insert_cols) {
      if (checkpoints && c.name == "root") {
        CTG_ASSIGN_OR_RETURN(std::string root, RootOfNote(row[0].i, row[2].s));
        literals.push_back(Literal(tx, Type::kBytes, Value{false, 0, root}));
        continue;
      }
      Value v = row[d++];
      // A request starts without state; its transitions bring it to the
      // stored one through the triggers.
      if (table == "requests" && c.name == "state") v = Value{false, 0, ""};
      literals.push_back(Literal(tx, c.type, v));
    }
    absl::StrAppend(&batch, batched == 0 ? insert_head : ", ", "(",
                    absl::StrJoin(literals, ", "), ")");
    if (++batched >= 500 || batch.size() > (4 << 20))
      CTG_RETURN_IF_ERROR(flush());
  }
  CTG_RETURN_IF_ERROR(flush());
  return digest;
}

absl::StatusOr<RowDigest> PgDigest(pqxx::transaction_base& tx,
                                   const std::string& table,
                                   const std::vector<Column>& cols) {
  RowDigest digest;
  CTG_RETURN_IF_ERROR(PgCall(absl::StrCat("reading back ", table), [&] {
    pqxx::result r = tx.exec(absl::StrCat(
        "SELECT ", absl::StrJoin(Names(cols), ", "), " FROM ", table));
    for (const auto& pg_row : r) {
      std::vector<Value> row(cols.size());
      for (size_t c = 0; c < cols.size(); ++c) {
        const pqxx::field f = pg_row[static_cast<int>(c)];
        row[c].null = f.is_null();
        if (row[c].null) continue;
        switch (cols[c].type) {
          case Type::kInt:
            row[c].i = f.as<int64_t>();
            break;
          case Type::kText:
            row[c].s = f.as<std::string>();
            break;
          case Type::kBytes:
            row[c].s = BytesOf(f);
            break;
        }
      }
      digest.Add(cols, row);
    }
  }));
  return digest;
}

absl::Status CheckSource(const std::string& path, Connection& sqlite) {
  CTG_ASSIGN_OR_RETURN(Statement stmt, sqlite.Prepare("PRAGMA user_version"));
  CTG_ASSIGN_OR_RETURN(bool row, stmt.Step());
  int64_t version = row ? stmt.ColumnInt(0) : 0;
  if (version != GatewaySchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "SQLite database ", path, " is at schema ", version,
        ", this gateway copies schema ", GatewaySchemaVersion(),
        ": open it once with this gateway (or its --check) first"));
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<std::string>& CopiedTables() {
  static const auto* names = [] {
    auto* out = new std::vector<std::string>();
    for (const TableSpec& t : kTables) out->push_back(t.name);
    return out;
  }();
  return *names;
}

absl::StatusOr<CopyReport> CopySqliteToPg(const std::string& sqlite_path,
                                          const PgOptions& options) {
  struct stat st;
  if (stat(sqlite_path.c_str(), &st) != 0) {
    return absl::NotFoundError(
        absl::StrCat("SQLite database ", sqlite_path, " does not exist"));
  }
  CTG_ASSIGN_OR_RETURN(std::unique_ptr<Connection> sqlite,
                       Connection::Open(sqlite_path, true));
  CTG_RETURN_IF_ERROR(CheckSource(sqlite_path, *sqlite));
  // Schema, grants and the Caf's claim, as a gateway's start does.
  { CTG_ASSIGN_OR_RETURN(auto db, PgDatabase::Open(options)); }
  const std::string& url =
      options.migrate_url.empty() ? options.url : options.migrate_url;
  CTG_ASSIGN_OR_RETURN(auto pg, PgConnection::Open(url,
                                                   options.migrate_url.empty()
                                                       ? "database.url"
                                                       : "database.migrate_url",
                                                   options));
  // One snapshot of the SQLite file for the whole copy.
  CTG_RETURN_IF_ERROR(sqlite->Exec("BEGIN"));
  CopyReport report;
  std::vector<RowDigest> source;
  std::vector<std::vector<Column>> digest_cols(std::size(kTables));
  absl::Status copied;
  {
    std::unique_ptr<pqxx::work> tx;
    CTG_RETURN_IF_ERROR(PgCall("BEGIN", [&] {
      tx = std::make_unique<pqxx::work>(pg->raw());
      // No gateway writes meanwhile.
      tx->exec("SELECT ctg_lock_sequencer()");
    }));
    CTG_RETURN_IF_ERROR(CheckTableSets(*sqlite, *tx));
    for (const TableSpec& t : kTables) {
      int64_t rows = 0;
      CTG_RETURN_IF_ERROR(PgCall("checking that the target is empty", [&] {
        rows = tx->exec(absl::StrCat("SELECT count(*) FROM ", t.name))[0][0]
                   .as<int64_t>();
      }));
      if (rows != 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "database.url: the PostgreSQL database already holds data (table ",
            t.name, ": ", rows,
            " rows): copy only into a new, empty database"));
      }
    }
    for (size_t i = 0; i < std::size(kTables); ++i) {
      CTG_ASSIGN_OR_RETURN(std::vector<Column> cols,
                           PgColumns(*tx, kTables[i].name));
      CTG_ASSIGN_OR_RETURN(RowDigest d, CopyTable(*sqlite, *tx, kTables[i],
                                                  cols, digest_cols[i]));
      source.push_back(d);
    }
    CTG_RETURN_IF_ERROR(PgCall("moving identity sequences", [&] {
      for (const char* t : kIdentityTables) {
        tx->exec(absl::StrCat(
            "SELECT setval(pg_get_serial_sequence('", t,
            "', 'seq'), coalesce(max(seq), 0) + 1, false) FROM ", t));
      }
      tx->exec_params(
          "INSERT INTO ctg_meta (key, value) VALUES ('copied_from', $1) "
          "ON CONFLICT DO NOTHING",
          sqlite_path);
      tx->commit();
    }));
  }
  // Ends the read snapshot of the source, opened read-only: nothing was
  // written to it, so a failure here loses nothing. The check below compares
  // PostgreSQL with the digests taken from this snapshot during the copy.
  sqlite->Exec("COMMIT").IgnoreError();
  // Read back in a fresh snapshot and compare.
  std::unique_ptr<pqxx::transaction<pqxx::isolation_level::repeatable_read,
                                    pqxx::readwrite_policy::read_only>>
      check;
  CTG_RETURN_IF_ERROR(PgCall("BEGIN", [&] {
    check = std::make_unique<
        pqxx::transaction<pqxx::isolation_level::repeatable_read,
                          pqxx::readwrite_policy::read_only>>(pg->raw());
  }));
  for (size_t i = 0; i < std::size(kTables); ++i) {
    CTG_ASSIGN_OR_RETURN(RowDigest d,
                         PgDigest(*check, kTables[i].name, digest_cols[i]));
    if (d.rows() != source[i].rows() || d.hex() != source[i].hex()) {
      return absl::DataLossError(absl::StrCat(
          "copy check: table ", kTables[i].name, " differs (SQLite ",
          source[i].rows(), " rows, digest ", source[i].hex(), "; PostgreSQL ",
          d.rows(), " rows, digest ", d.hex(), ")"));
    }
    report.tables.push_back({kTables[i].name, d.rows(), d.hex()});
    if (std::string(kTables[i].name) == "audit_events")
      report.events = d.rows();
    if (std::string(kTables[i].name) == "audit_checkpoints")
      report.checkpoints = d.rows();
  }
  return report;
}

}  // namespace ctg::store::postgres
