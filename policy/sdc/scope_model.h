// The table model of one commune's scope against the reader model of
// docs/secret-statistique.md: which indicators the reader knows and the
// protection must take in, the commune's territories and hidden pieces, the
// periods (which must share their territories), and exactly the scope's cells
// requested.
//
// The statistical bases live in statbase, which links policy: the caller
// hands the catalogue's relations over as plain data (ScopeCatalogue) and each
// period's base behind PeriodSource.
//
// Pure: no I/O. Thread-safe if the sources are.
#ifndef CTG_POLICY_SDC_SCOPE_MODEL_H_
#define CTG_POLICY_SDC_SCOPE_MODEL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "policy/request_validation.h"
#include "policy/sdc/geography.h"
#include "policy/sdc/release_memory.h"
#include "policy/sdc/table_builder.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc {

// An indicator of the catalogue and the relations every reader knows.
struct CatalogueIndicator {
  std::string code;
  std::string total_equals;  // its total is a cell of this indicator, or ""
  std::string bounded_by;    // a population it never exceeds, or ""
};

struct ScopeCatalogue {
  std::vector<CatalogueIndicator> indicators;  // in catalogue order
  // The allocataire count: it carries the R6 status words.
  std::string population;
  std::vector<SumBoundInput> sum_bounds;
};

// One period's statistical base, as the model reads it.
class PeriodSource {
 public:
  virtual ~PeriodSource() = default;

  virtual const std::string& period() const = 0;
  // The commune's IRIS and QPV parts. Error: kInvalidArgument when the
  // commune is not in the base.
  virtual absl::StatusOr<CommuneLayout> Layout(
      const std::string& commune) const = 0;
  // Error: kInvalidArgument naming the territory and the period when the
  // base does not have it.
  virtual absl::Status CheckTerritory(const std::string& code) const = 0;
  virtual bool HasIndicator(const std::string& code) const = 0;
  // The figures of `indicator` for every piece of `geo`. Error:
  // kInvalidArgument when the base does not have the indicator.
  virtual absl::StatusOr<BlockInput> Block(
      const Geography& geo, const std::string& indicator) const = 0;
  // The allocataires of every piece of `geo` (R6), appended to `input`.
  virtual absl::Status AddPopulations(const Geography& geo,
                                      TableInput& input) const = 0;
};

// The indicators of the model, in catalogue order: the requested ones, the
// indicators of every earlier release to the commune (their published
// figures are known to the reader, and a catalogue relation may tie them to
// a requested cell), and, transitively, those they are tied to by a relation
// (total_equals: a figure masked in one must not be read in the other;
// bounded_by: a sub-population never exceeds its population; a sum bound's
// population when one of its terms is in). The population is always in: it
// carries the R6 status words. Codes outside the catalogue are left out.
std::vector<std::string> ModelIndicators(
    const std::vector<std::string>& requested, const ReleaseMemory& memory,
    const ScopeCatalogue& catalogue);

// The model of `scope` for `commune` over `periods` (at least one, in
// period order): every model indicator a period's base has (a related
// indicator a base lacks is knowledge no reader has; a requested one it
// lacks is an error), every territory of the commune and its hidden pieces,
// with exactly the scope's cells requested.
// Errors: kInvalidArgument for no period, or a territory or indicator the
// bases do not have; kFailedPrecondition when two periods do not have the
// same territories; BuildTable's errors.
absl::StatusOr<TableModel> BuildScopeModel(
    const std::string& commune, const std::vector<const PeriodSource*>& periods,
    const ScopeCatalogue& catalogue, const Scope& scope,
    const ReleaseMemory& memory);

}  // namespace ctg::policy::sdc

#endif  // CTG_POLICY_SDC_SCOPE_MODEL_H_
