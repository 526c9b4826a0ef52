#include "store/postgres/pg_backend.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/postgres/pg_article7.h"
#include "store/postgres/pg_requests.h"
#include "store/postgres/pg_stores.h"

namespace ctg::store::postgres {
namespace {

class PgRead final : public ReadSession {
 public:
  explicit PgRead(PgSession& s)
      : requests_(s),
        conventions_(s),
        releases_(s),
        statistics_(s),
        audit_(s),
        caf_requests_(s),
        agreements_(s) {}
  const RequestStore& requests() override { return requests_; }
  const ConventionStore& conventions() override { return conventions_; }
  const ReleaseLedger& releases() override { return releases_; }
  const StatisticsStore& statistics() override { return statistics_; }
  const AuditTrailStore& audit() override { return audit_; }
  const CafRequestStore& caf_requests() override { return caf_requests_; }
  const TransferAgreementStore& agreements() override { return agreements_; }

 private:
  PgRequestStore requests_;
  PgConventionStore conventions_;
  PgReleaseLedger releases_;
  PgStatisticsStore statistics_;
  PgAuditTrailStore audit_;
  PgCafRequestStore caf_requests_;
  PgTransferAgreementStore agreements_;
};

class PgWrite final : public WriteSession {
 public:
  explicit PgWrite(PgTransaction& tx)
      : tx_(tx),
        requests_(tx),
        conventions_(tx),
        releases_(tx),
        statistics_(tx),
        audit_(tx),
        caf_requests_(tx),
        agreements_(tx) {}
  RequestStore& requests() override { return requests_; }
  ConventionStore& conventions() override { return conventions_; }
  ReleaseLedger& releases() override { return releases_; }
  StatisticsStore& statistics() override { return statistics_; }
  AuditTrailStore& audit() override { return audit_; }
  CafRequestStore& caf_requests() override { return caf_requests_; }
  TransferAgreementStore& agreements() override { return agreements_; }
  void OnCommit(std::function<void()> hook) override {
    tx_.OnCommit(std::move(hook));
  }
  void OnRollback(std::function<void()> hook) override {
    tx_.OnRollback(std::move(hook));
  }
  absl::Status Savepoint(absl::FunctionRef<absl::Status()> work) override {
    return tx_.Savepoint(work);
  }

 private:
  PgTransaction& tx_;
  PgRequestStore requests_;
  PgConventionStore conventions_;
  PgReleaseLedger releases_;
  PgStatisticsStore statistics_;
  PgAuditTrailStore audit_;
  PgCafRequestStore caf_requests_;
  PgTransferAgreementStore agreements_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<PgBackend>> PgBackend::Open(
    const PgOptions& options) {
  CTG_ASSIGN_OR_RETURN(std::unique_ptr<PgDatabase> db,
                       PgDatabase::Open(options));
  return std::unique_ptr<PgBackend>(new PgBackend(
      std::move(db), absl::StrCat("postgresql ", RedactPgUrl(options.url))));
}

absl::Status PgBackend::Write(
    absl::FunctionRef<absl::Status(WriteSession&)> work) {
  return db_->Write([&](PgTransaction& tx) {
    PgWrite session(tx);
    return work(session);
  });
}

absl::Status PgBackend::Read(
    absl::FunctionRef<absl::Status(ReadSession&)> work) {
  return db_->Read([&](PgReadSession& s) {
    PgRead session(s);
    return work(session);
  });
}

absl::StatusOr<int> PgBackend::SchemaVersion() {
  int version = 0;
  CTG_RETURN_IF_ERROR(db_->Read([&](PgReadSession& s) -> absl::Status {
    CTG_ASSIGN_OR_RETURN(pqxx::result r,
                         s.Exec("SELECT version FROM ctg_schema"));
    version = r.empty() ? 0 : r[0][0].as<int>();
    return absl::OkStatus();
  }));
  return version;
}

absl::Status PgBackend::CopyTo(const std::string&) {
  return absl::FailedPreconditionError(
      "backup: the database is PostgreSQL: back it up with PostgreSQL's tools "
      "(pg_basebackup "
      "with WAL archiving, or pg_dump), then check a restored copy with a "
      "gateway's start");
}

}  // namespace ctg::store::postgres
