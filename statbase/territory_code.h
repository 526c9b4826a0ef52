// Territory levels and the shapes of their codes (INSEE commune and IRIS
// codes, QPV codes, and the iris_qpv pieces that give the common refinement
// of IRIS and QPV). Pure functions, thread-safe.
//
//   commune  5 characters: 2 digits or "2A"/"2B", then 3 digits ("33069").
//   iris     a commune code + 4 digits ("330690101"; "xxxxx0000" for a
//            commune that is a single IRIS).
//   qpv      8 characters: "QP" or "QN", a 3-character department (3 digits,
//            or "02A"/"02B"), then 3 digits or capital letters
//            ("QP033003", 2015 geography; "QN03302M", 2024 geography).
//   iris_qpv "<iris code>+<qpv code>" ("330690102+QN03302M"): the part of an
//            IRIS that lies in a QPV.
#ifndef CTG_STATBASE_TERRITORY_CODE_H_
#define CTG_STATBASE_TERRITORY_CODE_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "policy/territory_code.h"

namespace ctg::statbase {

// The first three values mirror ctg.v1.TerritoryLevel; kIrisQpv (a piece) is
// internal to the base and the secret statistique engine.
enum class TerritoryLevel : uint8_t {
  kCommune = 1,
  kIris = 2,
  kQpv = 3,
  kIrisQpv = 4,
};

// "commune", "iris", "qpv", "iris_qpv" (the CSV spelling).
absl::string_view TerritoryLevelName(TerritoryLevel level);
std::optional<TerritoryLevel> ParseTerritoryLevel(absl::string_view name);

// The code shapes themselves live in policy/territory_code.h.
using policy::IsCommuneCode;
using policy::IsIrisCode;
using policy::IsQpvCode;
bool IsPieceCode(absl::string_view code);
// True when `code` has the shape of `level`.
bool HasLevelShape(TerritoryLevel level, absl::string_view code);

// The commune of an IRIS code (its first 5 characters). `iris` must satisfy
// IsIrisCode.
absl::string_view CommuneOfIris(absl::string_view iris);

// The two halves of a piece code. `piece` must satisfy IsPieceCode.
absl::string_view IrisOfPiece(absl::string_view piece);
absl::string_view QpvOfPiece(absl::string_view piece);

}  // namespace ctg::statbase

#endif  // CTG_STATBASE_TERRITORY_CODE_H_
