// Builds a validated Base from rows: the CSV importer feeds it the rows it
// parsed, ctg-synth the figures it generated, a store may feed it what it
// loads. Every problem is recorded in errors() with the caller's line number
// and the CSV column it concerns; Build() then runs the checks that need the
// whole base (docs/statistics-csv-format.md, "Validation").
//
// Not thread-safe. Memory: about 200 bytes per territory plus 4 bytes per
// (territory, cell) and 8 per (territory, amount cell); while building, 4
// more bytes per (territory, cell) for the line that set it (so that the
// whole-base checks name the lines of the cells they contradict); rows are
// not kept.
#ifndef CTG_STATBASE_BASE_BUILDER_H_
#define CTG_STATBASE_BASE_BUILDER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "statbase/base.h"
#include "statbase/catalogue.h"
#include "statbase/import_error.h"
#include "statbase/internal/cell_table.h"
#include "statbase/territory_code.h"

namespace ctg::statbase {

// Whether `period` is "YYYY" or "YYYY-MM" (month 01 to 12).
bool IsValidPeriod(absl::string_view period);

// What a row says about its territory.
struct TerritoryDecl {
  TerritoryLevel level = TerritoryLevel::kCommune;
  absl::string_view code;
  absl::string_view name;
  // Empty for a commune; the commune code otherwise.
  absl::string_view parent_commune;
};

class BaseBuilder {
 public:
  // InvalidArgument when `period` is not "YYYY" or "YYYY-MM".
  static absl::StatusOr<BaseBuilder> Create(
      absl::string_view period, int64_t max_errors = ErrorList::kDefaultLimit);

  BaseBuilder(BaseBuilder&&) = default;
  BaseBuilder& operator=(BaseBuilder&&) = default;
  BaseBuilder(const BaseBuilder&) = delete;
  BaseBuilder& operator=(const BaseBuilder&) = delete;

  const std::string& period() const { return period_; }

  // Registers the territory a row (at `line`, 0 if none) belongs to, or checks
  // that the row agrees with the rows before it (same name and parent).
  // Records an error (fields "territory_code", "territory_name",
  // "parent_commune") and returns nullopt if the code does not have the
  // level's shape, the parent does not fit, the name is empty, the row
  // disagrees with an earlier one, or there are more than
  // csv::kMaxTerritories territories.
  std::optional<TerritoryId> AddTerritory(const TerritoryDecl& decl,
                                          int64_t line);

  // Sets one cell of a territory returned by AddTerritory. `amount` must be
  // 0 for a count cell. Records an error and returns false for a second
  // value of the same cell (duplicate row), a count above kMaxCount or an
  // amount above kMaxAmount or negative, or an amount without contributors
  // (amount > 0 with count 0).
  bool SetCell(TerritoryId territory, CellId cell, uint32_t count,
               int64_t amount, int64_t line);

  // The errors so far; callers may add their own (parse errors) here.
  ErrorList& errors() { return errors_; }
  const ErrorList& errors() const { return errors_; }

  // Runs the whole-base checks (only if no error was recorded before: they
  // would mostly repeat earlier errors) and returns the Base, or
  // InvalidArgument with errors().ToStatus(subject) when any error was
  // recorded. `subject` names the import in the message, e.g.
  // "base.csv (period 2023)". Leaves the builder empty.
  absl::StatusOr<Base> Build(absl::string_view subject);

 private:
  BaseBuilder(std::string period, int64_t max_errors);

  // AddTerritory's steps, each recording its error and returning false (or
  // nullopt) when the row is refused. FindDeclared: the code's shape, then
  // *id = the territory already declared with that code, or kNoTerritory.
  bool FindDeclared(const TerritoryDecl& decl, int64_t line, TerritoryId* id);
  bool CheckParentAndName(const TerritoryDecl& decl, int64_t line);
  // A later row of a known territory must agree with its first row.
  bool AgreesWithFirstRow(TerritoryId id, const TerritoryDecl& decl,
                          int64_t line);
  std::optional<TerritoryId> AddNew(const TerritoryDecl& decl, int64_t line);
  // The territory of `code`, or kNoTerritory.
  TerritoryId FindCode(absl::string_view code) const;

  // Whole-base checks, recording errors.
  void ResolveTerritories();
  // ResolveTerritories' steps: a territory linked to the ones it lies in,
  // which list it among their parts; a QPV's pieces checked.
  void LinkIris(TerritoryId id);
  void LinkQpv(TerritoryId id);
  void LinkIrisQpv(TerritoryId id);
  void CheckQpvPieces(const Territory& qpv);
  void CheckCompleteness();
  void CheckSums();
  void CheckRelations();
  // Catalogue SumBounds whose indicators are all in the base.
  void CheckSumBounds();
  void CheckPartsSum(TerritoryId whole, absl::string_view parts_name,
                     bool exact);
  // `before` N `after`, N the line that set the cell; "" when unknown.
  std::string LineOf(TerritoryId territory, CellId cell,
                     absl::string_view before, absl::string_view after) const;

  std::string period_;
  ErrorList errors_;
  std::deque<Territory> territories_;
  std::vector<int64_t> first_line_;  // by TerritoryId
  // Keys point into territories_ (a deque: elements never move).
  absl::flat_hash_map<absl::string_view, TerritoryId> by_code_;
  // The parent commune code each QPV declared (other levels derive it).
  absl::flat_hash_map<TerritoryId, std::string> qpv_parent_;
  internal::CellTable cells_;
  // The line that set each cell (0: none given); only counts are used.
  internal::CellTable lines_;
  std::vector<bool> present_;        // by IndicatorId
  TerritoryId last_ = kNoTerritory;  // cache: rows come grouped by territory
};

}  // namespace ctg::statbase

#endif  // CTG_STATBASE_BASE_BUILDER_H_
