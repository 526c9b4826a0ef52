#include "statbase/territory_code.h"

namespace ctg::statbase {
absl::string_view TerritoryLevelName(TerritoryLevel level) {
  switch (level) {
    case TerritoryLevel::kCommune:
      return "commune";
    case TerritoryLevel::kIris:
      return "iris";
    case TerritoryLevel::kQpv:
      return "qpv";
    case TerritoryLevel::kIrisQpv:
      return "iris_qpv";
  }
  return "?";
}

std::optional<TerritoryLevel> ParseTerritoryLevel(absl::string_view name) {
  if (name == "commune") return TerritoryLevel::kCommune;
  if (name == "iris") return TerritoryLevel::kIris;
  if (name == "qpv") return TerritoryLevel::kQpv;
  if (name == "iris_qpv") return TerritoryLevel::kIrisQpv;
  return std::nullopt;
}

bool IsPieceCode(absl::string_view code) {
  return code.size() == 18 && code[9] == '+' && IsIrisCode(code.substr(0, 9)) &&
         IsQpvCode(code.substr(10));
}

bool HasLevelShape(TerritoryLevel level, absl::string_view code) {
  switch (level) {
    case TerritoryLevel::kCommune:
      return IsCommuneCode(code);
    case TerritoryLevel::kIris:
      return IsIrisCode(code);
    case TerritoryLevel::kQpv:
      return IsQpvCode(code);
    case TerritoryLevel::kIrisQpv:
      return IsPieceCode(code);
  }
  return false;
}

absl::string_view CommuneOfIris(absl::string_view iris) {
  return iris.substr(0, 5);
}

absl::string_view IrisOfPiece(absl::string_view piece) {
  return piece.substr(0, 9);
}

absl::string_view QpvOfPiece(absl::string_view piece) {
  return piece.substr(10);
}

}  // namespace ctg::statbase
