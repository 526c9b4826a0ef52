#include "statbase/base_builder.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/echo.h"
#include "statbase/csv_format.h"

namespace ctg::statbase {
namespace {

using internal::CellTable;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string ShapeMessage(TerritoryLevel level, absl::string_view code) {
  switch (level) {
    case TerritoryLevel::kCommune:
      return absl::StrCat("\"", BoundedEcho(code),
                          "\" is not a commune code (2 digits or 2A/2B, then "
                          "3 digits)");
    case TerritoryLevel::kIris:
      return absl::StrCat("\"", BoundedEcho(code),
                          "\" is not an IRIS code (a commune code, then 4 "
                          "digits)");
    case TerritoryLevel::kQpv:
      return absl::StrCat("\"", BoundedEcho(code),
                          "\" is not a QPV code (QP or QN, a 3-character "
                          "department, then 3 digits or capital letters)");
    case TerritoryLevel::kIrisQpv:
      return absl::StrCat("\"", BoundedEcho(code),
                          "\" is not an iris_qpv code (<IRIS code>+<QPV "
                          "code>)");
  }
  return "";
}

// The parent commune a territory of this level and code must declare, for
// levels where it is implied by the code.
std::optional<absl::string_view> ImpliedParent(TerritoryLevel level,
                                               absl::string_view code) {
  switch (level) {
    case TerritoryLevel::kCommune:
      return absl::string_view();
    case TerritoryLevel::kIris:
      return CommuneOfIris(code);
    case TerritoryLevel::kIrisQpv:
      return CommuneOfIris(IrisOfPiece(code));
    case TerritoryLevel::kQpv:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

bool IsValidPeriod(absl::string_view period) {
  if (period.size() != 4 && period.size() != 7) return false;
  for (size_t i = 0; i < 4; ++i) {
    if (!IsDigit(period[i])) return false;
  }
  if (period.size() == 4) return true;
  if (period[4] != '-' || !IsDigit(period[5]) || !IsDigit(period[6])) {
    return false;
  }
  const int month = (period[5] - '0') * 10 + (period[6] - '0');
  return month >= 1 && month <= 12;
}

absl::StatusOr<BaseBuilder> BaseBuilder::Create(absl::string_view period,
                                                int64_t max_errors) {
  if (!IsValidPeriod(period)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "period \"", BoundedEcho(period), "\" is neither YYYY nor YYYY-MM"));
  }
  return BaseBuilder(std::string(period), max_errors);
}

BaseBuilder::BaseBuilder(std::string period, int64_t max_errors)
    : period_(std::move(period)),
      errors_(max_errors),
      cells_(CellCount(), AmountCellCount()),
      lines_(CellCount(), 0),
      present_(Indicators().size(), false) {}

std::optional<TerritoryId> BaseBuilder::AddTerritory(const TerritoryDecl& decl,
                                                     int64_t line) {
  TerritoryId id = kNoTerritory;
  if (!FindDeclared(decl, line, &id) || !CheckParentAndName(decl, line)) {
    return std::nullopt;
  }
  if (id == kNoTerritory) return AddNew(decl, line);
  if (!AgreesWithFirstRow(id, decl, line)) return std::nullopt;
  last_ = id;
  return id;
}

bool BaseBuilder::FindDeclared(const TerritoryDecl& decl, int64_t line,
                               TerritoryId* id) {
  if (last_ != kNoTerritory && territories_[last_].code == decl.code &&
      territories_[last_].level == decl.level) {
    *id = last_;
    return true;
  }
  if (!HasLevelShape(decl.level, decl.code)) {
    errors_.Add(line, "territory_code", ShapeMessage(decl.level, decl.code));
    return false;
  }
  *id = FindCode(decl.code);
  return true;
}

bool BaseBuilder::CheckParentAndName(const TerritoryDecl& decl, int64_t line) {
  // The parent must fit the code (or, for a QPV, be a commune code).
  const std::optional<absl::string_view> implied =
      ImpliedParent(decl.level, decl.code);
  if (implied.has_value() && decl.parent_commune != *implied) {
    if (decl.level == TerritoryLevel::kCommune) {
      errors_.Add(line, "parent_commune",
                  absl::StrCat("must be empty for a commune, found \"",
                               BoundedEcho(decl.parent_commune), "\""));
    } else {
      errors_.Add(line, "parent_commune",
                  absl::StrCat("\"", BoundedEcho(decl.parent_commune),
                               "\" is not the commune of ",
                               TerritoryLevelName(decl.level), " ", decl.code,
                               " (expected ", *implied, ")"));
    }
    return false;
  }
  if (!implied.has_value() && !IsCommuneCode(decl.parent_commune)) {
    errors_.Add(line, "parent_commune",
                absl::StrCat("\"", BoundedEcho(decl.parent_commune),
                             "\" is not a commune code"));
    return false;
  }
  if (decl.name.empty()) {
    errors_.Add(line, "territory_name", "is empty");
    return false;
  }
  return true;
}

bool BaseBuilder::AgreesWithFirstRow(TerritoryId id, const TerritoryDecl& decl,
                                     int64_t line) {
  const Territory& t = territories_[id];
  if (decl.name != t.name) {
    errors_.Add(line, "territory_name",
                absl::StrCat("\"", BoundedEcho(decl.name), "\" differs from \"",
                             BoundedEcho(t.name), "\" on line ",
                             first_line_[id], " for territory ", t.code));
    return false;
  }
  if (decl.level != TerritoryLevel::kQpv) return true;
  const std::string& first_parent = qpv_parent_[id];
  if (decl.parent_commune != first_parent) {
    errors_.Add(line, "parent_commune",
                absl::StrCat("\"", BoundedEcho(decl.parent_commune),
                             "\" differs from \"", BoundedEcho(first_parent),
                             "\" on line ", first_line_[id], " for territory ",
                             t.code));
    return false;
  }
  return true;
}

std::optional<TerritoryId> BaseBuilder::AddNew(const TerritoryDecl& decl,
                                               int64_t line) {
  if (territories_.size() >= csv::kMaxTerritories) {
    errors_.Add(
        line, "",
        absl::StrCat("more than ", csv::kMaxTerritories, " territories"));
    return std::nullopt;
  }
  const TerritoryId id = static_cast<TerritoryId>(territories_.size());
  Territory& t = territories_.emplace_back();
  t.code = std::string(decl.code);
  t.name = std::string(decl.name);
  t.level = decl.level;
  by_code_.emplace(t.code, id);
  first_line_.push_back(line);
  if (decl.level == TerritoryLevel::kQpv) {
    qpv_parent_.emplace(id, std::string(decl.parent_commune));
  }
  cells_.Grow(id);
  lines_.Grow(id);
  last_ = id;
  return id;
}

TerritoryId BaseBuilder::FindCode(absl::string_view code) const {
  auto it = by_code_.find(code);
  return it == by_code_.end() ? kNoTerritory : it->second;
}

bool BaseBuilder::SetCell(TerritoryId territory, CellId cell, uint32_t count,
                          int64_t amount, int64_t line) {
  const bool is_amount = AmountSlotOf(cell).has_value();
  if (count > kMaxCount) {
    errors_.Add(line, "count",
                absl::StrCat(count, " is too large (maximum ", kMaxCount, ")"));
    return false;
  }
  if (!is_amount && amount != 0) {
    errors_.Add(line, "amount_eur", "must be empty for a count indicator");
    return false;
  }
  if (amount < 0 || amount > kMaxAmount) {
    errors_.Add(
        line, "amount_eur",
        absl::StrCat(amount, " is out of range (0 to ", kMaxAmount, ")"));
    return false;
  }
  if (amount > 0 && count == 0) {
    errors_.Add(
        line, "amount_eur",
        absl::StrCat(amount, " euros with no contributor (count is 0)"));
    return false;
  }
  uint32_t& slot = cells_.count(territory, cell);
  if (slot != CellTable::kUnset) {
    errors_.Add(
        line, "",
        absl::StrCat("duplicate row for territory ",
                     territories_[territory].code, ", ", DescribeCell(cell)));
    return false;
  }
  slot = count;
  lines_.count(territory, cell) = static_cast<uint32_t>(
      std::clamp<int64_t>(line, 0, CellTable::kUnset - 1));
  if (is_amount) cells_.amount(territory, *AmountSlotOf(cell)) = amount;
  present_[KeyOf(cell).indicator] = true;
  return true;
}

void BaseBuilder::ResolveTerritories() {
  if (territories_.empty()) {
    errors_.Add(0, "", "the base has no rows");
    return;
  }
  for (TerritoryId id = 0; id < territories_.size(); ++id) {
    switch (territories_[id].level) {
      case TerritoryLevel::kCommune:
        break;
      case TerritoryLevel::kIris:
        LinkIris(id);
        break;
      case TerritoryLevel::kQpv:
        LinkQpv(id);
        break;
      case TerritoryLevel::kIrisQpv:
        LinkIrisQpv(id);
        break;
    }
  }
  for (TerritoryId id = 0; id < territories_.size(); ++id) {
    Territory& t = territories_[id];
    std::sort(t.parts.begin(), t.parts.end(),
              [this](TerritoryId a, TerritoryId b) {
                return territories_[a].code < territories_[b].code;
              });
    if (t.level == TerritoryLevel::kQpv) CheckQpvPieces(t);
  }
}

void BaseBuilder::LinkIris(TerritoryId id) {
  Territory& t = territories_[id];
  const absl::string_view commune = CommuneOfIris(t.code);
  t.commune = FindCode(commune);
  if (t.commune == kNoTerritory) {
    errors_.Add(0, "",
                absl::StrCat("iris ", t.code, ": its commune ", commune,
                             " has no rows"));
    return;
  }
  territories_[t.commune].parts.push_back(id);
}

void BaseBuilder::LinkQpv(TerritoryId id) {
  Territory& t = territories_[id];
  const std::string& parent = qpv_parent_[id];
  t.commune = FindCode(parent);
  if (t.commune == kNoTerritory) {
    errors_.Add(0, "",
                absl::StrCat("qpv ", t.code, ": its parent commune ", parent,
                             " has no rows"));
  }
}

void BaseBuilder::LinkIrisQpv(TerritoryId id) {
  Territory& t = territories_[id];
  const absl::string_view iris = IrisOfPiece(t.code);
  const absl::string_view qpv = QpvOfPiece(t.code);
  t.iris = FindCode(iris);
  t.qpv = FindCode(qpv);
  t.commune = FindCode(CommuneOfIris(iris));
  if (t.iris == kNoTerritory) {
    errors_.Add(
        0, "",
        absl::StrCat("iris_qpv ", t.code, ": its IRIS ", iris, " has no rows"));
  } else {
    territories_[t.iris].parts.push_back(id);
  }
  if (t.qpv == kNoTerritory) {
    errors_.Add(
        0, "",
        absl::StrCat("iris_qpv ", t.code, ": its QPV ", qpv, " has no rows"));
  } else {
    territories_[t.qpv].parts.push_back(id);
  }
}

void BaseBuilder::CheckQpvPieces(const Territory& qpv) {
  if (qpv.parts.empty()) {
    errors_.Add(0, "",
                absl::StrCat("qpv ", qpv.code, " has no iris_qpv piece"));
    return;
  }
  if (qpv.commune == kNoTerritory) return;
  const bool touches_parent = std::any_of(
      qpv.parts.begin(), qpv.parts.end(),
      [&](TerritoryId p) { return territories_[p].commune == qpv.commune; });
  if (!touches_parent) {
    errors_.Add(0, "",
                absl::StrCat("qpv ", qpv.code,
                             ": none of its pieces lies in its parent "
                             "commune ",
                             territories_[qpv.commune].code));
  }
}

void BaseBuilder::CheckCompleteness() {
  for (TerritoryId id = 0; id < territories_.size(); ++id) {
    for (IndicatorId ind = 0; ind < present_.size(); ++ind) {
      if (!present_[ind]) continue;
      const CellId end = static_cast<CellId>(FirstCell(ind) + CellsOf(ind));
      for (CellId cell = FirstCell(ind); cell < end; ++cell) {
        if (cells_.count(id, cell) == CellTable::kUnset) {
          errors_.Add(0, "",
                      absl::StrCat("territory ", territories_[id].code,
                                   ": missing row for ", DescribeCell(cell)));
        }
      }
    }
  }
}

void BaseBuilder::CheckSums() {
  // Categories sum to their total.
  for (TerritoryId id = 0; id < territories_.size(); ++id) {
    for (IndicatorId ind = 0; ind < present_.size(); ++ind) {
      if (!present_[ind]) continue;
      const Indicator& indicator = Indicators()[ind];
      const CellId total = TotalCell(ind);
      const std::optional<uint16_t> total_slot = AmountSlotOf(total);
      for (size_t b = 0; b < indicator.breakdowns.size(); ++b) {
        uint64_t count = 0;
        int64_t amount = 0;
        for (size_t c = 0; c < indicator.breakdowns[b].categories.size(); ++c) {
          const CellId cell =
              CategoryCell(ind, static_cast<int>(b), static_cast<int>(c));
          count += cells_.count(id, cell);
          if (total_slot) amount += cells_.amount(id, *AmountSlotOf(cell));
        }
        const std::string where =
            absl::StrCat("territory ", territories_[id].code, ", indicator \"",
                         indicator.code, "\", breakdown \"",
                         indicator.breakdowns[b].code, "\": ");
        if (count != cells_.count(id, total)) {
          errors_.Add(0, "",
                      absl::StrCat(where, "categories sum to ", count,
                                   ", the total is ", cells_.count(id, total)));
        }
        if (total_slot && amount != cells_.amount(id, *total_slot)) {
          errors_.Add(0, "",
                      absl::StrCat(where, "category amounts sum to ", amount,
                                   " euros, the total is ",
                                   cells_.amount(id, *total_slot), " euros"));
        }
      }
    }
  }
  // IRIS partition their commune; pieces make up their QPV and fit in their
  // IRIS.
  for (TerritoryId id = 0; id < territories_.size(); ++id) {
    const Territory& t = territories_[id];
    if (t.parts.empty()) continue;
    switch (t.level) {
      case TerritoryLevel::kCommune:
        CheckPartsSum(id, "IRIS", /*exact=*/true);
        break;
      case TerritoryLevel::kQpv:
        CheckPartsSum(id, "pieces", /*exact=*/true);
        break;
      case TerritoryLevel::kIris:
        CheckPartsSum(id, "pieces", /*exact=*/false);
        break;
      case TerritoryLevel::kIrisQpv:
        break;
    }
  }
}

void BaseBuilder::CheckPartsSum(TerritoryId whole, absl::string_view parts_name,
                                bool exact) {
  const Territory& t = territories_[whole];
  const absl::string_view level = TerritoryLevelName(t.level);
  const absl::string_view whole_name =
      t.level == TerritoryLevel::kCommune ? "commune"
      : t.level == TerritoryLevel::kQpv   ? "QPV"
                                          : "IRIS";
  for (IndicatorId ind = 0; ind < present_.size(); ++ind) {
    if (!present_[ind]) continue;
    const CellId end = static_cast<CellId>(FirstCell(ind) + CellsOf(ind));
    for (CellId cell = FirstCell(ind); cell < end; ++cell) {
      const std::optional<uint16_t> slot = AmountSlotOf(cell);
      uint64_t count = 0;
      int64_t amount = 0;
      for (TerritoryId p : t.parts) {
        count += cells_.count(p, cell);
        if (slot) amount += cells_.amount(p, *slot);
      }
      const uint64_t whole_count = cells_.count(whole, cell);
      const int64_t whole_amount = slot ? cells_.amount(whole, *slot) : 0;
      const bool count_bad = exact ? count != whole_count : count > whole_count;
      const bool amount_bad =
          exact ? amount != whole_amount : amount > whole_amount;
      const std::string where = absl::StrCat(
          level, " ", t.code, ", ", DescribeCell(cell), ": its ", parts_name);
      if (count_bad) {
        errors_.Add(
            0, "",
            exact ? absl::StrCat(where, " sum to ", count, ", the ", whole_name,
                                 " has ", whole_count)
                  : absl::StrCat(where, " sum to ", count, ", more than the ",
                                 whole_name, "'s ", whole_count));
      }
      if (slot && amount_bad) {
        errors_.Add(0, "",
                    exact ? absl::StrCat(where, " amounts sum to ", amount,
                                         " euros, the ", whole_name, " has ",
                                         whole_amount, " euros")
                          : absl::StrCat(where, " amounts sum to ", amount,
                                         " euros, more than the ", whole_name,
                                         "'s ", whole_amount, " euros"));
      }
    }
  }
}

std::string BaseBuilder::LineOf(TerritoryId territory, CellId cell,
                                absl::string_view before,
                                absl::string_view after) const {
  const uint32_t line = lines_.count(territory, cell);
  if (line == 0 || line == CellTable::kUnset) return "";
  return absl::StrCat(before, line, after);
}

void BaseBuilder::CheckRelations() {
  for (IndicatorId ind = 0; ind < present_.size(); ++ind) {
    if (!present_[ind]) continue;
    const Indicator& indicator = Indicators()[ind];
    // total_equals: the same number under two codes.
    if (!indicator.total_equals.indicator.empty()) {
      const CellRef& ref = indicator.total_equals;
      const std::optional<CellId> other =
          FindCell(ref.indicator, ref.breakdown, ref.category);
      if (other && present_[KeyOf(*other).indicator]) {
        const CellId total = TotalCell(ind);
        for (TerritoryId id = 0; id < territories_.size(); ++id) {
          if (cells_.count(id, total) != cells_.count(id, *other)) {
            errors_.Add(lines_.count(id, total), "",
                        absl::StrCat("territory ", territories_[id].code, ": ",
                                     DescribeCell(total), " is ",
                                     cells_.count(id, total), ", but ",
                                     DescribeCell(*other), " is ",
                                     cells_.count(id, *other),
                                     LineOf(id, *other, " (line ", ")")));
          }
        }
      }
    }
    // bounded_by: never more than another indicator, total and shared
    // breakdowns. When the bound is not in the base, the bound's own bound
    // is (a sub-population of a sub-population).
    std::optional<IndicatorId> bound =
        indicator.bounded_by.empty() ? std::nullopt
                                     : FindIndicatorId(indicator.bounded_by);
    while (bound && !present_[*bound]) {
      const absl::string_view next = Indicators()[*bound].bounded_by;
      bound = next.empty() ? std::nullopt : FindIndicatorId(next);
    }
    if (!bound) continue;
    std::vector<std::pair<CellId, CellId>> pairs = {
        {TotalCell(ind), TotalCell(*bound)}};
    const Indicator& bound_indicator = Indicators()[*bound];
    for (size_t b = 0; b < indicator.breakdowns.size(); ++b) {
      const Breakdown& breakdown = indicator.breakdowns[b];
      for (size_t c = 0; c < breakdown.categories.size(); ++c) {
        const std::optional<CellId> other = FindCell(
            bound_indicator.code, breakdown.code, breakdown.categories[c].code);
        if (other) {
          pairs.emplace_back(
              CategoryCell(ind, static_cast<int>(b), static_cast<int>(c)),
              *other);
        }
      }
    }
    for (TerritoryId id = 0; id < territories_.size(); ++id) {
      for (const auto& [cell, other] : pairs) {
        if (cells_.count(id, cell) > cells_.count(id, other)) {
          errors_.Add(
              lines_.count(id, cell), "",
              absl::StrCat("territory ", territories_[id].code, ", ",
                           DescribeCell(cell), ": ", cells_.count(id, cell),
                           " exceeds ", DescribeCell(other), " (",
                           cells_.count(id, other),
                           LineOf(id, other, ", line ", ""), ")"));
        }
      }
    }
  }
}

void BaseBuilder::CheckSumBounds() {
  for (const SumBound& bound : SumBounds()) {
    const std::optional<IndicatorId> population =
        FindIndicatorId(bound.population);
    if (!population || !present_[*population]) continue;
    std::vector<CellId> terms;
    for (const CellRef& ref : bound.terms) {
      const std::optional<CellId> cell =
          FindCell(ref.indicator, ref.breakdown, ref.category);
      if (cell && present_[KeyOf(*cell).indicator]) terms.push_back(*cell);
    }
    if (terms.size() != bound.terms.size()) continue;
    const CellId whole = TotalCell(*population);
    for (TerritoryId id = 0; id < territories_.size(); ++id) {
      int64_t sum = 0;
      for (CellId cell : terms) sum += cells_.count(id, cell);
      if (sum <= cells_.count(id, whole)) continue;
      std::vector<std::string> names;
      for (CellId cell : terms) names.push_back(DescribeCell(cell));
      errors_.Add(lines_.count(id, whole), "",
                  absl::StrCat("territory ", territories_[id].code, ": ",
                               absl::StrJoin(names, " + "), " is ", sum,
                               ", more than ", DescribeCell(whole), " (",
                               cells_.count(id, whole), ")"));
    }
  }
}

absl::StatusOr<Base> BaseBuilder::Build(absl::string_view subject) {
  if (errors_.empty()) ResolveTerritories();
  if (errors_.empty()) CheckCompleteness();
  if (errors_.empty()) {
    CheckSums();
    CheckRelations();
    CheckSumBounds();
  }
  if (!errors_.empty()) return errors_.ToStatus(subject);
  by_code_.clear();
  qpv_parent_.clear();
  first_line_.clear();
  first_line_.shrink_to_fit();
  lines_ = CellTable(0, 0);
  return Base(std::move(period_), std::move(territories_), std::move(cells_),
              std::move(present_));
}

}  // namespace ctg::statbase
