// The primary rules of the secret statistique (domain.md R6, R7), each a named
// pure function of one cell and the configuration, and the configuration of
// the whole engine (SdcConfig).
//
// All functions are pure and thread-safe. SdcConfig is a plain value type.
#ifndef CTG_POLICY_SDC_RULES_H_
#define CTG_POLICY_SDC_RULES_H_

#include <cstdint>
#include <vector>

#include "policy/sdc/cell_key.h"
#include "policy/sdc/table_model.h"

namespace ctg::policy::sdc {

// How the LP audit (lp_audit.h) runs as the safety net of every release.
enum class AuditMode {
  kOff,      // never (tests of the Gauss step alone, or huge tables)
  kSampled,  // a seeded random subset of the blocks (sample_fraction)
  kAlways,   // every block, as long as the table is below max_rows
};

struct AuditConfig {
  AuditMode mode = AuditMode::kAlways;
  // kAlways: tables with more inner cells than this are audited by sampling
  // blocks up to this many inner cells (the report says so).
  int64_t max_rows = 200'000;
  double sample_fraction = 0.1;  // kSampled only
  // Solve the bounds as integer programs (tighter, slower). Off: continuous
  // LP, which is what the protection criterion of domain.md is defined by.
  bool integer = false;
  // When the audit finds a breach, add suppressions and re-run (at most this
  // many rounds per block); the release is refused if a breach remains.
  int max_repair_rounds = 60;
};

// Singleton handling in the Gauss step (design doc §3).
enum class SingletonMethod {
  kNone,    // plain elimination (zero/singleton leaks possible; tests only)
  kAnySum,  // a candidate whose reduced column lies on singleton inner cells
            // only is suppressed (default; stricter than SSBtools' anySum: no
            // mixed-sign exception)
};

// A figure the Caf publishes openly (commune-level open data): known to every
// reader, treated like a figure published in an earlier release.
struct OpenFigure {
  CellKey key;
  int64_t value = 0;   // count, or contributors
  int64_t amount = 0;  // euros (amount indicators)
};

// The whole configuration of the secret statistique, with the protection
// criteria of docs/secret-statistique.md ("The protection criteria"):
//   C1 no masked or excluded figure is a single value (always);
//   C2 a small-count cell's feasible max >= frequency_threshold;
//   C3 an excluded territory's allocataire count keeps a feasible interval
//      of width >= excluded_min_width inside [0, territory_threshold - 1];
//   C4 a secondary cell is never exact (C1).
struct SdcConfig {
  int64_t territory_threshold = 100;  // R6: allocataires per territory
  // R7: counts 1..threshold-1 are masked, and so are derived figures
  // (amounts, means) over 1..threshold-1 contributors.
  int64_t frequency_threshold = 5;
  bool mask_zeros = false;  // R7: zeros are figures unless set
  // C3: W, the minimum width of an excluded territory's allocataire interval
  // (inside what its label allows). Ten: twice the R7 threshold (see the doc).
  int64_t excluded_min_width = 10;
  // Group attribute disclosure: a category cell holding every contributor of
  // its territory's total (the other categories are zeros) is masked, so that
  // the table never says "all the RSA recipients of this IRIS are single
  // parents". Off by default (see docs/secret-statistique.md).
  bool group_disclosure = false;
  // Figures published openly by the Caf (empty by default).
  std::vector<OpenFigure> open_data;
  // Apply R6 to hidden pieces of the common refinement (IRIS ∩ QPV, IRIS
  // minus its QPV parts) too, so that a small area cannot be obtained by
  // difference of two released territories.
  bool protect_small_pieces = true;
  SingletonMethod singleton_method = SingletonMethod::kAnySum;
  // Blocks with at least this many inner cells whose territories nest (no
  // overlay) and that have at most one breakdown are eliminated in a sparse
  // hierarchical basis (same decisions, no fill-in; national tables). There
  // the singleton method is SSBtools' "subSum": every sum of 2 to 16
  // singleton inner cells within one cell is protected as a virtual primary.
  int64_t hierarchical_basis_min_rows = 50'000;
  AuditConfig audit;
};

// Why a cell must be protected (primary suppression). Ordered by precedence:
// the first that applies is reported.
enum class PrimaryReason {
  kNone,
  kExcludedTerritory,  // R6
  kSmallCount,         // R7 frequency (and zeros when mask_zeros)
  kDerivedFigure,      // R7 amount/mean over < frequency_threshold
  kGroupDisclosure,    // optional: one category holds the whole total
};

// R6: a territory with fewer than `territory_threshold` allocataires is
// excluded: no figure of it is produced and it is protected like a primary.
bool IsExcludedTerritory(int64_t allocataires, const SdcConfig& config);

// R6 applied to one cell of the table: its territory is excluded, and it is
// a released territory or, with protect_small_pieces, a hidden piece.
bool IsExcludedCell(const Cell& cell, const SdcConfig& config);

// R7 frequency: counts 1..threshold-1 are masked; 0 only when mask_zeros.
bool IsSmallCount(int64_t count, const SdcConfig& config);

// R7 derived figures: an amount or mean over fewer than frequency_threshold
// allocataires is masked (0 contributors means the amount is 0 and is a
// figure like a zero count, masked only when mask_zeros).
bool IsDerivedFigureMasked(int64_t contributors, const SdcConfig& config);

// R7 on one cell of `block`, whatever its territory: a small count in a
// count block (IsSmallCount), a derived figure over too few contributors in
// an amount block (IsDerivedFigureMasked). Such a cell must keep a feasible
// maximum of at least frequency_threshold (C2), even when R6 is the reason it
// is protected.
bool IsSmallFigure(const Cell& cell, const Block& block,
                   const SdcConfig& config);

// The primary reason of one cell of `block` (R6 first, then R7 frequency or
// derived figure).
PrimaryReason ClassifyPrimary(const Cell& cell, const Block& block,
                              const SdcConfig& config);

// Group attribute disclosure (optional): a category of a breakdown holds the
// whole (non-zero) total of its territory.
bool IsGroupDisclosure(int64_t category_value, int64_t total,
                       const SdcConfig& config);

// Whether an inner cell is a *singleton* row for the Gauss step: with zeros
// published, an inner cell that may hold exactly 1 (a known 1, or an unknown
// cross-classified cell bounded by 1); with zeros masked, one that may be 0.
bool IsSingletonRow(const InnerCell& row, const SdcConfig& config);

}  // namespace ctg::policy::sdc

#endif  // CTG_POLICY_SDC_RULES_H_
