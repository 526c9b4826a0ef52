// Geography: the territories a table is cut by, as unions of *pieces*, the
// finest areas the statistical base holds counts for.
//
// Territories need not nest: a QPV overlays IRIS, so the pieces are the common
// refinement (each non-empty IRIS ∩ QPV, and each IRIS minus its QPV parts).
// Every territory is a set of pieces; a piece that is not itself a territory
// becomes a hidden, protected cell of the table (so a small area cannot be
// obtained by difference of two released territories).
//
// CommuneGeography builds the usual layout (commune, its IRIS, its QPVs);
// Geography::Create accepts any layout (e.g. nation > départements >
// communes > IRIS for a national table).
//
// Immutable value type after creation; thread-safe for concurrent reads.
#ifndef CTG_POLICY_SDC_GEOGRAPHY_H_
#define CTG_POLICY_SDC_GEOGRAPHY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ctg::policy::sdc {

struct TerritorySpec {
  std::string code;                 // INSEE code (commune, IRIS, QPV, ...)
  std::vector<std::string> pieces;  // piece ids, non-empty, distinct
};

class Geography {
 public:
  struct Territory {
    std::string code;
    std::vector<int32_t> pieces;  // sorted piece indices
  };

  // InvalidArgument (naming the territory or piece) when a piece id is empty
  // or repeated, a territory code is empty or repeated (also against piece
  // ids of other areas), a territory is empty, repeats a piece or names an
  // unknown piece.
  static absl::StatusOr<Geography> Create(
      std::vector<std::string> pieces, std::vector<TerritorySpec> territories);

  const std::vector<std::string>& pieces() const { return pieces_; }
  const std::vector<Territory>& territories() const { return territories_; }
  // Index of a piece id, or -1.
  int32_t PieceIndex(absl::string_view id) const;
  // Pieces that are not, on their own, any territory (hidden cells).
  const std::vector<int32_t>& hidden_pieces() const { return hidden_pieces_; }

 private:
  std::vector<std::string> pieces_;
  absl::flat_hash_map<std::string, int32_t> piece_index_;
  std::vector<Territory> territories_;
  std::vector<int32_t> hidden_pieces_;
};

// One commune, its IRIS and its QPVs.
struct CommuneLayout {
  std::string commune;  // "33069"
  std::vector<std::string>
      iris;  // "330690101", ...; empty: commune not divided
  struct QpvPart {
    std::string qpv;   // "QN03301M"
    std::string iris;  // an IRIS of the commune (the commune if not divided)
  };
  std::vector<QpvPart> qpv_parts;  // every non-empty IRIS ∩ QPV
};

// Pieces: "<iris>" for an IRIS without QPV part; "<iris>+<qpv>" (the
// base's piece code) for IRIS ∩ QPV and "<iris>-" for the IRIS minus its QPV
// parts (the caller computes its figures: IRIS minus its "+" pieces).
// InvalidArgument when an IRIS code is not the commune code + 4 digits, an
// IRIS or QPV part is repeated, or a QPV part names an IRIS that is not
// listed.
absl::StatusOr<Geography> CommuneGeography(const CommuneLayout& layout);

}  // namespace ctg::policy::sdc

#endif  // CTG_POLICY_SDC_GEOGRAPHY_H_
