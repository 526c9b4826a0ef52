// The attacker: what a commune's reader can compute from everything released
// to it, written from the reader model of domain.md ("The reader knows more
// than the table") and nothing of the engine (no policy/sdc model, relation
// or audit code; only its Release type, which is what an extract shows).
//
// Unknowns: the true count of every cell (every indicator the base holds,
// total and every category of every breakdown) of every *area* of the
// commune: each piece IRIS ∩ QPV and each IRIS outside its QPVs (the reader
// knows which IRIS a QPV overlaps), and the amount in euros of every amount
// cell. All non-negative. A territory's figure is the sum of its areas.
// Known to the reader:
//   - every figure published to the commune, in every release observed;
//   - categories sum to their total in every area, for every breakdown;
//   - relations.h, in every area;
//   - masked ⇒ at least 1 (zeros are published); for an amount cell, at
//     least one contributor;
//   - a territory shown "excluded" has at most threshold - 1 allocataires, a
//     territory shown with figures at least threshold.
// For every masked or excluded figure shown so far, Judge() solves min and
// max of its value (continuous LP, GLPK) and reports breaches of:
//   C1  an excluded figure, or a masked count of 1 to threshold-1, is a
//       single value (max - min < 1);
//   C2  a masked count of 1 to threshold-1 has max < threshold (for a
//       masked amount over 1 to threshold-1 contributors: the max of its
//       contributors);
//   C3  an excluded territory (fewer allocataires than the threshold) has a
//       feasible allocataire interval narrower than min_excluded_width;
//   C4  a secondary cell (masked, true value 0 or >= threshold) is a single
//       value;
//   C0  a direct disclosure: a published figure that is a small count, of a
//       territory under the threshold, or differs from the base; a masked
//       zero while zeros are published; an excluded label on a territory
//       that is not small (the reader's inferences would be false).
//   C3-hidden  a hidden piece (IRIS ∩ QPV, IRIS outside its QPVs) or a
//       territory of the commune never released, under the threshold, has
//       a feasible allocataire interval narrower than min_excluded_width;
// A figure whose true value is 0 pinned to 0 is C1 only when
// zero_pinned_is_breach (default: a note, as the engine's criteria say); C3
// on a territory or piece with no allocataire is a note ("note-empty": it
// protects nobody).
// A masked zero (while zeros are published) is not a disclosure but makes the
// reader's "masked ⇒ at least 1" false: it is reported as
// "note-masked-zero", not a breach, and that inference is dropped for it.
//
// Not thread-safe; GLPK calls happen in Judge() on the calling thread.
#ifndef CTG_TESTS_ATTACK_READER_MODEL_H_
#define CTG_TESTS_ATTACK_READER_MODEL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/sdc/release.h"
#include "statbase/base.h"

namespace ctg::attack {

struct Criteria {
  int64_t territory_threshold = 100;
  int64_t frequency_threshold = 5;
  int64_t min_excluded_width = 10;
  // Whether a figure whose true value is 0, pinned to 0, breaks C1. The
  // engine's documented exception (a zero discloses nobody while zeros are
  // figures) says no; such figures are then counted as "note-zero-pinned".
  bool zero_pinned_is_breach = false;
  // Whether the reader also uses relations true by definition that the
  // catalogue does not declare (relations.h).
  bool beyond_catalogue = true;
};

struct Breach {
  std::string
      criterion;     // "C0".."C4", "C3-hidden", or "note-..." (not a breach)
  std::string what;  // territory/indicator/breakdown=category (amount)
  double lower = 0;
  double upper = 0;
  int64_t truth = 0;
  std::string ToString() const;
};

struct JudgeStats {
  int64_t targets = 0;  // figures judged
  int64_t lp_solves = 0;
};

class ReaderLp;

class ReaderModel {
 public:
  // Fails if `commune` is not a commune of `base`, or the base holds no
  // allocataires.
  static absl::StatusOr<ReaderModel> Create(
      std::shared_ptr<const statbase::Base> base, std::string commune,
      Criteria criteria);

  // Adds what `release` shows the commune (every cell's status and published
  // figure; the label of each territory). Direct disclosures (C0) are kept
  // for Judge(). InvalidArgument for a cell the base does not have.
  absl::Status Observe(const policy::sdc::Release& release);

  // Every breach of the criteria by everything observed so far.
  // Internal if the LP is infeasible (the model contradicts the truth: a bug
  // of the attacker) or GLPK fails.
  absl::StatusOr<std::vector<Breach>> Judge(JudgeStats* stats = nullptr) const;

 private:
  struct Shown {
    policy::sdc::CellStatus status;
    int64_t figure = 0;  // published figure (count, or euros)
  };
  // (territory, cell, amount?)
  using FigureKey = std::tuple<std::string, statbase::CellId, bool>;

  friend class ReaderLp;

  ReaderModel(std::shared_ptr<const statbase::Base> base, std::string commune,
              Criteria criteria);
  void BuildAreas();
  int64_t Truth(const FigureKey& key) const;
  int64_t Population(const std::string& territory) const;
  int64_t AreaPopulation(int area) const;
  const char* ZeroPinned() const;
  // The criteria, appending breaches to `out`; errors from the LP.
  absl::Status CheckShown(ReaderLp& lp, std::vector<Breach>& out) const;
  absl::Status CheckExcluded(ReaderLp& lp, std::vector<Breach>& out) const;
  absl::Status CheckHidden(ReaderLp& lp, std::vector<Breach>& out) const;

  std::shared_ptr<const statbase::Base> base_;
  std::string commune_;
  Criteria criteria_;
  // Areas (base territory ids: a piece, an IRIS for its part outside QPVs,
  // or the commune when it has no IRIS) and, per released territory, its
  // areas. `minus_` holds, per IRIS area, the pieces to subtract for truth.
  std::vector<statbase::TerritoryId> areas_;
  std::map<std::string, std::vector<int>> areas_of_;
  std::map<FigureKey, Shown> shown_;
  std::set<std::string> excluded_, displayed_;
  std::vector<Breach> direct_;
  std::set<std::string> direct_seen_;
};

}  // namespace ctg::attack

#endif  // CTG_TESTS_ATTACK_READER_MODEL_H_
