#include "policy/identity.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/territory_code.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

constexpr absl::string_view kTd = "ctg.caf33.fr";

TEST(ParseSpiffeIdTest, CommuneRequester) {
  CTG_ASSERT_OK_AND_ASSIGN(
      Identity id,
      ParseSpiffeId(
          "spiffe://ctg.caf33.fr/commune/33069/requester/alice.martin", kTd));
  EXPECT_EQ(id.kind, OrganisationKind::kCommune);
  EXPECT_EQ(id.organisation, "33069");
  EXPECT_EQ(id.role, Role::kRequester);
  EXPECT_EQ(id.person, "alice.martin");
  EXPECT_EQ(id.OrganisationPath(), "commune/33069");
  EXPECT_TRUE(id.IsCommune());
}

TEST(ParseSpiffeIdTest, EveryCafRole) {
  for (auto [name, role] : {std::pair{"reviewer", Role::kReviewer},
                            std::pair{"admin", Role::kAdmin},
                            std::pair{"auditor", Role::kAuditor}}) {
    CTG_ASSERT_OK_AND_ASSIGN(
        Identity id,
        ParseSpiffeId(
            std::string("spiffe://ctg.caf33.fr/caf/33/") + name + "/p", kTd));
    EXPECT_EQ(id.role, role);
    EXPECT_EQ(id.OrganisationPath(), "caf/33");
    EXPECT_EQ(RoleName(id.role), name);
  }
}

// R1 both ways: the Caf files requests to a commune, the commune studies
// them. Distinct roles, so that the tables keyed by role keep them apart.
TEST(ParseSpiffeIdTest, RolesOfTheCafsRequests) {
  CTG_ASSERT_OK_AND_ASSIGN(
      Identity caf,
      ParseSpiffeId("spiffe://ctg.caf33.fr/caf/33/requester/paul", kTd));
  EXPECT_EQ(caf.role, Role::kCafRequester);
  EXPECT_EQ(caf.kind, OrganisationKind::kCaf);
  EXPECT_EQ(RoleName(caf.role), "caf-requester");
  CTG_ASSERT_OK_AND_ASSIGN(
      Identity commune,
      ParseSpiffeId("spiffe://ctg.caf33.fr/commune/33069/reviewer/claire",
                    kTd));
  EXPECT_EQ(commune.role, Role::kCommuneReviewer);
  EXPECT_TRUE(commune.IsCommune());
  EXPECT_EQ(RoleName(commune.role), "commune-reviewer");
  EXPECT_THAT(
      AcceptSpiffeId("spiffe://ctg.caf33.fr/caf/40/requester/paul", kTd, "33"),
      StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("\"40\"")));
}

TEST(ParseSpiffeIdTest, CorsicanCommune) {
  EXPECT_TRUE(IsCommuneCode("2A004"));
  EXPECT_TRUE(IsCommuneCode("2B033"));
  EXPECT_FALSE(IsCommuneCode("2C033"));
  EXPECT_FALSE(IsCommuneCode("3306"));
  EXPECT_FALSE(IsCommuneCode("330690"));
  EXPECT_FALSE(IsCommuneCode("33o69"));
}

struct BadCase {
  const char* uri;
  const char* message;
};

class ParseSpiffeIdRefusal : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseSpiffeIdRefusal, IsUnauthenticatedWithReason) {
  EXPECT_THAT(ParseSpiffeId(GetParam().uri, kTd),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ParseSpiffeIdRefusal,
    ::testing::Values(
        BadCase{"https://ctg.caf33.fr/caf/33/admin/x", "not a spiffe:// URI"},
        BadCase{"SPIFFE://ctg.caf33.fr/caf/33/admin/x", "not a spiffe:// URI"},
        BadCase{"spiffe://evil.example/caf/33/admin/x",
                "trust domain \"evil.example\""},
        BadCase{"spiffe://ctg.caf33.fr.evil/caf/33/admin/x", "trust domain"},
        BadCase{"spiffe://ctg.caf33.fr", "has no path"},
        BadCase{"spiffe://ctg.caf33.fr/caf/33/admin", "must be /<kind>"},
        BadCase{"spiffe://ctg.caf33.fr/caf/33/admin/x/y", "must be /<kind>"},
        BadCase{"spiffe://ctg.caf33.fr/caf/33/admin/", "person must be"},
        BadCase{"spiffe://ctg.caf33.fr/caf/33/admin/..", "person must be"},
        BadCase{"spiffe://ctg.caf33.fr/caf/33/admin/a%20b", "person must be"},
        BadCase{"spiffe://ctg.caf33.fr/caf/33/superuser/x",
                "unknown role \"superuser\""},
        BadCase{"spiffe://ctg.caf33.fr/caf/33/operator/x",
                "unknown role \"operator\" for a caf"},
        BadCase{"spiffe://ctg.caf33.fr/commune/33069/admin/x",
                "unknown role \"admin\" for a commune"},
        BadCase{"spiffe://ctg.caf33.fr/commune/3306/requester/x",
                "not an INSEE commune code"},
        BadCase{"spiffe://ctg.caf33.fr/caf/CAF 33/admin/x", "not a Caf id"},
        BadCase{"spiffe://ctg.caf33.fr/region/75/admin/x",
                "unknown organisation kind"}));

TEST(ParseSpiffeIdTest, RefusesOverlongIds) {
  std::string uri =
      "spiffe://ctg.caf33.fr/caf/33/admin/" + std::string(3000, 'a');
  EXPECT_THAT(
      ParseSpiffeId(uri, kTd),
      StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("too long")));
}

// R8: a Caf role is accepted only for this gateway's own Caf.
TEST(IsPersonSegmentTest, LettersDigitsDotDashUnderscoreUpTo64) {
  EXPECT_TRUE(IsPersonSegment("alice.martin"));
  EXPECT_TRUE(IsPersonSegment("bureau_etudes-2"));
  EXPECT_TRUE(IsPersonSegment(std::string(kMaxPersonLength, 'a')));
  EXPECT_TRUE(IsPersonSegment("..."));
  EXPECT_FALSE(IsPersonSegment(""));
  EXPECT_FALSE(IsPersonSegment("."));
  EXPECT_FALSE(IsPersonSegment(".."));
  EXPECT_FALSE(IsPersonSegment(std::string(kMaxPersonLength + 1, 'a')));
  EXPECT_FALSE(IsPersonSegment("a b"));
  EXPECT_FALSE(IsPersonSegment("a/b"));
  EXPECT_FALSE(IsPersonSegment("a%20b"));
  EXPECT_FALSE(IsPersonSegment("\xc3\xa9lise"));  // "élise": ASCII only
}

// The person a certificate may carry is exactly what IsPersonSegment accepts.
TEST(IsPersonSegmentTest, IsTheCertificatesPersonCheck) {
  for (const std::string& person :
       {std::string("alice.martin"), std::string(".."), std::string("a b"),
        std::string(kMaxPersonLength, 'x'),
        std::string(kMaxPersonLength + 1, 'x')}) {
    EXPECT_EQ(ParseSpiffeId("spiffe://ctg.caf33.fr/caf/33/admin/" + person,
                            "ctg.caf33.fr")
                  .ok(),
              IsPersonSegment(person))
        << person;
  }
}

TEST(CheckOwnCafTest, AcceptsTheOwnCafsRoles) {
  for (const char* role : {"reviewer", "admin", "auditor"}) {
    CTG_ASSERT_OK_AND_ASSIGN(
        Identity id,
        AcceptSpiffeId(
            std::string("spiffe://ctg.caf33.fr/caf/33/") + role + "/p", kTd,
            "33"));
    EXPECT_EQ(id.organisation, "33");
  }
}

TEST(CheckOwnCafTest, RefusesAnotherCafsRolesAsUnauthenticated) {
  for (const char* role : {"reviewer", "admin", "auditor"}) {
    std::string uri =
        std::string("spiffe://ctg.caf33.fr/caf/34/") + role + "/mallory";
    SCOPED_TRACE(uri);
    EXPECT_THAT(
        AcceptSpiffeId(uri, kTd, "33"),
        StatusIs(absl::StatusCode::kUnauthenticated,
                 HasSubstr("Caf \"34\" is not this gateway's Caf (\"33\")")));
    CTG_ASSERT_OK_AND_ASSIGN(Identity parsed, ParseSpiffeId(uri, kTd));
    EXPECT_THAT(CheckOwnCaf(parsed, "33"),
                StatusIs(absl::StatusCode::kUnauthenticated));
  }
  // A prefix or an extension of the Caf id is another Caf.
  EXPECT_THAT(AcceptSpiffeId("spiffe://ctg.caf33.fr/caf/3/admin/x", kTd, "33"),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(
      AcceptSpiffeId("spiffe://ctg.caf33.fr/caf/333/admin/x", kTd, "33"),
      StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(CheckOwnCafTest, EmptyConfiguredCafRefusesEveryCafRole) {
  EXPECT_THAT(AcceptSpiffeId("spiffe://ctg.caf33.fr/caf/33/admin/x", kTd, ""),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(CheckOwnCafTest, CommunesAreNotTiedToTheCafId) {
  EXPECT_TRUE(AcceptSpiffeId("spiffe://ctg.caf33.fr/commune/33069/requester/a",
                             kTd, "33")
                  .ok());
  EXPECT_TRUE(AcceptSpiffeId("spiffe://ctg.caf33.fr/commune/75056/operator/b",
                             kTd, "33")
                  .ok());
}

TEST(CheckOwnCafTest, ParseErrorsComeFirst) {
  EXPECT_THAT(
      AcceptSpiffeId("spiffe://evil.example/caf/33/admin/x", kTd, "33"),
      StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("trust domain")));
}

}  // namespace
}  // namespace ctg::policy
