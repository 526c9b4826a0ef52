// A small valid statistics file for the importer tests, as editable rows.
//
// Territories: commune 33069 (Le Bouscat), its two IRIS 330690101 and
// 330690102 (which partition it), the QPV QN03302M and its two pieces
// 330690101+QN03302M and 330690102+QN03302M. Indicators: housing_aid (count,
// breakdown aid_type) and housing_aid_amount (euros). Eight rows per
// territory, in this order: housing_aid total, apl, alf, als, then
// housing_aid_amount total, apl, alf, als.
//
// Line numbers: the header is line 1 and Rows()[i] is line i + 2, so the
// commune's rows are lines 2-9, IRIS 0101 10-17, IRIS 0102 18-25, the QPV
// 26-33, piece 0101 34-41, piece 0102 42-49.
#ifndef CTG_TESTS_STATBASE_FIXTURE_H_
#define CTG_TESTS_STATBASE_FIXTURE_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "statbase/csv_format.h"

namespace ctg::statbase::testing {

inline constexpr char kPeriod[] = "2023";

// Row indices of each territory's first row.
inline constexpr int kCommune = 0;
inline constexpr int kIris1 = 8;
inline constexpr int kIris2 = 16;
inline constexpr int kQpv = 24;
inline constexpr int kPiece1 = 32;
inline constexpr int kPiece2 = 40;
// Offsets within a territory's rows.
inline constexpr int kHousingTotal = 0, kApl = 1, kAlf = 2, kAls = 3;
inline constexpr int kAmountTotal = 4, kAmountApl = 5, kAmountAlf = 6,
                     kAmountAls = 7;

// The line number of Rows()[row].
inline int LineOf(int row) { return row + 2; }

using Row = std::vector<std::string>;  // the 10 fields, unquoted

inline void AddTerritory(std::vector<Row>* rows, const std::string& level,
                         const std::string& code, const std::string& name,
                         const std::string& parent, int housing[4],
                         int contributors[4], long amounts[4]) {
  static const char* kCats[] = {"", "apl", "alf", "als"};
  for (int i = 0; i < 4; ++i) {
    rows->push_back({kPeriod, level, code, name, parent, "housing_aid",
                     i == 0 ? "" : "aid_type", kCats[i],
                     absl::StrCat(housing[i]), ""});
  }
  for (int i = 0; i < 4; ++i) {
    rows->push_back({kPeriod, level, code, name, parent, "housing_aid_amount",
                     i == 0 ? "" : "aid_type", kCats[i],
                     absl::StrCat(contributors[i]), absl::StrCat(amounts[i])});
  }
}

inline std::vector<Row> Rows() {
  std::vector<Row> rows;
  int h_c[] = {160, 90, 42, 28}, c_c[] = {156, 88, 40, 28};
  long a_c[] = {40000, 23000, 11000, 6000};
  int h_1[] = {100, 50, 30, 20}, c_1[] = {98, 49, 29, 20};
  long a_1[] = {25000, 13000, 8000, 4000};
  int h_2[] = {60, 40, 12, 8}, c_2[] = {58, 39, 11, 8};
  long a_2[] = {15000, 10000, 3000, 2000};
  int h_q[] = {30, 23, 4, 3}, c_q[] = {29, 22, 4, 3};
  long a_q[] = {7300, 5500, 1100, 700};
  int h_p1[] = {10, 8, 1, 1}, c_p1[] = {10, 8, 1, 1};
  long a_p1[] = {2500, 2000, 300, 200};
  int h_p2[] = {20, 15, 3, 2}, c_p2[] = {19, 14, 3, 2};
  long a_p2[] = {4800, 3500, 800, 500};
  AddTerritory(&rows, "commune", "33069", "Le Bouscat", "", h_c, c_c, a_c);
  AddTerritory(&rows, "iris", "330690101", "Centre", "33069", h_1, c_1, a_1);
  AddTerritory(&rows, "iris", "330690102", "Hippodrome", "33069", h_2, c_2,
               a_2);
  AddTerritory(&rows, "qpv", "QN03302M", "Champ de courses", "33069", h_q, c_q,
               a_q);
  AddTerritory(&rows, "iris_qpv", "330690101+QN03302M",
               "Centre / Champ de courses", "33069", h_p1, c_p1, a_p1);
  AddTerritory(&rows, "iris_qpv", "330690102+QN03302M",
               "Hippodrome / Champ de courses", "33069", h_p2, c_p2, a_p2);
  return rows;
}

// Joins fields with commas (no quoting: tests quote by hand) and rows with
// `eol`, header first, with a final `eol`.
inline std::string Render(const std::vector<Row>& rows,
                          const std::string& eol = "\n") {
  std::string out = absl::StrCat(csv::kHeader, eol);
  for (const Row& r : rows) absl::StrAppend(&out, absl::StrJoin(r, ","), eol);
  return out;
}

inline std::string ValidCsv() { return Render(Rows()); }

}  // namespace ctg::statbase::testing

#endif  // CTG_TESTS_STATBASE_FIXTURE_H_
