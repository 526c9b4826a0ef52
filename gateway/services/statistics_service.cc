#include "gateway/services/statistics_service.h"

#include <malloc.h>

#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "audit/hash.h"
#include "base/echo.h"
#include "base/status_macros.h"
#include "gateway/bounded_stream.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "policy/convention.h"
#include "policy/revision.h"
#include "statbase/commune_slices.h"
#include "statbase/csv_import.h"
#include "store/convention_store.h"
#include "store/release_ledger.h"
#include "store/statistics_store.h"

namespace ctg::gateway {
namespace {

// Reads the header then feeds every chunk to the importer; each message of
// the stream is bounded by limits.max_message_bytes, the file by
// limits.max_import_bytes.
absl::StatusOr<statbase::Base> ReadBase(
    grpc::ServerContext* context,
    grpc::ServerReader<ctg::v1::ImportStatisticsChunk>* reader,
    const LimitsConfig& limits, Call& call) {
  const int64_t max_bytes = limits.max_import_bytes;
  BoundedStreamReader<ctg::v1::ImportStatisticsChunk> stream(
      reader, limits.max_message_bytes);
  ctg::v1::ImportStatisticsChunk chunk;
  CTG_ASSIGN_OR_RETURN(bool first, stream.Next(&chunk));
  if (!first || !chunk.has_header()) {
    return absl::InvalidArgumentError(
        "the first message must be the header (period and file name)");
  }
  const ctg::v1::ImportHeader header = chunk.header();
  std::optional<audit::Hash> announced;
  if (!header.sha256().empty()) {
    absl::StatusOr<audit::Hash> parsed = audit::HashFromHex(header.sha256());
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("header.sha256: ", parsed.status().message()));
    }
    announced = *parsed;
  }
  audit::Sha256Stream received;
  // The client's strings are recorded bounded (the importer's errors bound
  // them too).
  call.SetTarget("statistics", BoundedEcho(header.period()));
  call.AddFact("period", BoundedEcho(header.period()));
  call.AddFact("file_name", BoundedEcho(header.file_name()));
  CTG_ASSIGN_OR_RETURN(
      statbase::CsvImporter importer,
      statbase::CsvImporter::Create(
          {.period = header.period(), .file_name = header.file_name()}));
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool more, stream.Next(&chunk));
    if (!more) break;
    if (!chunk.has_csv_data() && chunk.has_header()) {
      return absl::InvalidArgumentError("header sent twice");
    }
    importer.Feed(chunk.csv_data());
    received.Update(chunk.csv_data());
    if (importer.bytes() > max_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("the file exceeds limits.max_import_bytes (", max_bytes,
                       " bytes): nothing imported"));
    }
  }
  if (context->IsCancelled()) {
    return absl::CancelledError(
        "the upload was cut before its end: nothing imported");
  }
  call.AddFact("bytes", absl::StrCat(importer.bytes()));
  const audit::Hash digest = received.Finish();
  call.AddFact("sha256", audit::HashToHex(digest));
  if (announced && *announced != digest) {
    return absl::InvalidArgumentError(absl::StrCat(
        "header.sha256: the ", importer.bytes(),
        " bytes received do not have the SHA-256 the header announced (the "
        "file was cut or changed on its way): nothing imported"));
  }
  absl::StatusOr<statbase::Base> base = importer.Finish();
  // The event's message holds the report (bounded); the fact is one line.
  if (!importer.errors().empty())
    call.AddFact("import_errors", importer.errors().Summary());
  return base;
}

// R7: refuses to replace a period from which anything was released by
// different figures.
absl::Status CheckRevision(store::ReadSession& session,
                           const statbase::Base& base) {
  CTG_ASSIGN_OR_RETURN(std::optional<store::PeriodRow> stored,
                       session.statistics().GetPeriod(base.period()));
  CTG_ASSIGN_OR_RETURN(store::PeriodReleases released,
                       session.releases().CountForPeriod(base.period()));
  return policy::CheckNotARevision(
      {.period = base.period(),
       .releases = released.releases,
       .communes = released.communes,
       .same_content = stored && stored->digest == base.digest()});
}

// Conventions read per query while checking perimeters.
constexpr int kConventionPage = 500;

// When `base` is the latest period, one warning per convention still in
// force whose perimeter names territories the base does not hold for its
// commune (R2: they could not be served).
absl::StatusOr<std::vector<std::string>> PerimeterWarnings(
    store::ReadSession& session, const statbase::Base& base, absl::Time now) {
  std::vector<std::string> warnings;
  CTG_ASSIGN_OR_RETURN(std::vector<store::PeriodRow> periods,
                       session.statistics().ListPeriods());
  for (const store::PeriodRow& p : periods) {
    if (p.period > base.period())
      return warnings;  // not the latest: not what is served
  }
  std::map<std::string, policy::CommuneTerritories> by_commune;
  std::string after;
  while (true) {
    CTG_ASSIGN_OR_RETURN(
        std::vector<store::ConventionRow> rows,
        session.conventions().List("", after, kConventionPage));
    for (const store::ConventionRow& row : rows) {
      after = row.id;
      CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(row));
      if (policy::HasEnded(terms, CafDay(now))) continue;  // R11
      auto [it, added] = by_commune.try_emplace(row.commune);
      if (added) {
        it->second.period = base.period();
        for (std::string& code :
             statbase::CommuneTerritoryCodes(base, row.commune)) {
          it->second.codes.insert(std::move(code));
        }
      }
      std::vector<std::string> gaps =
          policy::PerimeterGaps(row.perimeter, it->second);
      if (gaps.empty()) continue;
      warnings.push_back(absl::StrCat(
          "convention ", row.id, ": the base of ", base.period(),
          " holds no figures for ", absl::StrJoin(gaps, ", "), " in commune ",
          row.commune, "; requests for them will be refused"));
    }
    if (static_cast<int>(rows.size()) < kConventionPage) return warnings;
  }
}

}  // namespace

grpc::Status StatisticsService::ImportStatistics(
    grpc::ServerContext* context,
    grpc::ServerReader<ctg::v1::ImportStatisticsChunk>* reader,
    ctg::v1::ImportStatisticsResponse* response) {
  std::optional<statbase::Base> base;
  return dispatcher_->Staged(
      context, "/ctg.v1.Statistics/ImportStatistics",
      [&](Call& call) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(statbase::Base read,
                             ReadBase(context, reader, config_->limits, call));
        base.emplace(std::move(read));
        return absl::OkStatus();
      },
      [&](Call& call, store::WriteSession& tx) -> absl::Status {
        store::PeriodRow period{
            .period = base->period(),
            .base_version =
                absl::StrCat(base->period(), "@", base->digest().substr(7, 16)),
            .digest = base->digest(),
            .rows = base->row_count(),
            .import_time_us = absl::ToUnixMicros(call.now()),
            .imported_by = call.identity().spiffe_id};
        // In the transaction: no release of the period can commit between
        // this check and the replacement.
        CTG_RETURN_IF_ERROR(CheckRevision(tx, *base));
        CTG_ASSIGN_OR_RETURN(bool replaced,
                             tx.statistics().ReplacePeriod(period));
        // Pieces are stored too (never listed): they tell which communes a
        // QPV touches (store::StatisticsStore::ListTerritories).
        for (statbase::TerritoryId id : base->sorted_territories()) {
          const statbase::Territory& t = base->territory(id);
          std::string commune = t.commune == statbase::kNoTerritory
                                    ? ""
                                    : base->territory(t.commune).code;
          CTG_RETURN_IF_ERROR(tx.statistics().InsertTerritory(
              period.period,
              {t.code, t.name, static_cast<int>(t.level), commune}));
        }
        absl::Status sliced = absl::OkStatus();
        statbase::WriteCommuneSlices(
            *base, [&](absl::string_view commune, absl::string_view rows) {
              if (sliced.ok()) {
                sliced = tx.statistics().AppendSlice(
                    period.period, std::string(commune), std::string(rows));
              }
            });
        CTG_RETURN_IF_ERROR(sliced);
        CTG_ASSIGN_OR_RETURN(std::vector<std::string> warnings,
                             PerimeterWarnings(tx, *base, call.now()));
        for (const std::string& w : warnings) response->add_warnings(w);
        if (!warnings.empty())
          call.AddFact("perimeter_warnings", absl::StrJoin(warnings, "\n"));
        response->set_period(period.period);
        response->set_rows_imported(period.rows);
        response->set_base_version(period.base_version);
        response->set_replaced(replaced);
        call.AddFact("rows", absl::StrCat(period.rows));
        call.AddFact("base_version", period.base_version);
        call.AddFact("replaced", replaced ? "true" : "false");
        return absl::OkStatus();
      },
      [&](Call&) {
        // The national base is ~40 MB while validated: give it back to the
        // system now rather than keep it in the allocator's free lists.
        base.reset();
        malloc_trim(0);
        return absl::OkStatus();
      });
}

}  // namespace ctg::gateway
