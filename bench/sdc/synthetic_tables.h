// Deterministic synthetic tables for the secret statistique benchmarks: a
// commune-size release and a national table. Counts follow a skewed category
// mix over IRIS of varying size, so that there are small cells, zeros and
// territories under 100 allocataires, as in real Caf data.
#ifndef CTG_BENCH_SDC_SYNTHETIC_TABLES_H_
#define CTG_BENCH_SDC_SYNTHETIC_TABLES_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "policy/sdc/geography.h"
#include "policy/sdc/table_builder.h"

namespace ctg::bench::sdc {

struct SyntheticTable {
  policy::sdc::Geography geography;
  policy::sdc::TableInput input;
};

// One commune (33069) with 12 IRIS and a QPV over three of them; 15
// indicators (the first is the allocataire count) × 3 periods, each with one
// breakdown of 5 categories. `linked`: the 14 others are sub-populations of
// the first (each category a binomial thinning of the allocataires'), tied to
// it by bounded_by, as in the Caf's catalogue: the full reader model.
absl::StatusOr<SyntheticTable> CommuneRelease(uint64_t seed,
                                              bool linked = false);

// France-like: 101 départements, `communes` communes of which about one in
// seven is divided into IRIS, `iris` IRIS in all (an undivided commune counts
// as one IRIS, code commune + "0000", as INSEE does), one allocataire-count
// indicator with a breakdown of `categories` categories, one period.
absl::StatusOr<SyntheticTable> NationalTable(int communes, int iris,
                                             int categories, uint64_t seed);

}  // namespace ctg::bench::sdc

#endif  // CTG_BENCH_SDC_SYNTHETIC_TABLES_H_
