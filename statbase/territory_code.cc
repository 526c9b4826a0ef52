#include "statbase/territory_code.h"

namespace ctg::statbase {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpperOrDigit(char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace

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

bool IsCommuneCode(absl::string_view code) {
  if (code.size() != 5) return false;
  const bool department =
      (IsDigit(code[0]) && IsDigit(code[1])) ||
      (code[0] == '2' && (code[1] == 'A' || code[1] == 'B'));
  return department && IsDigit(code[2]) && IsDigit(code[3]) &&
         IsDigit(code[4]);
}

bool IsIrisCode(absl::string_view code) {
  if (code.size() != 9 || !IsCommuneCode(code.substr(0, 5))) return false;
  for (size_t i = 5; i < 9; ++i) {
    if (!IsDigit(code[i])) return false;
  }
  return true;
}

bool IsQpvCode(absl::string_view code) {
  if (code.size() != 8 || code[0] != 'Q') return false;
  if (code[1] != 'P' && code[1] != 'N') return false;
  const bool department =
      (IsDigit(code[2]) && IsDigit(code[3]) && IsDigit(code[4])) ||
      (code[2] == '0' && code[3] == '2' && (code[4] == 'A' || code[4] == 'B'));
  return department && IsUpperOrDigit(code[5]) && IsUpperOrDigit(code[6]) &&
         IsUpperOrDigit(code[7]);
}

bool IsPieceCode(absl::string_view code) {
  return code.size() == 18 && code[9] == '+' &&
         IsIrisCode(code.substr(0, 9)) && IsQpvCode(code.substr(10));
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
