#include "gateway/services/extract_builder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "extract/extract_csv.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/protection.h"
#include "gateway/services/release_inputs.h"
#include "gateway/services/request_proto.h"
#include "policy/convention.h"
#include "policy/request_state.h"
#include "store/convention_store.h"
#include "store/release_ledger.h"
#include "store/request_store.h"

namespace ctg::gateway {
namespace {

namespace sdc = ::ctg::policy::sdc;

// The SHA-256 of the canonical CSV of `header` and `cells`.
std::string CsvDigest(const ctg::v1::ExtractHeader& header,
                      const std::vector<ctg::v1::ExtractCell>& cells) {
  extract::ExtractCsvWriter csv;
  csv.WriteHeader(header);
  for (const ctg::v1::ExtractCell& cell : cells) csv.WriteCell(cell);
  return csv.FinishDigest();
}

ctg::v1::TerritoryLevel LevelOf(const statbase::Base& base,
                                const std::string& code) {
  auto id = base.FindTerritory(code);
  if (!id) return ctg::v1::TERRITORY_LEVEL_UNSPECIFIED;
  return static_cast<ctg::v1::TerritoryLevel>(base.territory(*id).level);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const PreparedExtract>> PrepareExtract(
    store::ReadSession& session, const std::string& request_id,
    CommuneBases& bases, const Config& config, ReleaseCache& cache,
    EngineSlots& engines, absl::Time deadline) {
  CTG_ASSIGN_OR_RETURN(store::StoredRequest r,
                       session.requests().Get(request_id));
  CTG_ASSIGN_OR_RETURN(store::ConventionRow convention,
                       session.conventions().Get(r.request.convention_id));
  const store::ScopeRow& approved = r.approval->scope;
  policy::Scope scope{approved.indicators, approved.territories,
                      approved.periods, approved.breakdowns};
  PreparedExtract out;
  out.request_id = request_id;
  out.commune = r.request.commune;
  CTG_ASSIGN_OR_RETURN(
      ReleaseInputs in,
      LoadReleaseInputs(session, bases, out.commune, scope.periods));
  const BasesByPeriod& by_period = in.bases;
  const std::string& base_version = in.base_version;
  const store::MemoryRow& memory_row = in.memory;
  // The approved scope is fixed once approved: the request, the bases and
  // the memory determine the release.
  const std::string key =
      absl::StrCat(request_id, "|", base_version, "|", memory_row.version);
  if (auto cached = cache.Find(key)) return cached;
  auto slot = engines.Acquire(deadline);
  if (slot == nullptr) {
    return absl::DeadlineExceededError(
        "every secret statistique engine stayed busy until the call's "
        "deadline; nothing "
        "released, retry later");
  }
  // Another call may have computed it while this one waited for a slot.
  if (auto cached = cache.Find(key)) return cached;
  out.memory_version = memory_row.version;
  CTG_ASSIGN_OR_RETURN(sdc::ReleaseMemory memory, ParseMemory(memory_row));
  CTG_ASSIGN_OR_RETURN(
      sdc::Release release,
      ProtectScope(out.commune, by_period, scope, memory,
                   SdcConfigFrom(config.secret), base_version));
  // What the memory becomes once this release is delivered.
  CTG_RETURN_IF_ERROR(memory.Record(release));
  std::string after = memory.Serialize();
  out.memory_changes = after != memory_row.text;
  if (out.memory_changes) out.memory_after = std::move(after);
  ctg::v1::ExtractHeader& h = out.header;
  h.set_request_id(request_id);
  h.set_commune(out.commune);
  h.set_convention_id(convention.id);
  h.set_source_mention(absl::StrCat("Source : ", convention.caf_name));  // R4
  h.set_purpose(r.request.purpose);                                      // R2
  h.set_objective(r.request.objective);
  for (const store::RecipientRow& rec : r.request.recipients) {
    ctg::v1::Recipient* out_rec = h.add_recipients();
    out_rec->set_kind(static_cast<ctg::v1::Recipient::Kind>(rec.kind));
    out_rec->set_name(rec.name);
    out_rec->set_operator_person(rec.operator_person);
  }
  h.set_base_version(base_version);
  const statbase::Base& any_base = *by_period.begin()->second;
  for (const sdc::ReleasedCell& c : release.cells) {
    ctg::v1::ExtractCell& cell = out.cells.emplace_back();
    cell.set_territory(c.key.territory);
    cell.set_level(LevelOf(any_base, c.key.territory));
    cell.set_period(c.key.period);
    cell.set_indicator(c.key.indicator);
    cell.set_breakdown(c.key.breakdown);
    cell.set_category(c.key.category);
    switch (c.status) {
      case sdc::CellStatus::kPublished:
        cell.set_status(ctg::v1::PUBLISHED);
        // Amount indicators publish euros; counts publish the count.
        cell.set_value(c.amount_block ? c.amount : c.value);
        ++out.published;
        break;
      case sdc::CellStatus::kMasked:
        cell.set_status(ctg::v1::MASKED);  // R7: no figure, no reason
        ++out.masked;
        break;
      case sdc::CellStatus::kExcluded:
        cell.set_status(ctg::v1::EXCLUDED);  // R6: no figure
        ++out.excluded;
        break;
    }
  }
  h.set_cell_count(static_cast<int64_t>(out.cells.size()));
  // The extract id is derived from the content, so that the same table
  // always has the same bytes (id included) and digest.
  h.set_extract_id(absl::StrCat("EXT-", CsvDigest(h, out.cells).substr(0, 16)));
  out.sha256 = CsvDigest(h, out.cells);
  auto shared = std::make_shared<const PreparedExtract>(std::move(out));
  cache.Put(key, shared);
  return shared;
}

}  // namespace ctg::gateway
