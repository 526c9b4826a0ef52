#include "gateway/commune_bases.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "statbase/csv_format.h"
#include "statbase/csv_import.h"
#include "store/statistics_store.h"

namespace ctg::gateway {

absl::StatusOr<CommuneBase> CommuneBases::Get(const std::string& period,
                                              const std::string& commune) {
  absl::StatusOr<CommuneBase> out = absl::UnknownError("not read");
  CTG_RETURN_IF_ERROR(
      db_->Read([&](store::ReadSession& session) -> absl::Status {
        out = Get(session, period, commune);
        return absl::OkStatus();
      }));
  return out;
}

void CommuneBases::Clear() {
  MutexLock lock(&mu_);
  lru_.Clear();
}

absl::StatusOr<CommuneBase> CommuneBases::Get(store::ReadSession& session,
                                              const std::string& period,
                                              const std::string& commune) {
  CTG_ASSIGN_OR_RETURN(std::optional<store::PeriodRow> period_row,
                       session.statistics().GetPeriod(period));
  if (!period_row) {
    return absl::FailedPreconditionError(
        absl::StrCat("the statistical base has no period ", period));
  }
  std::string key = absl::StrCat(period_row->base_version, "/", commune);
  {
    MutexLock lock(&mu_);
    if (std::optional<CommuneBase> cached = lru_.Find(key))
      return *std::move(cached);
  }
  // Same connection, same read transaction: the slice of that version.
  absl::StatusOr<std::string> slice =
      session.statistics().CommuneSlice(period, commune);
  if (absl::IsNotFound(slice.status())) {
    return absl::FailedPreconditionError(slice.status().message());
  }
  CTG_RETURN_IF_ERROR(slice.status());
  std::string csv = absl::StrCat(statbase::csv::kHeader, "\n", *slice);
  auto base =
      statbase::ImportCsv(csv, {.period = period, .file_name = "stored base"});
  if (!base.ok()) {
    return absl::DataLossError(
        absl::StrCat("the stored base of commune ", commune, " for ", period,
                     " no longer validates: ", base.status().message()));
  }
  CommuneBase loaded{period_row->base_version,
                     std::make_shared<const statbase::Base>(std::move(*base))};
  MutexLock lock(&mu_);
  lru_.Put(key, loaded, 1);
  return loaded;
}

}  // namespace ctg::gateway
