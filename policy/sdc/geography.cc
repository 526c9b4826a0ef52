#include "policy/sdc/geography.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "policy/territory_code.h"

namespace ctg::policy::sdc {

absl::StatusOr<Geography> Geography::Create(
    std::vector<std::string> pieces, std::vector<TerritorySpec> territories) {
  Geography g;
  g.pieces_ = std::move(pieces);
  for (int32_t i = 0; i < static_cast<int32_t>(g.pieces_.size()); ++i) {
    if (g.pieces_[i].empty() ||
        !g.piece_index_.emplace(g.pieces_[i], i).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "geography: piece \"", g.pieces_[i], "\" is empty or repeated"));
    }
  }
  if (g.pieces_.empty())
    return absl::InvalidArgumentError("geography: no piece");
  absl::flat_hash_set<std::string> codes;
  std::vector<bool> is_territory(g.pieces_.size(), false);
  for (TerritorySpec& t : territories) {
    if (t.code.empty() || !codes.insert(t.code).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "geography: territory \"", t.code, "\" is empty or repeated"));
    }
    if (t.pieces.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("geography: territory ", t.code, " has no piece"));
    }
    Territory out{std::move(t.code), {}};
    for (const std::string& p : t.pieces) {
      const int32_t i = g.PieceIndex(p);
      if (i < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "geography: territory ", out.code, " names unknown piece ", p));
      }
      out.pieces.push_back(i);
    }
    std::sort(out.pieces.begin(), out.pieces.end());
    if (std::adjacent_find(out.pieces.begin(), out.pieces.end()) !=
        out.pieces.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("geography: territory ", out.code, " repeats a piece"));
    }
    if (out.pieces.size() == 1) is_territory[out.pieces[0]] = true;
    g.territories_.push_back(std::move(out));
  }
  for (int32_t i = 0; i < static_cast<int32_t>(g.pieces_.size()); ++i) {
    if (is_territory[i]) continue;
    if (codes.contains(g.pieces_[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("geography: piece id ", g.pieces_[i],
                       " is also the code of a larger territory"));
    }
    g.hidden_pieces_.push_back(i);
  }
  return g;
}

int32_t Geography::PieceIndex(absl::string_view id) const {
  auto it = piece_index_.find(id);
  return it == piece_index_.end() ? -1 : it->second;
}

absl::StatusOr<Geography> CommuneGeography(const CommuneLayout& layout) {
  const std::string& commune = layout.commune;
  if (!IsCommuneCode(commune)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "commune code \"", commune, "\" is not an INSEE commune code"));
  }
  std::vector<std::string> zones = layout.iris;
  if (zones.empty()) zones.push_back(commune);
  std::map<std::string, std::vector<std::string>>
      parts_of_zone;  // zone -> qpvs
  for (const std::string& z : layout.iris) {
    if (!IsIrisCode(z) || !absl::StartsWith(z, commune)) {
      return absl::InvalidArgumentError(
          absl::StrCat("inconsistent hierarchy: IRIS ", z,
                       " is not an IRIS of commune ", commune));
    }
    if (!parts_of_zone.emplace(z, std::vector<std::string>{}).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("IRIS ", z, " is listed twice"));
    }
  }
  if (layout.iris.empty()) parts_of_zone[commune];
  std::map<std::string, std::vector<std::string>> qpv_pieces;
  for (const auto& part : layout.qpv_parts) {
    auto it = parts_of_zone.find(part.iris);
    if (it == parts_of_zone.end() || part.qpv.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "inconsistent hierarchy: QPV ", part.qpv, " part names ", part.iris,
          ", which is not an IRIS of commune ", commune));
    }
    if (std::find(it->second.begin(), it->second.end(), part.qpv) !=
        it->second.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "QPV part ", part.qpv, " ∩ ", part.iris, " is listed twice"));
    }
    it->second.push_back(part.qpv);
    qpv_pieces[part.qpv].push_back(absl::StrCat(part.iris, "+", part.qpv));
  }
  std::vector<std::string> pieces;
  std::vector<TerritorySpec> territories;
  TerritorySpec whole{commune, {}};
  for (const std::string& z : zones) {
    TerritorySpec zone{z, {}};
    const auto& qpvs = parts_of_zone[z];
    if (qpvs.empty()) {
      zone.pieces.push_back(z);
    } else {
      for (const std::string& q : qpvs)
        zone.pieces.push_back(absl::StrCat(z, "+", q));
      zone.pieces.push_back(absl::StrCat(z, "-"));
    }
    for (const std::string& p : zone.pieces) {
      pieces.push_back(p);
      whole.pieces.push_back(p);
    }
    if (!layout.iris.empty()) territories.push_back(std::move(zone));
  }
  territories.insert(territories.begin(), std::move(whole));
  for (auto& [qpv, ps] : qpv_pieces) territories.push_back({qpv, ps});
  return Geography::Create(std::move(pieces), std::move(territories));
}

}  // namespace ctg::policy::sdc
