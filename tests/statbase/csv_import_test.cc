// The importer: every validation rule with its exact error, and the CSV and
// encoding edge cases.
#include "statbase/csv_import.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "statbase/csv_format.h"
#include "tests/statbase/fixture.h"
#include "tests/testing/status_matchers.h"

namespace ctg::statbase {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using namespace ::ctg::statbase::testing;  // NOLINT: the fixture

ImportOptions Options() { return {.period = kPeriod}; }

// Imports `csv` and returns the kept errors (expecting failure).
std::vector<ImportError> ErrorsOf(absl::string_view csv) {
  absl::StatusOr<CsvImporter> importer = CsvImporter::Create(Options());
  EXPECT_TRUE(importer.ok());
  importer->Feed(csv);
  absl::StatusOr<Base> base = importer->Finish();
  EXPECT_FALSE(base.ok()) << "imported although invalid";
  return importer->errors().kept();
}

std::vector<ImportError> ErrorsOf(const std::vector<Row>& rows) {
  return ErrorsOf(Render(rows));
}

ImportError E(int64_t line, std::string field, std::string message) {
  return {line, std::move(field), std::move(message)};
}

// Sets one field of one row.
std::vector<Row> With(int row, csv::Column column, std::string value) {
  std::vector<Row> rows = Rows();
  rows[row][column] = std::move(value);
  return rows;
}

// ---------------------------------------------------------------------------
// A valid file.

TEST(CsvImportTest, ValidFileImports) {
  CTG_ASSERT_OK_AND_ASSIGN(Base base, ImportCsv(ValidCsv(), Options()));
  EXPECT_EQ(base.period(), "2023");
  EXPECT_EQ(base.territory_count(), 6u);
  EXPECT_EQ(base.row_count(), 48);
  CTG_ASSERT_OK_AND_ASSIGN(
      CellValue v,
      base.Find("330690102+QN03302M", "housing_aid_amount", "aid_type", "apl"));
  EXPECT_EQ(v, (CellValue{14, 3500}));
}

// The file name and the values quoted in errors come from the client: they
// are bounded, so that the report stays readable and small.
TEST(CsvImportTest, EchoedClientTextIsBounded) {
  const std::string huge_name(1 << 20, 'n');
  ImportOptions options = Options();
  options.file_name = huge_name;
  std::vector<Row> rows = With(0, csv::kCount, std::string(3000, '-'));
  absl::StatusOr<Base> base = ImportCsv(Render(rows), options);
  ASSERT_THAT(base, StatusIs(absl::StatusCode::kInvalidArgument,
                             HasSubstr("is negative")));
  EXPECT_THAT(base.status().message(),
              HasSubstr("(1048576 bytes) (period 2023): 1 error"));
  EXPECT_LT(base.status().message().size(), 1000u);
}

TEST(CsvImportTest, ReportsRowsLinesAndBytes) {
  CTG_ASSERT_OK_AND_ASSIGN(CsvImporter importer,
                           CsvImporter::Create(Options()));
  const std::string csv = ValidCsv();
  importer.Feed(csv);
  EXPECT_EQ(importer.lines(), 49);
  EXPECT_EQ(importer.rows(), 48);
  EXPECT_EQ(importer.bytes(), static_cast<int64_t>(csv.size()));
  EXPECT_THAT(importer.Finish(), IsOk());
  EXPECT_TRUE(importer.errors().empty());
}

TEST(CsvImportTest, CommuneWithoutIrisIsValid) {
  std::vector<Row> rows = Rows();
  rows.resize(8);  // the commune alone
  EXPECT_THAT(ImportCsv(Render(rows), Options()), IsOk());
}

TEST(CsvImportTest, RowOrderDoesNotMatter) {
  std::vector<Row> rows = Rows();
  std::reverse(rows.begin(), rows.end());
  CTG_ASSERT_OK_AND_ASSIGN(Base reversed, ImportCsv(Render(rows), Options()));
  CTG_ASSERT_OK_AND_ASSIGN(Base base, ImportCsv(ValidCsv(), Options()));
  EXPECT_EQ(reversed.digest(), base.digest());
}

// ---------------------------------------------------------------------------
// Bytes, lines and quoting.

TEST(CsvImportTest, EmptyFile) {
  EXPECT_THAT(ErrorsOf(""),
              ElementsAre(E(0, "", "the file is empty (no header line)")));
}

TEST(CsvImportTest, HeaderOnly) {
  EXPECT_THAT(ErrorsOf(absl::StrCat(csv::kHeader, "\n")),
              ElementsAre(E(0, "", "the base has no rows")));
}

TEST(CsvImportTest, MissingHeader) {
  std::string csv = ValidCsv();
  csv = csv.substr(csv.find('\n') + 1);
  EXPECT_THAT(ErrorsOf(csv),
              ElementsAre(E(1, "",
                            absl::StrCat("the first line must be the header \"",
                                         csv::kHeader,
                                         "\", found \"2023,commune,33069,Le "
                                         "Bouscat,,housing_aid,,,160,\""))));
}

TEST(CsvImportTest, WrongHeaderStopsReading) {
  std::string csv = ValidCsv();
  absl::StrReplaceAll({{"amount_eur", "amount"}}, &csv);
  const std::vector<ImportError> errors = ErrorsOf(csv);
  ASSERT_THAT(errors, SizeIs(1));  // the rows are not read at all
  EXPECT_EQ(errors[0].line, 1);
  EXPECT_THAT(errors[0].message, HasSubstr("found \"period,"));
}

TEST(CsvImportTest, BomIsTolerated) {
  CTG_ASSERT_OK_AND_ASSIGN(
      Base with_bom, ImportCsv(absl::StrCat(csv::kBom, ValidCsv()), Options()));
  CTG_ASSERT_OK_AND_ASSIGN(Base without, ImportCsv(ValidCsv(), Options()));
  EXPECT_EQ(with_bom.digest(), without.digest());
}

TEST(CsvImportTest, BomElsewhereIsNotStripped) {
  std::string csv = ValidCsv();
  csv.insert(csv.find('\n') + 1, std::string(csv::kBom));
  EXPECT_THAT(ErrorsOf(csv), ElementsAre(E(2, "period",
                                           "\"\xEF\xBB\xBF"
                                           "2023\" differs from the "
                                           "imported period \"2023\"")));
}

TEST(CsvImportTest, CrlfAndMixedLineEndings) {
  CTG_ASSERT_OK_AND_ASSIGN(Base crlf,
                           ImportCsv(Render(Rows(), "\r\n"), Options()));
  std::string mixed = Render(Rows(), "\r\n");
  mixed.replace(mixed.find("\r\n"), 2, "\n");
  CTG_ASSERT_OK_AND_ASSIGN(Base mixed_base, ImportCsv(mixed, Options()));
  CTG_ASSERT_OK_AND_ASSIGN(Base lf, ImportCsv(ValidCsv(), Options()));
  EXPECT_EQ(crlf.digest(), lf.digest());
  EXPECT_EQ(mixed_base.digest(), lf.digest());
}

TEST(CsvImportTest, QuotedFieldsWithCommasAndQuotes) {
  std::string csv = ValidCsv();
  absl::StrReplaceAll({{",Le Bouscat,", ",\"Le Bouscat, \"\"ville\"\"\","},
                       {",2023,", ",\"2023\","}},
                      &csv);
  // Every field may be quoted, including empty ones.
  absl::StrReplaceAll({{"housing_aid,,,", "housing_aid,\"\",\"\","}}, &csv);
  CTG_ASSERT_OK_AND_ASSIGN(Base base, ImportCsv(csv, Options()));
  EXPECT_EQ(base.territory(*base.FindTerritory("33069")).name,
            "Le Bouscat, \"ville\"");
}

TEST(CsvImportTest, UnterminatedQuote) {
  EXPECT_THAT(ErrorsOf(With(0, csv::kTerritoryName, "\"Le Bouscat")),
              ElementsAre(E(2, "territory_name", "unterminated quoted field")));
}

TEST(CsvImportTest, QuoteInsideUnquotedField) {
  EXPECT_THAT(
      ErrorsOf(With(0, csv::kTerritoryName, "Le \"Bouscat\"")),
      ElementsAre(E(2, "territory_name", "quote inside an unquoted field")));
}

TEST(CsvImportTest, TextAfterClosingQuote) {
  EXPECT_THAT(ErrorsOf(With(0, csv::kTerritoryName, "\"Le Bouscat\"x")),
              ElementsAre(E(2, "territory_name",
                            "unexpected character after a closing quote")));
}

TEST(CsvImportTest, QuotedLineBreakIsRefused) {
  // A record is one line: a line break inside quotes ends the line.
  std::vector<Row> rows = With(0, csv::kTerritoryName, "\"Le\nBouscat\"");
  EXPECT_THAT(ErrorsOf(rows),
              Contains(E(2, "territory_name", "unterminated quoted field")));
}

TEST(CsvImportTest, TooFewAndTooManyFields) {
  std::vector<Row> rows = Rows();
  rows[0].pop_back();
  rows[1].push_back("extra");
  EXPECT_THAT(ErrorsOf(rows),
              ElementsAre(E(2, "", "expected 10 fields, found 9"),
                          E(3, "", "expected 10 fields, found 11")));
}

TEST(CsvImportTest, EmptyLine) {
  std::string csv = ValidCsv();
  csv.insert(csv.find('\n') + 1, "\n");
  EXPECT_THAT(ErrorsOf(csv), ElementsAre(E(2, "", "empty line")));
}

TEST(CsvImportTest, InvalidUtf8) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Le Bouscat\xFF", "invalid UTF-8 at byte 30"},          // bad lead
      {"Le Bouscat\xC3", "invalid UTF-8 at byte 30"},          // cut sequence
      {"Le Bouscat\xC0\xAF", "invalid UTF-8 at byte 30"},      // overlong
      {"Le Bouscat\xE0\x80\xAF", "invalid UTF-8 at byte 30"},  // overlong
      {"Le Bouscat\xED\xA0\x80", "invalid UTF-8 at byte 30"},  // surrogate
      {"Le Bouscat\xF4\x90\x80\x80", "invalid UTF-8 at byte 30"},  // > U+10FFFF
      {"Le Bouscat\x80", "invalid UTF-8 at byte 30"},  // lone continuation
  };
  for (const auto& [name, message] : cases) {
    EXPECT_THAT(ErrorsOf(With(0, csv::kTerritoryName, name)),
                ElementsAre(E(2, "", message)))
        << name;
  }
}

TEST(CsvImportTest, ValidUtf8IsAccepted) {
  std::vector<Row> rows = Rows();
  for (int i = 0; i < 8; ++i) rows[i][csv::kTerritoryName] = "Lé Bôuscat 😀";
  CTG_ASSERT_OK_AND_ASSIGN(Base base, ImportCsv(Render(rows), Options()));
  EXPECT_EQ(base.territory(*base.FindTerritory("33069")).name, "Lé Bôuscat 😀");
}

TEST(CsvImportTest, ControlCharacters) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {std::string("Le\0Bouscat", 10), "control character 0x00 at byte 22"},
      {"Le\tBouscat", "control character 0x09 at byte 22"},
      {"Le\rBouscat", "control character 0x0D at byte 22"},
      {"Le\x7F"
       "Bouscat",
       "control character 0x7F at byte 22"},
      {"Le\xC2\x85"
       "Bouscat",
       "control character U+0085 at byte 22"},
  };
  for (const auto& [name, message] : cases) {
    EXPECT_THAT(ErrorsOf(With(0, csv::kTerritoryName, name)),
                ElementsAre(E(2, "", message)));
  }
}

TEST(CsvImportTest, OverlongLineIsReportedAndSkipped) {
  std::vector<Row> rows = Rows();
  rows[0][csv::kTerritoryName] = std::string(5000, 'x');
  rows[9][csv::kCount] = "-1";  // later lines are still read and numbered
  const std::string csv = Render(rows);
  EXPECT_THAT(ErrorsOf(csv), ElementsAre(E(2, "", "longer than 4096 bytes"),
                                         E(11, "count", "\"-1\" is negative")));
  // Same result when the long line arrives in small pieces.
  CTG_ASSERT_OK_AND_ASSIGN(CsvImporter importer,
                           CsvImporter::Create(Options()));
  for (size_t i = 0; i < csv.size(); i += 7) {
    importer.Feed(absl::string_view(csv).substr(i, 7));
  }
  EXPECT_FALSE(importer.Finish().ok());
  EXPECT_THAT(importer.errors().kept(),
              ElementsAre(E(2, "", "longer than 4096 bytes"),
                          E(11, "count", "\"-1\" is negative")));
}

TEST(CsvImportTest, LineLengthLimitIsExact) {
  // A line of exactly 4096 bytes is read (and here fails for another
  // reason); 4097 bytes is too long. The CR of a CRLF does not count.
  std::vector<Row> rows = Rows();
  const size_t base_len = absl::StrJoin(rows[0], ",").size();
  rows[0][csv::kTerritoryName] +=
      std::string(csv::kMaxLineBytes - base_len, 'x');
  ASSERT_EQ(absl::StrJoin(rows[0], ",").size(), csv::kMaxLineBytes);
  const std::string prefix(csv::kHeader);
  EXPECT_THAT(ErrorsOf(Render(rows, "\r\n")),
              Contains(::testing::Field(&ImportError::message,
                                        HasSubstr("differs from"))));
  rows[0][csv::kTerritoryName] += "x";
  EXPECT_THAT(ErrorsOf(Render(rows, "\r\n")),
              Contains(E(2, "", "longer than 4096 bytes")));
}

TEST(CsvImportTest, TruncatedLastLine) {
  std::string csv = ValidCsv();
  csv.pop_back();  // no final line break
  EXPECT_THAT(ErrorsOf(csv), ElementsAre(E(49, "",
                                           "the file ends without a line break "
                                           "(truncated?)")));
  // A stream cut in the middle of a row.
  csv = ValidCsv();
  csv.resize(csv.size() - 10);
  EXPECT_THAT(ErrorsOf(csv), Contains(E(49, "",
                                        "the file ends without a line break "
                                        "(truncated?)")));
}

TEST(CsvImportTest, AnyChunkingGivesTheSameResult) {
  const std::string csv = absl::StrCat(csv::kBom, Render(Rows(), "\r\n"));
  CTG_ASSERT_OK_AND_ASSIGN(Base whole, ImportCsv(csv, Options()));
  for (size_t chunk : {1, 2, 3, 5, 64, 1000}) {
    CTG_ASSERT_OK_AND_ASSIGN(CsvImporter importer,
                             CsvImporter::Create(Options()));
    for (size_t i = 0; i < csv.size(); i += chunk) {
      importer.Feed(absl::string_view(csv).substr(i, chunk));
    }
    CTG_ASSERT_OK_AND_ASSIGN(Base base, importer.Finish());
    EXPECT_EQ(base.digest(), whole.digest()) << "chunk " << chunk;
  }
}

// ---------------------------------------------------------------------------
// Fields.

TEST(CsvImportTest, BadPeriodOption) {
  for (const char* period :
       {"23", "2023-13", "2023-00", "2023/06", "", "2023-6"}) {
    EXPECT_THAT(CsvImporter::Create({.period = period}),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         absl::StrCat("period \"", period,
                                      "\" is neither YYYY nor YYYY-MM")));
  }
  EXPECT_THAT(CsvImporter::Create({.period = "2023-06"}), IsOk());
}

TEST(CsvImportTest, RowOfAnotherPeriod) {
  EXPECT_THAT(ErrorsOf(With(3, csv::kPeriod, "2022")),
              ElementsAre(E(5, "period",
                            "\"2022\" differs from the imported period "
                            "\"2023\"")));
}

TEST(CsvImportTest, UnknownTerritoryLevel) {
  EXPECT_THAT(ErrorsOf(With(0, csv::kTerritoryLevel, "town")),
              ElementsAre(E(2, "territory_level",
                            "\"town\" is not a territory level (commune, "
                            "iris, qpv, iris_qpv)")));
}

TEST(CsvImportTest, BadCommuneCodes) {
  for (const char* code : {"3306", "330690", "2C069", "330A9", "A3069", ""}) {
    EXPECT_THAT(ErrorsOf(With(0, csv::kTerritoryCode, code)),
                ElementsAre(E(2, "territory_code",
                              absl::StrCat("\"", code,
                                           "\" is not a commune code (2 "
                                           "digits or 2A/2B, then 3 "
                                           "digits)"))));
  }
}

TEST(CsvImportTest, BadIrisCode) {
  EXPECT_THAT(ErrorsOf(With(kIris1, csv::kTerritoryCode, "33069010")),
              ElementsAre(E(10, "territory_code",
                            "\"33069010\" is not an IRIS code (a commune "
                            "code, then 4 digits)")));
}

TEST(CsvImportTest, BadQpvCode) {
  for (const char* code : {"QX03302M", "QN0330", "QN03302m", "QP2C0001"}) {
    EXPECT_THAT(ErrorsOf(With(kQpv, csv::kTerritoryCode, code)),
                ElementsAre(E(26, "territory_code",
                              absl::StrCat("\"", code,
                                           "\" is not a QPV code (QP or QN, "
                                           "a 3-character department, then "
                                           "3 digits or capital "
                                           "letters)"))));
  }
}

TEST(CsvImportTest, BadPieceCode) {
  EXPECT_THAT(
      ErrorsOf(With(kPiece1, csv::kTerritoryCode, "330690101-QN03302M")),
      ElementsAre(E(34, "territory_code",
                    "\"330690101-QN03302M\" is not an iris_qpv code (<IRIS "
                    "code>+<QPV code>)")));
}

TEST(CsvImportTest, LevelMustMatchCode) {
  EXPECT_THAT(ErrorsOf(With(0, csv::kTerritoryLevel, "iris")),
              ElementsAre(E(2, "territory_code",
                            "\"33069\" is not an IRIS code (a commune code, "
                            "then 4 digits)")));
}

TEST(CsvImportTest, IrisUnderAnotherCommune) {
  EXPECT_THAT(ErrorsOf(With(kIris1, csv::kParentCommune, "33070")),
              ElementsAre(E(10, "parent_commune",
                            "\"33070\" is not the commune of iris 330690101 "
                            "(expected 33069)")));
}

TEST(CsvImportTest, PieceUnderAnotherCommune) {
  EXPECT_THAT(ErrorsOf(With(kPiece2, csv::kParentCommune, "")),
              ElementsAre(E(42, "parent_commune",
                            "\"\" is not the commune of iris_qpv "
                            "330690102+QN03302M (expected 33069)")));
}

TEST(CsvImportTest, CommuneWithParent) {
  EXPECT_THAT(ErrorsOf(With(0, csv::kParentCommune, "33")),
              ElementsAre(E(2, "parent_commune",
                            "must be empty for a commune, found \"33\"")));
}

TEST(CsvImportTest, QpvParentMustBeACommuneCode) {
  EXPECT_THAT(
      ErrorsOf(With(kQpv, csv::kParentCommune, "")),
      ElementsAre(E(26, "parent_commune", "\"\" is not a commune code")));
}

TEST(CsvImportTest, EmptyName) {
  EXPECT_THAT(ErrorsOf(With(0, csv::kTerritoryName, "")),
              ElementsAre(E(2, "territory_name", "is empty")));
}

TEST(CsvImportTest, NameDiffersBetweenRows) {
  EXPECT_THAT(ErrorsOf(With(1, csv::kTerritoryName, "Bouscat")),
              ElementsAre(E(3, "territory_name",
                            "\"Bouscat\" differs from \"Le Bouscat\" on line "
                            "2 for territory 33069")));
}

TEST(CsvImportTest, QpvParentDiffersBetweenRows) {
  EXPECT_THAT(ErrorsOf(With(kQpv + 2, csv::kParentCommune, "33162")),
              ElementsAre(E(28, "parent_commune",
                            "\"33162\" differs from \"33069\" on line 26 for "
                            "territory QN03302M")));
}

TEST(CsvImportTest, UnknownIndicator) {
  EXPECT_THAT(
      ErrorsOf(With(0, csv::kIndicator, "housing")),
      ElementsAre(E(2, "indicator", "\"housing\" is not a known indicator")));
}

TEST(CsvImportTest, UnknownBreakdown) {
  EXPECT_THAT(ErrorsOf(With(1, csv::kBreakdown, "family_type")),
              ElementsAre(E(3, "breakdown",
                            "\"family_type\" is not a breakdown of indicator "
                            "\"housing_aid\"")));
}

TEST(CsvImportTest, UnknownCategory) {
  EXPECT_THAT(ErrorsOf(With(1, csv::kCategory, "APL")),
              ElementsAre(E(3, "category",
                            "\"APL\" is not a category of breakdown "
                            "\"aid_type\"")));
}

TEST(CsvImportTest, CategoryWithoutBreakdown) {
  EXPECT_THAT(ErrorsOf(With(0, csv::kCategory, "apl")),
              ElementsAre(E(2, "category",
                            "must be empty when breakdown is empty, found "
                            "\"apl\"")));
}

TEST(CsvImportTest, BreakdownWithoutCategory) {
  EXPECT_THAT(ErrorsOf(With(1, csv::kCategory, "")),
              ElementsAre(E(3, "category",
                            "is empty (breakdown \"aid_type\" needs a "
                            "category)")));
}

TEST(CsvImportTest, BadCounts) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"-3", "\"-3\" is negative"},
      {"-0", "\"-0\" is negative"},
      {"+3", "\"+3\" has a sign"},
      {"2.5", "\"2.5\" is not an integer"},
      {"2,5", "expected"},  // split into two fields
      {"1e3", "\"1e3\" is not an integer"},
      {"abc", "\"abc\" is not a non-negative integer"},
      {" 3", "\" 3\" is not a non-negative integer"},
      {"", "is empty"},
      {"4000000001", "\"4000000001\" is too large (maximum 4000000000)"},
      {"99999999999999999999999",
       "\"99999999999999999999999\" is too large (maximum 4000000000)"},
  };
  for (const auto& [value, message] : cases) {
    std::vector<Row> rows = With(0, csv::kCount, value);
    if (value == "2,5") {
      EXPECT_THAT(ErrorsOf(rows),
                  ElementsAre(E(2, "", "expected 10 fields, found 11")));
      continue;
    }
    EXPECT_THAT(ErrorsOf(rows), ElementsAre(E(2, "count", message))) << value;
  }
}

TEST(CsvImportTest, LeadingZerosAreTheSameNumber) {
  CTG_ASSERT_OK_AND_ASSIGN(
      Base padded,
      ImportCsv(Render(With(0, csv::kCount, "000160")), Options()));
  CTG_ASSERT_OK_AND_ASSIGN(Base base, ImportCsv(ValidCsv(), Options()));
  EXPECT_EQ(padded.digest(), base.digest());
}

TEST(CsvImportTest, LargestCountIsAccepted) {
  // Accepted by the field check; the sums then disagree.
  const std::vector<ImportError> errors =
      ErrorsOf(With(kQpv + kAls, csv::kCount, "4000000000"));
  EXPECT_THAT(errors, Contains(E(0, "",
                                 "territory QN03302M, indicator "
                                 "\"housing_aid\", breakdown \"aid_type\": "
                                 "categories sum to 4000000027, the total "
                                 "is 30")));
}

TEST(CsvImportTest, AmountOnACountIndicator) {
  EXPECT_THAT(ErrorsOf(With(0, csv::kAmountEur, "12")),
              ElementsAre(E(2, "amount_eur",
                            "must be empty for a count indicator, found "
                            "\"12\"")));
}

TEST(CsvImportTest, AmountMissingOrBad) {
  EXPECT_THAT(ErrorsOf(With(kAmountTotal, csv::kAmountEur, "")),
              ElementsAre(E(6, "amount_eur", "is empty")));
  EXPECT_THAT(
      ErrorsOf(With(kAmountTotal, csv::kAmountEur, "40000.50")),
      ElementsAre(E(6, "amount_eur", "\"40000.50\" is not an integer")));
  EXPECT_THAT(ErrorsOf(With(kAmountTotal, csv::kAmountEur, "-40000")),
              ElementsAre(E(6, "amount_eur", "\"-40000\" is negative")));
  EXPECT_THAT(
      ErrorsOf(With(kAmountTotal, csv::kAmountEur, "1000000000000000001")),
      ElementsAre(E(6, "amount_eur",
                    "\"1000000000000000001\" is too large (maximum "
                    "1000000000000000)")));
}

TEST(CsvImportTest, AmountWithoutContributors) {
  std::vector<Row> rows = With(kAmountTotal, csv::kCount, "0");
  EXPECT_THAT(ErrorsOf(rows),
              ElementsAre(E(6, "amount_eur",
                            "40000 euros with no contributor (count is "
                            "0)")));
}

TEST(CsvImportTest, SeveralFieldErrorsOnOneLine) {
  std::vector<Row> rows = Rows();
  rows[0][csv::kPeriod] = "2022";
  rows[0][csv::kIndicator] = "nope";
  rows[0][csv::kCount] = "x";
  EXPECT_THAT(
      ErrorsOf(rows),
      ElementsAre(
          E(2, "period", "\"2022\" differs from the imported period \"2023\""),
          E(2, "indicator", "\"nope\" is not a known indicator"),
          E(2, "count", "\"x\" is not a non-negative integer")));
}

TEST(CsvImportTest, DuplicateRow) {
  std::vector<Row> rows = Rows();
  rows.push_back(rows[kIris1 + kAlf]);
  EXPECT_THAT(ErrorsOf(rows),
              ElementsAre(E(50, "",
                            "duplicate row for territory 330690101, "
                            "indicator \"housing_aid\", breakdown "
                            "\"aid_type\", category \"alf\"")));
}

// ---------------------------------------------------------------------------
// The base as a whole.

TEST(CsvImportTest, MissingRow) {
  std::vector<Row> rows = Rows();
  rows.erase(rows.begin() + kIris1 + kAlf);
  EXPECT_THAT(ErrorsOf(rows),
              ElementsAre(E(0, "",
                            "territory 330690101: missing row for indicator "
                            "\"housing_aid\", breakdown \"aid_type\", "
                            "category \"alf\"")));
}

TEST(CsvImportTest, MissingIndicatorForOneTerritory) {
  std::vector<Row> rows = Rows();
  rows.erase(rows.begin() + kPiece2 + kAmountTotal, rows.end());
  EXPECT_THAT(
      ErrorsOf(rows),
      ElementsAre(E(0, "",
                    "territory 330690102+QN03302M: missing row for indicator "
                    "\"housing_aid_amount\""),
                  E(0, "",
                    "territory 330690102+QN03302M: missing row for indicator "
                    "\"housing_aid_amount\", breakdown \"aid_type\", category "
                    "\"apl\""),
                  E(0, "",
                    "territory 330690102+QN03302M: missing row for indicator "
                    "\"housing_aid_amount\", breakdown \"aid_type\", category "
                    "\"alf\""),
                  E(0, "",
                    "territory 330690102+QN03302M: missing row for indicator "
                    "\"housing_aid_amount\", breakdown \"aid_type\", category "
                    "\"als\"")));
}

TEST(CsvImportTest, CategoriesMustSumToTotal) {
  // The commune's total says 161 where its categories (and IRIS) say 160.
  EXPECT_THAT(
      ErrorsOf(With(kCommune + kHousingTotal, csv::kCount, "161")),
      ElementsAre(E(0, "",
                    "territory 33069, indicator \"housing_aid\", breakdown "
                    "\"aid_type\": categories sum to 160, the total is 161"),
                  E(0, "",
                    "commune 33069, indicator \"housing_aid\": its IRIS sum "
                    "to 160, the commune has 161")));
}

TEST(CsvImportTest, CategoryAmountsMustSumToTotal) {
  EXPECT_THAT(
      ErrorsOf(With(kPiece1 + kAmountAls, csv::kAmountEur, "201")),
      ElementsAre(
          E(0, "",
            "territory 330690101+QN03302M, indicator \"housing_aid_amount\", "
            "breakdown \"aid_type\": category amounts sum to 2501 euros, the "
            "total is 2500 euros"),
          E(0, "",
            "qpv QN03302M, indicator \"housing_aid_amount\", breakdown "
            "\"aid_type\", category \"als\": its pieces amounts sum to 701 "
            "euros, the QPV has 700 euros")));
}

TEST(CsvImportTest, IrisMustSumToTheirCommune) {
  // Moving 1 from the commune's apl to its alf keeps its categories summing
  // but no longer matches its IRIS.
  std::vector<Row> rows = Rows();
  rows[kCommune + kApl][csv::kCount] = "89";
  rows[kCommune + kAlf][csv::kCount] = "43";
  EXPECT_THAT(ErrorsOf(rows),
              ElementsAre(E(0, "",
                            "commune 33069, indicator \"housing_aid\", "
                            "breakdown \"aid_type\", category \"apl\": its "
                            "IRIS sum to 90, the commune has 89"),
                          E(0, "",
                            "commune 33069, indicator \"housing_aid\", "
                            "breakdown \"aid_type\", category \"alf\": its "
                            "IRIS sum to 42, the commune has 43")));
}

TEST(CsvImportTest, IrisAmountsMustSumToTheirCommune) {
  std::vector<Row> rows = Rows();
  rows[kCommune + kAmountTotal][csv::kAmountEur] = "40001";
  rows[kCommune + kAmountApl][csv::kAmountEur] = "23001";
  EXPECT_THAT(
      ErrorsOf(rows),
      ElementsAre(E(0, "",
                    "commune 33069, indicator \"housing_aid_amount\": its "
                    "IRIS amounts sum to 40000 euros, the commune has 40001 "
                    "euros"),
                  E(0, "",
                    "commune 33069, indicator \"housing_aid_amount\", "
                    "breakdown \"aid_type\", category \"apl\": its IRIS "
                    "amounts sum to 23000 euros, the commune has 23001 "
                    "euros")));
}

TEST(CsvImportTest, QpvMustEqualItsPieces) {
  std::vector<Row> rows = Rows();
  rows[kQpv + kHousingTotal][csv::kCount] = "31";
  rows[kQpv + kAls][csv::kCount] = "4";
  EXPECT_THAT(
      ErrorsOf(rows),
      ElementsAre(E(0, "",
                    "qpv QN03302M, indicator \"housing_aid\": its pieces sum "
                    "to 30, the QPV has 31"),
                  E(0, "",
                    "qpv QN03302M, indicator \"housing_aid\", breakdown "
                    "\"aid_type\", category \"als\": its pieces sum to 3, "
                    "the QPV has 4")));
}

TEST(CsvImportTest, PiecesMustFitInTheirIris) {
  // Piece 0102 says 13 alf where its IRIS has 12 (its QPV is adjusted too).
  std::vector<Row> rows = Rows();
  rows[kPiece2 + kHousingTotal][csv::kCount] = "30";
  rows[kPiece2 + kAlf][csv::kCount] = "13";
  rows[kQpv + kHousingTotal][csv::kCount] = "40";
  rows[kQpv + kAlf][csv::kCount] = "14";
  EXPECT_THAT(ErrorsOf(rows),
              ElementsAre(E(0, "",
                            "iris 330690102, indicator \"housing_aid\", "
                            "breakdown \"aid_type\", category \"alf\": its "
                            "pieces sum to 13, more than the IRIS's 12")));
}

TEST(CsvImportTest, IrisWithoutItsCommune) {
  std::vector<Row> rows = Rows();
  rows.erase(rows.begin(), rows.begin() + 8);
  EXPECT_THAT(
      ErrorsOf(rows),
      ElementsAre(E(0, "", "iris 330690101: its commune 33069 has no rows"),
                  E(0, "", "iris 330690102: its commune 33069 has no rows"),
                  E(0, "",
                    "qpv QN03302M: its parent commune 33069 has no "
                    "rows")));
}

TEST(CsvImportTest, PieceWithoutItsIrisOrQpv) {
  std::vector<Row> rows = Rows();
  for (int i = 0; i < 8; ++i) {
    rows[kPiece2 + i][csv::kTerritoryCode] = "330690103+QN03303M";
  }
  EXPECT_THAT(
      ErrorsOf(rows),
      ElementsAre(E(0, "",
                    "iris_qpv 330690103+QN03303M: its IRIS 330690103 has no "
                    "rows"),
                  E(0, "",
                    "iris_qpv 330690103+QN03303M: its QPV QN03303M has no "
                    "rows")));
}

TEST(CsvImportTest, QpvWithoutPieces) {
  std::vector<Row> rows = Rows();
  rows.resize(kPiece1);
  EXPECT_THAT(ErrorsOf(rows),
              ElementsAre(E(0, "", "qpv QN03302M has no iris_qpv piece")));
}

TEST(CsvImportTest, QpvMustTouchItsParentCommune) {
  std::vector<Row> rows = Rows();
  for (int i = 0; i < 8; ++i) {
    rows[kQpv + i][csv::kParentCommune] = "33162";
    Row eysines = rows[kCommune + i];
    eysines[csv::kTerritoryCode] = "33162";
    eysines[csv::kTerritoryName] = "Eysines";
    eysines[csv::kCount] = "0";
    if (!eysines[csv::kAmountEur].empty()) eysines[csv::kAmountEur] = "0";
    rows.push_back(eysines);
  }
  EXPECT_THAT(ErrorsOf(rows),
              ElementsAre(E(0, "",
                            "qpv QN03302M: none of its pieces lies in its "
                            "parent commune 33162")));
}

TEST(CsvImportTest, ContributorsBoundedByRecipients) {
  // Piece 0101 pays 2 alf recipients where 1 has a right (moving one
  // contributor from apl keeps every sum).
  std::vector<Row> rows = Rows();
  rows[kPiece1 + kAmountApl][csv::kCount] = "7";
  rows[kPiece1 + kAmountAlf][csv::kCount] = "2";
  EXPECT_THAT(ErrorsOf(rows),
              ElementsAre(E(0, "",
                            "qpv QN03302M, indicator \"housing_aid_amount\", "
                            "breakdown \"aid_type\", category \"apl\": its "
                            "pieces sum to 21, the QPV has 22"),
                          E(0, "",
                            "qpv QN03302M, indicator \"housing_aid_amount\", "
                            "breakdown \"aid_type\", category \"alf\": its "
                            "pieces sum to 5, the QPV has 4"),
                          E(LineOf(kPiece1 + kAmountAlf), "",
                            "territory 330690101+QN03302M, indicator "
                            "\"housing_aid_amount\", breakdown \"aid_type\", "
                            "category \"alf\": 2 exceeds indicator "
                            "\"housing_aid\", breakdown \"aid_type\", "
                            "category \"alf\" (1, line 36)")));
  static_assert(kPiece1 + kAlf + 2 == 36);
}

TEST(CsvImportTest, ErrorsAreCappedAndCounted) {
  std::vector<Row> rows = Rows();
  // A different message on every line, so that no two errors form a run.
  for (int i = 0; i < 48; ++i) rows[i][csv::kCount] = absl::StrCat("-", i + 1);
  for (int i = 0; i < 48; ++i) rows[i][csv::kPeriod] = absl::StrCat(1950 + i);
  for (int i = 0; i < 48; ++i) rows[i][csv::kIndicator] = absl::StrCat("x", i);
  // 48 lines x 3 errors = 144 errors; the count column of the amount rows
  // adds no error of its own.
  absl::StatusOr<Base> base = ImportCsv(Render(rows), Options());
  ASSERT_FALSE(base.ok());
  const std::string message(base.status().message());
  EXPECT_THAT(message,
              ::testing::StartsWith("statistics file (period 2023): 144 "
                                    "errors\nline 2, field \"period\": "
                                    "\"1950\" differs"));
  EXPECT_THAT(message, ::testing::EndsWith("\n... and 44 more errors"));
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 101);

  CTG_ASSERT_OK_AND_ASSIGN(CsvImporter importer,
                           CsvImporter::Create(Options()));
  importer.Feed(Render(rows));
  EXPECT_FALSE(importer.Finish().ok());
  EXPECT_EQ(importer.errors().total(), 144);
  EXPECT_THAT(importer.errors().kept(), SizeIs(100));
}

TEST(CsvImportTest, SameErrorOnConsecutiveLinesIsOneRun) {
  // A file of another period: one summary line, not one per row.
  std::vector<Row> rows = Rows();
  for (Row& row : rows) row[csv::kPeriod] = "2022";
  absl::StatusOr<Base> base = ImportCsv(Render(rows), Options());
  EXPECT_THAT(base, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(base.status().message(),
            "statistics file (period 2023): 48 errors\n"
            "lines 2\u201349 (48 lines), field \"period\": \"2022\" differs "
            "from the imported period \"2023\"");
}

TEST(CsvImportTest, SummaryIsOneBoundedLine) {
  std::vector<Row> rows = Rows();
  for (Row& row : rows) row[csv::kPeriod] = "2022";
  CTG_ASSERT_OK_AND_ASSIGN(CsvImporter importer,
                           CsvImporter::Create(Options()));
  importer.Feed(Render(rows));
  EXPECT_FALSE(importer.Finish().ok());
  EXPECT_EQ(importer.errors().Summary(),
            "48 errors; first: lines 2\u201349 (48 lines), field \"period\": "
            "\"2022\" "
            "differs from the imported period \"2023\"");
  ErrorList long_one;
  long_one.Add(3, "place", std::string(400, 'x') + "\n\u00e9");
  const std::string cut = long_one.Summary(100);
  EXPECT_EQ(cut.size(), 100u);
  EXPECT_THAT(cut, ::testing::EndsWith("x[...]"));
  ErrorList accent;
  accent.Add(3, "place", "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9");
  // Never cut inside a character: 49 bytes leave room for half of the third
  // "é".
  EXPECT_EQ(accent.Summary(49),
            "1 error; first: line 3, field \"place\": \u00e9\u00e9[...]");
  EXPECT_EQ(ErrorList().Summary(), "");
}

TEST(CsvImportTest, RunsBreakOnAGapAndInterleaveWithOtherErrors) {
  std::vector<Row> rows = Rows();
  for (int i = 0; i < 48; ++i) rows[i][csv::kPeriod] = "2022";
  rows[10][csv::kPeriod] = kPeriod;   // line 12 is right: two runs
  rows[3][csv::kIndicator] = "nope";  // line 5: another error inside the run
  const std::string period_error =
      "\"2022\" differs from the imported period \"2023\"";
  ImportError first = E(2, "period", period_error);
  first.last_line = 11;
  ImportError second = E(13, "period", period_error);
  second.last_line = 49;
  EXPECT_THAT(
      ErrorsOf(rows),
      ElementsAre(first, E(5, "indicator", "\"nope\" is not a known indicator"),
                  second));
}

TEST(CsvImportTest, RunsGrowOnceTheListIsFull) {
  ErrorList errors(/*limit=*/2);
  errors.Add(2, "period", "p");
  errors.Add(2, "count", "c");
  errors.Add(3, "indicator", "i");  // beyond the limit: counted only
  errors.Add(3, "period", "p");     // extends the kept run
  errors.Add(4, "period", "p");
  EXPECT_EQ(errors.total(), 5);
  ASSERT_THAT(errors.kept(), SizeIs(2));
  EXPECT_EQ(errors.kept()[0].ToString(),
            "lines 2\u20134 (3 lines), field \"period\": p");
  EXPECT_EQ(errors.ToStatus("f").message(),
            "f: 5 errors\nlines 2\u20134 (3 lines), field \"period\": p\n"
            "line 2, field \"count\": c\n... and 1 more error");
}

TEST(CsvImportTest, CorruptedFilesFailCleanlyWhateverTheChunking) {
  // Deterministic pseudo-random corruptions of a valid file: each must either
  // import or fail with errors, and the result must not depend on how the
  // bytes were sliced.
  const std::string valid = Render(Rows(), "\r\n");
  uint64_t state = 12345;
  auto next = [&state](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  for (int round = 0; round < 300; ++round) {
    std::string csv = valid;
    const int edits = 1 + static_cast<int>(next(3));
    for (int e = 0; e < edits && !csv.empty(); ++e) {
      const size_t pos = next(csv.size());
      switch (next(4)) {
        case 0:
          csv[pos] = static_cast<char>(next(256));
          break;
        case 1:
          csv.insert(pos,
                     std::string(1 + next(8), static_cast<char>(next(256))));
          break;
        case 2:
          csv.erase(pos, 1 + next(20));
          break;
        case 3:
          csv.resize(pos);
          break;
      }
    }
    absl::StatusOr<Base> whole = ImportCsv(csv, Options());
    CTG_ASSERT_OK_AND_ASSIGN(CsvImporter importer,
                             CsvImporter::Create(Options()));
    for (size_t i = 0; i < csv.size();) {
      const size_t n = 1 + next(50);
      importer.Feed(absl::string_view(csv).substr(i, n));
      i += n;
    }
    absl::StatusOr<Base> chunked = importer.Finish();
    ASSERT_EQ(whole.ok(), chunked.ok()) << round;
    if (whole.ok()) {
      EXPECT_EQ(whole->digest(), chunked->digest());
    } else {
      EXPECT_EQ(whole.status(), chunked.status()) << round;
      EXPECT_FALSE(importer.errors().empty());
      EXPECT_LE(importer.errors().kept().size(), 100u);
    }
  }
}

TEST(CsvImportTest, TooManyTerritories) {
  // The memory guard: IRIS rows of communes 33000, 33001, ... (their
  // communes have no rows, but the guard trips first).
  const int n = static_cast<int>(csv::kMaxTerritories) + 3;
  std::string csv = absl::StrCat(csv::kHeader, "\n");
  for (int i = 0; i < n; ++i) {
    const std::string commune = absl::StrCat(33000 + i / 10000);
    absl::StrAppend(&csv, "2023,iris,", commune,
                    absl::Dec(i % 10000, absl::kZeroPad4), ",n,", commune,
                    ",paje,,,0,\n");
  }
  ImportError run = E(200002, "", "more than 200000 territories");
  run.last_line = 200004;  // the three lines past the guard, as one run
  EXPECT_THAT(ErrorsOf(csv), ElementsAre(run));
}

TEST(CsvImportTest, StatusNamesTheFile) {
  absl::StatusOr<Base> base =
      ImportCsv(Render(With(0, csv::kCount, "-3")),
                {.period = kPeriod, .file_name = "base-2023.csv"});
  EXPECT_THAT(base, StatusIs(absl::StatusCode::kInvalidArgument,
                             "base-2023.csv (period 2023): 1 error\nline 2, "
                             "field \"count\": \"-3\" is negative"));
}

}  // namespace
}  // namespace ctg::statbase
