// A reader's linear program for tests, written from the reader model of
// docs/secret-statistique.md with its own constraints (not the engine's
// audit): everything a release shows, the status words, and the relations
// between indicators the test states itself. Used to check the criteria C1-C3
// on hand-made bases.
#ifndef CTG_TESTS_POLICY_SDC_READER_LP_H_
#define CTG_TESTS_POLICY_SDC_READER_LP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/sdc/cell_key.h"
#include "policy/sdc/release.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc::testing {

// sum(rows of `sub`) <= sum(rows of `pop`), cells named by key.
struct Relation {
  CellKey sub, pop;
};

struct ReaderModel {
  std::vector<Relation> relations;
  std::string population_indicator = "allocataires";  // carries status words
  int64_t territory_threshold = 100;
  int64_t frequency_threshold = 5;
  int64_t min_width = 10;
};

// The breaches of C1-C3 a reader finds in `release` (every requested masked
// or excluded cell; true values from `model`), as readable strings.
absl::StatusOr<std::vector<std::string>> ReaderBreaches(
    const TableModel& model, const Release& release, const ReaderModel& reader);

}  // namespace ctg::policy::sdc::testing

#endif  // CTG_TESTS_POLICY_SDC_READER_LP_H_
