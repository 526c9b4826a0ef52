#include "statbase/base.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "openssl/evp.h"
#include "statbase/csv_export.h"

namespace ctg::statbase {
namespace {

struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

std::string ComputeDigest(const Base& base) {
  std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter> ctx(EVP_MD_CTX_new());
  // SHA-256 through the default provider cannot fail short of memory
  // exhaustion; a failure would leave a visibly bad digest below.
  bool ok = ctx != nullptr &&
            EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1;
  WriteCanonicalCsv(base, [&](absl::string_view chunk) {
    if (ok) ok = EVP_DigestUpdate(ctx.get(), chunk.data(), chunk.size()) == 1;
  });
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ok || EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) {
    return "sha256:error";
  }
  return absl::StrCat("sha256:", absl::BytesToHexString(absl::string_view(
                                     reinterpret_cast<const char*>(md), len)));
}

}  // namespace

Base::Base(std::string period, std::deque<Territory> territories,
           internal::CellTable cells, std::vector<bool> present)
    : period_(std::move(period)),
      territories_(std::move(territories)),
      cells_(std::move(cells)),
      present_(std::move(present)) {
  sorted_.resize(territories_.size());
  for (TerritoryId i = 0; i < sorted_.size(); ++i) sorted_[i] = i;
  std::sort(sorted_.begin(), sorted_.end(),
            [this](TerritoryId a, TerritoryId b) {
              return territories_[a].code < territories_[b].code;
            });
  int64_t cells_per_territory = 0;
  for (IndicatorId ind : indicators()) cells_per_territory += CellsOf(ind);
  row_count_ = cells_per_territory * static_cast<int64_t>(territories_.size());
  digest_ = ComputeDigest(*this);
}

std::optional<TerritoryId> Base::FindTerritory(absl::string_view code) const {
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), code,
                             [this](TerritoryId id, absl::string_view c) {
                               return territories_[id].code < c;
                             });
  if (it == sorted_.end() || territories_[*it].code != code) {
    return std::nullopt;
  }
  return *it;
}

std::vector<IndicatorId> Base::indicators() const {
  std::vector<IndicatorId> out;
  for (size_t i = 0; i < present_.size(); ++i) {
    if (present_[i]) out.push_back(static_cast<IndicatorId>(i));
  }
  return out;
}

std::optional<CellValue> Base::Value(TerritoryId id, CellId cell) const {
  if (!present_[KeyOf(cell).indicator]) return std::nullopt;
  CellValue v;
  v.count = cells_.count(id, cell);
  if (std::optional<uint16_t> slot = AmountSlotOf(cell)) {
    v.amount = cells_.amount(id, *slot);
  }
  return v;
}

absl::StatusOr<CellValue> Base::Find(absl::string_view territory,
                                     absl::string_view indicator,
                                     absl::string_view breakdown,
                                     absl::string_view category) const {
  std::optional<TerritoryId> id = FindTerritory(territory);
  if (!id.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "territory ", territory, " is not in the base for ", period_));
  }
  std::optional<CellId> cell = FindCell(indicator, breakdown, category);
  if (!cell.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "no cell indicator \"", indicator, "\", breakdown \"", breakdown,
        "\", category \"", category, "\" in the catalogue"));
  }
  std::optional<CellValue> v = Value(*id, *cell);
  if (!v.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "indicator \"", indicator, "\" is not in the base for ", period_));
  }
  return *v;
}

size_t Base::memory_bytes() const {
  size_t bytes =
      cells_.memory_bytes() + sorted_.capacity() * sizeof(TerritoryId);
  for (const Territory& t : territories_) {
    bytes += sizeof(Territory) + t.parts.capacity() * sizeof(TerritoryId);
    if (t.code.capacity() > 15) bytes += t.code.capacity() + 1;
    if (t.name.capacity() > 15) bytes += t.name.capacity() + 1;
  }
  return bytes;
}

std::string DescribeCell(CellId cell) {
  const CellRef ref = RefOf(cell);
  if (ref.breakdown.empty()) {
    return absl::StrCat("indicator \"", ref.indicator, "\"");
  }
  return absl::StrCat("indicator \"", ref.indicator, "\", breakdown \"",
                      ref.breakdown, "\", category \"", ref.category, "\"");
}

}  // namespace ctg::statbase
