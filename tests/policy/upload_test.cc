// R1 (Caf -> commune), R5, R8: the commune's upload and the Caf's download.
#include "policy/upload.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

Identity Who(OrganisationKind kind, std::string org, Role role) {
  Identity id;
  id.kind = kind;
  id.organisation = std::move(org);
  id.role = role;
  id.person = "p";
  return id;
}

Identity CommuneReviewer(std::string commune = "33069") {
  return Who(OrganisationKind::kCommune, std::move(commune),
             Role::kCommuneReviewer);
}
Identity CafRequester() {
  return Who(OrganisationKind::kCaf, "33", Role::kCafRequester);
}

UploadTarget Approved() {
  UploadTarget t;
  t.id = "CREQ-000001";
  t.commune = "33069";
  t.state = RequestState::kApproved;
  t.data_template =
      DataTemplate{{"territory", "period", "places"}, {"330690101"}, {"2023"}};
  return t;
}

Upload File(std::string content) {
  Upload u;
  u.content = std::move(content);
  u.sha256 = "ab";
  u.no_personal_data = true;
  return u;
}

TEST(UploadTest, WhoAndWhenMayUpload) {
  EXPECT_THAT(CheckMayUpload(CommuneReviewer(), Approved()), IsOk());
  // R8: another commune's request is a missing one.
  EXPECT_THAT(CheckMayUpload(CommuneReviewer("33063"), Approved()),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("request CREQ-000001 not found")));
  EXPECT_THAT(CheckMayUpload(CafRequester(), Approved()),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("caf-requester")));
  // R1: no data before approval.
  UploadTarget t = Approved();
  t.state = RequestState::kUnderStudy;
  EXPECT_THAT(
      CheckMayUpload(CommuneReviewer(), t),
      StatusIs(
          absl::StatusCode::kFailedPrecondition,
          HasSubstr(
              "is UNDER_STUDY; data is uploaded once the commune approved")));
  t = Approved();
  t.uploaded = true;
  EXPECT_THAT(CheckMayUpload(CommuneReviewer(), t),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("already has its data")));
}

TEST(UploadTest, ValidFileMatchingTheTemplate) {
  CTG_ASSERT_OK_AND_ASSIGN(
      int64_t rows,
      ValidateUpload(File("territory,period,places\r\n330690101,2023,42\r\n"),
                     Approved().data_template, 1000));
  EXPECT_EQ(rows, 1);
  // Without a template any well-formed CSV passes.
  CTG_ASSERT_OK_AND_ASSIGN(
      rows, ValidateUpload(File("a,b\n\"x, y\",\"he said \"\"hi\"\"\"\n1,2\n"),
                           std::nullopt, 1000));
  EXPECT_EQ(rows, 2);
  CTG_ASSERT_OK_AND_ASSIGN(auto parsed,
                           ParseCsv("a,b\n\"x, y\",\"he said \"\"hi\"\"\"\n"));
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[1][0], "x, y");
  EXPECT_EQ(parsed[1][1], "he said \"hi\"");
}

TEST(UploadTest, RefusalsNameTheProblem) {
  const auto tmpl = Approved().data_template;
  EXPECT_THAT(
      ValidateUpload(File(std::string(1001, 'a')), tmpl, 1000),
      StatusIs(
          absl::StatusCode::kResourceExhausted,
          HasSubstr(
              "data: 1001 bytes, more than limits.max_upload_bytes (1000)")));
  Upload unattested = File("territory,period,places\n");
  unattested.no_personal_data = false;
  EXPECT_THAT(ValidateUpload(unattested, tmpl, 1000),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no_personal_data")));
  Upload wrong_digest = File("territory,period,places\n");
  wrong_digest.declared_sha256 = "cd";
  EXPECT_THAT(
      ValidateUpload(wrong_digest, tmpl, 1000),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("sha256: \"cd\" is not the digest of the data received")));
  EXPECT_THAT(
      ValidateUpload(File("territory,places\n330690101,4\n"), tmpl, 1000),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr(
              "line 1: the header (\"territory,places\") is not the approved "
              "template's columns (territory,period,places)")));
  EXPECT_THAT(
      ValidateUpload(File("territory,period,places\n330690102,2023,4\n"), tmpl,
                     1000),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("line 2, column territory: \"330690102\" is not in the "
                    "approved template")));
  EXPECT_THAT(
      ValidateUpload(File("territory,period,places\n330690101,2022,4\n"), tmpl,
                     1000),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("column period")));
  EXPECT_THAT(ValidateUpload(File("territory,period,places\n330690101,2023\n"),
                             tmpl, 1000),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 2: 2 fields, the header has 3")));
  EXPECT_THAT(ValidateUpload(File("a\n\"open\n"), std::nullopt, 1000),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unterminated quote")));
  EXPECT_THAT(
      ValidateUpload(File("a\n\xff\n"), std::nullopt, 1000),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not UTF-8")));
  EXPECT_THAT(ValidateUpload(File(""), std::nullopt, 1000),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
}

// R8 (the Caf's side): a commune's file is opened by the Caf's analysts in
// a spreadsheet; a cell that a spreadsheet would run as a formula (CSV
// injection) is refused, naming the line and column; numbers, signed
// ones included, stay accepted.
TEST(UploadTest, CellsASpreadsheetWouldRunAsFormulasAreRefused) {
  for (const std::string cell :
       {"\"=HYPERLINK(\"\"http://x\"\")\"", "+1+cmd|' /C calc'!A0", "-2+3",
        "@SUM(A1)", "\"=1+1\"", "\t=1", "\r=1"}) {
    SCOPED_TRACE(cell);
    EXPECT_THAT(ValidateUpload(File("territory,period,places\n330690101,2023," +
                                    cell + "\n"),
                               Approved().data_template, 1000),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("line 2, column places: ")));
  }
  EXPECT_THAT(ValidateUpload(File("=cmd,b\n1,2\n"), std::nullopt, 1000),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 1, column 1: ")));
  EXPECT_THAT(
      ValidateUpload(File("a,b,c,d\n-4,+5,-0.5,1e3\n"), std::nullopt, 1000),
      IsOk());
}

TEST(UploadTest, WhoAndWhenMayDownload) {
  UploadTarget t = Approved();
  t.uploaded = true;
  EXPECT_THAT(CheckMayDownloadUpload(CafRequester(), t), IsOk());
  EXPECT_THAT(CheckMayDownloadUpload(CommuneReviewer(), t),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("commune-reviewer")));
  t.downloads_used = 1;
  EXPECT_THAT(CheckMayDownloadUpload(CafRequester(), t),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("quota (1) is spent")));
  t.downloads_used = 0;
  t.state = RequestState::kRevoked;
  EXPECT_THAT(
      CheckMayDownloadUpload(CafRequester(), t),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("REVOKED")));
  t = Approved();
  EXPECT_THAT(CheckMayDownloadUpload(CafRequester(), t),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not uploaded")));
}

}  // namespace
}  // namespace ctg::policy
