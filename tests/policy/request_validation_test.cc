#include "policy/request_validation.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;

constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;

CatalogueView Catalogue() {
  CatalogueView c;
  c.indicators = {{"allocataires", {"family_type", "age_band"}},
                  {"rsa", {"age_band"}},
                  {"housing_aid", {"aid_type"}},
                  {"children", {"child_age"}}};
  c.periods = {"2022", "2023", "2023-06"};
  return c;
}

Perimeter BouscatPerimeter() {
  return {"CTG-33069", {"33069", "330690101", "330690102", "QN03302M"}};
}

Submission Valid() {
  Submission s;
  s.purpose = "Diagnostic social du quartier Champ de courses.\n\tAxe I.2";
  s.objective = "Axe I.2 veille sociale territoriale";
  s.justification = "";
  s.scope = {{"allocataires", "rsa"},
             {"33069", "330690101", "QN03302M"},
             {"2023"},
             {"age_band"}};
  s.recipients = {{RecipientKind::kOwnService, "CCAS", ""},
                  {RecipientKind::kOperator, "Compas", "alice.martin"}};
  s.retention_months = 24;
  return s;
}

absl::Status Check(const Submission& s,
                   const RequestLimits& limits = RequestLimits()) {
  return ValidateSubmission(s, Catalogue(), BouscatPerimeter(), limits);
}

TEST(RequestValidationTest, ValidSubmission) {
  EXPECT_THAT(Check(Valid()), IsOk());
  Submission minimal = Valid();
  minimal.scope.breakdowns.clear();
  minimal.recipients.clear();
  minimal.retention_months = 1;
  EXPECT_THAT(Check(minimal), IsOk());
  minimal.retention_months = 120;
  EXPECT_THAT(Check(minimal), IsOk());
}

TEST(RequestValidationTest, Purpose) {
  Submission s = Valid();
  s.purpose = "";
  EXPECT_THAT(Check(s), StatusIs(kInvalid, "purpose: required"));
  s.purpose = " \n\t ";
  EXPECT_THAT(Check(s), StatusIs(kInvalid, "purpose: required"));
  s.purpose = std::string(2000, 'a');
  EXPECT_THAT(Check(s), IsOk());
  s.purpose = std::string(2001, 'a');
  EXPECT_THAT(Check(s),
              StatusIs(kInvalid, "purpose: 2001 characters, at most 2000"));
  // Characters, not bytes: 2000 "é" are 4000 bytes and fit.
  s.purpose.clear();
  for (int i = 0; i < 2000; ++i) s.purpose += "\xC3\xA9";
  EXPECT_THAT(Check(s), IsOk());
  s.purpose += "\xC3\xA9";
  EXPECT_THAT(Check(s),
              StatusIs(kInvalid, "purpose: 2001 characters, at most 2000"));
  RequestLimits small;
  small.max_purpose_chars = 10;
  s.purpose = "onze lettres";
  EXPECT_THAT(Check(s, small),
              StatusIs(kInvalid, "purpose: 12 characters, at most 10"));
}

TEST(RequestValidationTest, TextControlCharactersAndUtf8) {
  auto text = [](absl::string_view t, TextKind kind) {
    return ValidateText("f", t, 100, Presence::kRequired, kind);
  };
  EXPECT_THAT(text("a\nb\tc", TextKind::kParagraph), IsOk());
  EXPECT_THAT(text("Allocataires à bas revenus \xE2\x82\xAC \xF0\x9F\x98\x80",
                   TextKind::kParagraph),
              IsOk());
  EXPECT_THAT(text("a\r\nb", TextKind::kParagraph),
              StatusIs(kInvalid,
                       "f: control character U+000D at character "
                       "1; only newline and tab are allowed"));
  EXPECT_THAT(text("a\nb", TextKind::kLine),
              StatusIs(kInvalid,
                       "f: control character U+000A at character "
                       "1; a single line of text is expected"));
  EXPECT_THAT(text("a\tb", TextKind::kLine),
              StatusIs(kInvalid,
                       "f: control character U+0009 at character "
                       "1; a single line of text is expected"));
  EXPECT_THAT(text(absl::string_view("ab\0c", 4), TextKind::kParagraph),
              StatusIs(kInvalid,
                       "f: control character U+0000 at character "
                       "2; only newline and tab are allowed"));
  const std::pair<std::string, std::string> controls[] = {
      {"\x1B", "U+001B"},         {"\x7F", "U+007F"},
      {"\xC2\x85", "U+0085"},     {"\xC2\x9F", "U+009F"},
      {"\xE2\x80\xA8", "U+2028"}, {"\xE2\x80\xA9", "U+2029"},
      {"\xE2\x80\xAA", "U+202A"}, {"\xE2\x80\xAE", "U+202E"},
      {"\xE2\x81\xA6", "U+2066"}, {"\xE2\x81\xA9", "U+2069"}};
  for (const auto& [bytes, name] : controls) {
    EXPECT_THAT(text("\xC3\xA9" + bytes, TextKind::kParagraph),
                StatusIs(kInvalid, absl::StrCat("f: control character ", name,
                                                " at character 1; only newline "
                                                "and tab are allowed")));
  }
  // Not controls: no-break space, narrow no-break space, U+206A.
  EXPECT_THAT(text("\xC2\xA0\xE2\x80\xAF\xE2\x81\xAA", TextKind::kLine),
              IsOk());
  const std::pair<std::string, int> bad_utf8[] = {
      {"ab\x80", 2},            // lone continuation byte
      {"a\xC3", 1},             // truncated sequence
      {"a\xC0\xAF", 1},         // overlong '/'
      {"\xE0\x80\xAF", 0},      // overlong, three bytes
      {"x\xED\xA0\x80", 1},     // surrogate U+D800
      {"\xF4\x90\x80\x80", 0},  // above U+10FFFF
      {"\xF5\x80\x80\x80", 0},  // invalid lead byte
      {"\xC3\xA9\xFF", 2}};     // 0xFF never appears
  for (const auto& [bytes, at] : bad_utf8) {
    EXPECT_THAT(
        text(bytes, TextKind::kParagraph),
        StatusIs(kInvalid, absl::StrCat("f: invalid UTF-8 at byte ", at)));
  }
  EXPECT_THAT(ValidateText("f", "", 10, Presence::kOptional, TextKind::kLine),
              IsOk());
  EXPECT_THAT(
      ValidateText("f", "\xFF", 10, Presence::kOptional, TextKind::kLine),
      StatusIs(kInvalid, "f: invalid UTF-8 at byte 0"));
}

TEST(RequestValidationTest, ObjectiveAndJustification) {
  Submission s = Valid();
  s.objective = "";
  EXPECT_THAT(Check(s), StatusIs(kInvalid, "objective: required"));
  s.objective = std::string(201, 'x');
  EXPECT_THAT(Check(s),
              StatusIs(kInvalid, "objective: 201 characters, at most 200"));
  s.objective = "Axe I.2\nveille";
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "objective: control character U+000A at "
                                 "character 7; a single line of text is "
                                 "expected"));
  s = Valid();
  s.justification = std::string(8001, 'j');
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "justification: 8001 characters, at most "
                                 "8000"));
  s.justification = "Besoin\x07";
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "justification: control character U+0007 at "
                                 "character 6; only newline and tab are "
                                 "allowed"));
}

TEST(RequestValidationTest, ScopeListsRequiredAndBounded) {
  Submission s = Valid();
  s.scope.indicators.clear();
  EXPECT_THAT(Check(s),
              StatusIs(kInvalid, "scope.indicators: at least one required"));
  s = Valid();
  s.scope.territories.clear();
  EXPECT_THAT(Check(s),
              StatusIs(kInvalid, "scope.territories: at least one required"));
  s = Valid();
  s.scope.periods.clear();
  EXPECT_THAT(Check(s),
              StatusIs(kInvalid, "scope.periods: at least one required"));

  RequestLimits limits;
  limits.max_indicators = 1;
  EXPECT_THAT(Check(Valid(), limits),
              StatusIs(kInvalid, "scope.indicators: 2 items, at most 1"));
  limits = RequestLimits();
  limits.max_territories = 2;
  EXPECT_THAT(Check(Valid(), limits),
              StatusIs(kInvalid, "scope.territories: 3 items, at most 2"));
  limits = RequestLimits();
  limits.max_breakdowns = 0;
  EXPECT_THAT(Check(Valid(), limits),
              StatusIs(kInvalid, "scope.breakdowns: 1 items, at most 0"));
  s = Valid();
  s.scope.periods.assign(121, "2023");
  EXPECT_THAT(Check(s),
              StatusIs(kInvalid, "scope.periods: 121 items, at most 120"));
  s = Valid();
  s.scope.territories.assign(501, "33069");
  EXPECT_THAT(Check(s),
              StatusIs(kInvalid, "scope.territories: 501 items, at most 500"));
}

TEST(RequestValidationTest, ScopeCodesAgainstCatalogueAndPerimeter) {
  Submission s = Valid();
  s.scope.indicators = {"allocataires", "paje"};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.indicators[1]: \"paje\" is not in the "
                                 "catalogue"));
  s = Valid();
  s.scope.territories = {"33069", "330690101", "330699999", "33063"};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.territories[2]: \"330699999\" is not "
                                 "in the perimeter of convention CTG-33069"));
  s = Valid();
  s.scope.periods = {"2023", "2031"};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.periods[1]: \"2031\" is not in the "
                                 "statistical base"));
  s = Valid();
  s.scope.breakdowns = {"age_band", "child_age"};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.breakdowns[1]: \"child_age\" is not a "
                                 "breakdown of any requested indicator "
                                 "(allocataires, rsa)"));
  s.scope.breakdowns = {"sex"};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.breakdowns[0]: \"sex\" is not a "
                                 "breakdown in the catalogue"));
  s.scope.indicators = {"rsa"};
  s.scope.breakdowns = {"family_type"};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.breakdowns[0]: \"family_type\" is not "
                                 "a breakdown of any requested indicator "
                                 "(rsa)"));
  // A breakdown of one requested indicator is enough.
  s.scope.indicators = {"rsa", "allocataires"};
  EXPECT_THAT(Check(s), IsOk());
}

TEST(RequestValidationTest, ScopeDuplicatesAndEscaping) {
  Submission s = Valid();
  s.scope.territories = {"33069", "330690101", "330690102", "330690101"};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.territories[3]: \"330690101\" is a "
                                 "duplicate of scope.territories[1]"));
  s = Valid();
  s.scope.indicators = {"rsa", "rsa"};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.indicators[1]: \"rsa\" is a duplicate "
                                 "of scope.indicators[0]"));
  s = Valid();
  s.scope.periods = {"2023", "2022", "2023"};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.periods[2]: \"2023\" is a duplicate of "
                                 "scope.periods[0]"));
  s = Valid();
  s.scope.breakdowns = {"age_band", "age_band"};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.breakdowns[1]: \"age_band\" is a "
                                 "duplicate of scope.breakdowns[0]"));
  // The first bad value is reported, whatever its kind: here a duplicate
  // comes before an unknown code.
  s = Valid();
  s.scope.territories = {"33069", "33069", "99999"};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.territories[1]: \"33069\" is a "
                                 "duplicate of scope.territories[0]"));
  // Echoed values are escaped and cut.
  s = Valid();
  s.scope.indicators = {"rsa\"\n\x01"};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.indicators[0]: \"rsa\\\"\\n\\x01\" is "
                                 "not in the catalogue"));
  s.scope.indicators = {std::string(100, 'z')};
  EXPECT_THAT(Check(s),
              StatusIs(kInvalid, absl::StrCat("scope.indicators[0]: \"",
                                              std::string(64, 'z'),
                                              "...\" is not in the "
                                              "catalogue")));
  s.scope.indicators = {""};
  EXPECT_THAT(Check(s), StatusIs(kInvalid,
                                 "scope.indicators[0]: \"\" is not in the "
                                 "catalogue"));
}

TEST(RequestValidationTest, Recipients) {
  auto check = [](std::vector<Recipient> recipients,
                  const RequestLimits& limits = RequestLimits()) {
    return ValidateRecipients(recipients, limits);
  };
  using K = RecipientKind;
  EXPECT_THAT(check({}), IsOk());
  EXPECT_THAT(check({{K::kOwnService, "CCAS", ""},
                     {K::kOwnService, "Direction de la cohésion sociale", ""},
                     {K::kOperator, "Compas", "alice"},
                     {K::kOperator, "Compas", "bob"}}),
              StatusIs(kInvalid, "recipients[3]: duplicate of recipients[2]"));
  EXPECT_THAT(check({{K::kUnspecified, "CCAS", ""}}),
              StatusIs(kInvalid,
                       "recipients[0].kind: must be OWN_SERVICE or OPERATOR"));
  EXPECT_THAT(
      check({{K::kOwnService, "CCAS", ""}, {static_cast<K>(7), "X", ""}}),
      StatusIs(kInvalid,
               "recipients[1].kind: must be OWN_SERVICE or OPERATOR"));
  EXPECT_THAT(check({{K::kOwnService, "  ", ""}}),
              StatusIs(kInvalid, "recipients[0].name: required"));
  EXPECT_THAT(
      check({{K::kOwnService, std::string(201, 'n'), ""}}),
      StatusIs(kInvalid, "recipients[0].name: 201 characters, at most 200"));
  EXPECT_THAT(check({{K::kOwnService, "CCAS\nbis", ""}}),
              StatusIs(kInvalid,
                       "recipients[0].name: control character "
                       "U+000A at character 4; a single line of "
                       "text is expected"));
  EXPECT_THAT(check({{K::kOperator, "Compas", ""}}),
              StatusIs(kInvalid,
                       "recipients[0].operator_person: required for "
                       "an OPERATOR recipient"));
  EXPECT_THAT(check({{K::kOwnService, "CCAS", "alice"}}),
              StatusIs(kInvalid,
                       "recipients[0].operator_person: only an "
                       "OPERATOR recipient has one"));
  EXPECT_THAT(check({{K::kOperator, "Compas", "alice/../x"}}),
              StatusIs(kInvalid,
                       "recipients[0].operator_person: "
                       "\"alice/../x\" is not a person name (1-64 "
                       "letters, digits, '.', '-' or '_')"));
  EXPECT_THAT(check({{K::kOperator, "Compas", ".."}}), StatusIs(kInvalid));
  EXPECT_THAT(check({{K::kOperator, "Compas", std::string(65, 'a')}}),
              StatusIs(kInvalid));
  EXPECT_THAT(check({{K::kOperator, "Compas", std::string(64, 'a')}}), IsOk());
  // Same name, case aside, same kind: a duplicate; other kind: fine.
  EXPECT_THAT(
      check({{K::kOwnService, "CCAS", ""}, {K::kOwnService, "ccas", ""}}),
      StatusIs(kInvalid, "recipients[1]: duplicate of recipients[0]"));
  EXPECT_THAT(check({{K::kOwnService, "Compas", ""},
                     {K::kOperator, "Compas", "alice"}}),
              IsOk());
  // The same operator person under two names.
  EXPECT_THAT(check({{K::kOperator, "Compas", "alice"},
                     {K::kOperator, "Compas SA", "alice"}}),
              StatusIs(kInvalid,
                       "recipients[1].operator_person: \"alice\" is "
                       "already declared by recipients[0]"));
  RequestLimits limits;
  limits.max_recipients = 1;
  EXPECT_THAT(
      check({{K::kOwnService, "A", ""}, {K::kOwnService, "B", ""}}, limits),
      StatusIs(kInvalid, "recipients: 2 items, at most 1"));
  // Through ValidateSubmission too.
  Submission s = Valid();
  s.recipients.push_back({K::kOperator, "Compas", "bob"});
  EXPECT_THAT(Check(s),
              StatusIs(kInvalid, "recipients[2]: duplicate of recipients[1]"));
}

TEST(RequestValidationTest, Retention) {
  Submission s = Valid();
  for (int months : {0, -1, 121}) {
    s.retention_months = months;
    EXPECT_THAT(Check(s),
                StatusIs(kInvalid, absl::StrCat("retention_months: ", months,
                                                " is outside 1..120")));
  }
}

TEST(RequestValidationTest, SubmissionChecksFieldsInOrder) {
  Submission s = Valid();
  s.purpose = "";
  s.objective = "";
  s.scope.territories = {"99999"};
  s.retention_months = 0;
  EXPECT_THAT(Check(s), StatusIs(kInvalid, "purpose: required"));
  s.purpose = "p";
  EXPECT_THAT(Check(s), StatusIs(kInvalid, "objective: required"));
  s.objective = "o";
  EXPECT_THAT(
      Check(s),
      StatusIs(kInvalid, ::testing::StartsWith("scope.territories[0]")));
  s.scope = Valid().scope;
  EXPECT_THAT(Check(s),
              StatusIs(kInvalid, ::testing::StartsWith("retention_months")));
}

TEST(RequestValidationTest, PurposeIsImmutable) {
  const std::string recorded = "Diagnostic social";
  EXPECT_THAT(CheckPurposeUnchanged(recorded, ""), IsOk());
  EXPECT_THAT(CheckPurposeUnchanged(recorded, recorded), IsOk());
  const std::string refused =
      "purpose: the declared purpose cannot change after submission (R2); "
      "file a new request for another purpose";
  EXPECT_THAT(CheckPurposeUnchanged(recorded, "Diagnostic social "),
              StatusIs(kInvalid, refused));
  EXPECT_THAT(CheckPurposeUnchanged(recorded, "diagnostic social"),
              StatusIs(kInvalid, refused));
  EXPECT_THAT(CheckPurposeUnchanged(recorded, "Autre chose"),
              StatusIs(kInvalid, refused));
}

TEST(RequestValidationTest, Amendment) {
  auto check = [](const Amendment& a) {
    return ValidateAmendment(a, "Diagnostic social", Catalogue(),
                             BouscatPerimeter());
  };
  Amendment a;
  a.answer = "Les IRIS du Champ de courses suffisent.";
  EXPECT_THAT(check(a), IsOk());
  a.purpose = "Diagnostic social";
  a.justification = "Nouvelle justification";
  a.scope = Valid().scope;
  EXPECT_THAT(check(a), IsOk());
  a.purpose = "Autre usage";
  EXPECT_THAT(check(a), StatusIs(kInvalid, ::testing::StartsWith(
                                               "purpose: the declared purpose "
                                               "cannot change")));
  a.purpose = "";
  a.answer = "";
  EXPECT_THAT(check(a), StatusIs(kInvalid, "answer: required"));
  a.answer = std::string(8001, 'a');
  EXPECT_THAT(check(a),
              StatusIs(kInvalid, "answer: 8001 characters, at most 8000"));
  a.answer = "ok";
  a.justification = "\x1B[31m";
  EXPECT_THAT(check(a), StatusIs(kInvalid,
                                 "justification: control character U+001B at "
                                 "character 0; only newline and tab are "
                                 "allowed"));
  a.justification = "";
  a.scope->territories.push_back("33063");
  EXPECT_THAT(check(a), StatusIs(kInvalid,
                                 "scope.territories[3]: \"33063\" is not in "
                                 "the perimeter of convention CTG-33069"));
}

TEST(RequestValidationTest, Questions) {
  EXPECT_THAT(ValidateQuestions({"Pourquoi l'IRIS 0102 ?"}), IsOk());
  EXPECT_THAT(ValidateQuestions({}),
              StatusIs(kInvalid, "questions: at least one required"));
  EXPECT_THAT(ValidateQuestions({"a", " "}),
              StatusIs(kInvalid, "questions[1]: required"));
  EXPECT_THAT(ValidateQuestions({std::string(2001, 'q')}),
              StatusIs(kInvalid,
                       "questions[0]: 2001 characters, at most "
                       "2000"));
  EXPECT_THAT(ValidateQuestions(std::vector<std::string>(21, "q")),
              StatusIs(kInvalid, "questions: 21 items, at most 20"));
}

TEST(RequestValidationTest, Narrowing) {
  const Scope requested = Valid().scope;
  EXPECT_THAT(CheckNarrowing(requested, requested), IsOk());
  Scope narrow = requested;
  narrow.territories = {"QN03302M"};
  narrow.breakdowns.clear();
  EXPECT_THAT(CheckNarrowing(narrow, requested), IsOk());
  narrow.territories = {"330690101", "330690102"};
  EXPECT_THAT(CheckNarrowing(narrow, requested),
              StatusIs(kInvalid,
                       "scope.territories[1]: \"330690102\" was not "
                       "requested"));
  narrow = requested;
  narrow.indicators = {"housing_aid"};
  EXPECT_THAT(CheckNarrowing(narrow, requested),
              StatusIs(kInvalid,
                       "scope.indicators[0]: \"housing_aid\" was "
                       "not requested"));
  narrow = requested;
  narrow.periods = {"2022"};
  EXPECT_THAT(CheckNarrowing(narrow, requested),
              StatusIs(kInvalid,
                       "scope.periods[0]: \"2022\" was not "
                       "requested"));
  narrow = requested;
  narrow.breakdowns = {"age_band", "family_type"};
  EXPECT_THAT(CheckNarrowing(narrow, requested),
              StatusIs(kInvalid,
                       "scope.breakdowns[1]: \"family_type\" was "
                       "not requested"));
}

// DecideRequest.
const absl::Time kNow = absl::FromUnixSeconds(1'709'287'200);  // 2024-03-01
const absl::Time kConventionEnd =
    absl::FromUnixSeconds(1'735'689'600);  // 2025-01-01T00:00:00Z

Opinion Favourable(std::string reviewer) {
  return {OpinionValue::kFavourable, "Conforme à l'axe I.2.",
          "spiffe://caf.test/caf/33/reviewer/" + reviewer};
}

DecisionInput Approve() {
  DecisionInput d;
  d.decision = Decision::kApprove;
  d.opportunity = Favourable("alice");
  d.feasibility = Favourable("bob");
  return d;
}

DecisionInput Reject() {
  DecisionInput d;
  d.decision = Decision::kReject;
  d.reasons = "Hors des objectifs de la convention.";
  return d;
}

absl::StatusOr<DecisionOutcome> Decide(const DecisionInput& d,
                                       bool four_eyes = false) {
  return ValidateDecision(d, Valid().scope, Catalogue(), BouscatPerimeter(),
                          kNow, kConventionEnd, DecisionOptions{four_eyes});
}

TEST(DecisionValidationTest, ApprovalDefaults) {
  CTG_ASSERT_OK_AND_ASSIGN(DecisionOutcome outcome, Decide(Approve()));
  EXPECT_EQ(outcome.decision, Decision::kApprove);
  ASSERT_TRUE(outcome.approval.has_value());
  EXPECT_EQ(outcome.approval->scope.territories, Valid().scope.territories);
  EXPECT_EQ(outcome.approval->scope.breakdowns, Valid().scope.breakdowns);
  EXPECT_EQ(outcome.approval->end_time, kConventionEnd);
  EXPECT_EQ(outcome.approval->download_quota, 1);
}

TEST(DecisionValidationTest, ApprovalTerms) {
  DecisionInput d = Approve();
  Scope narrow = Valid().scope;
  narrow.territories = {"330690101"};
  narrow.indicators = {"rsa"};
  d.scope = narrow;
  d.end_time = kNow + absl::Hours(24 * 30);
  d.download_quota = 100;
  CTG_ASSERT_OK_AND_ASSIGN(DecisionOutcome outcome, Decide(d));
  EXPECT_THAT(outcome.approval->scope.territories, ElementsAre("330690101"));
  EXPECT_THAT(outcome.approval->scope.indicators, ElementsAre("rsa"));
  EXPECT_EQ(outcome.approval->end_time, kNow + absl::Hours(24 * 30));
  EXPECT_EQ(outcome.approval->download_quota, 100);

  d.download_quota = 101;
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "download_quota: 101 is outside 0..100 (0 "
                                  "means one)"));
  d.download_quota = -1;
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "download_quota: -1 is outside 0..100 (0 "
                                  "means one)"));
  d.download_quota = 0;
  d.end_time = kNow;
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "end_time: 2024-03-01T10:00:00Z is not after "
                                  "now (2024-03-01T10:00:00Z)"));
  d.end_time = kNow + absl::Seconds(1);
  EXPECT_THAT(Decide(d), IsOk());
  d.end_time = kConventionEnd;
  EXPECT_THAT(Decide(d), IsOk());
  d.end_time = kConventionEnd + absl::Seconds(1);
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "end_time: 2025-01-01T00:00:01Z is after the "
                                  "end of convention CTG-33069 "
                                  "(2025-01-01T00:00:00Z)"));
  // An open-ended convention and no end time: an open-ended approval.
  CTG_ASSERT_OK_AND_ASSIGN(
      DecisionOutcome open,
      ValidateDecision(Approve(), Valid().scope, Catalogue(),
                       BouscatPerimeter(), kNow, absl::InfiniteFuture(), {}));
  EXPECT_EQ(open.approval->end_time, absl::InfiniteFuture());
  // The convention already over: no end time can be after now.
  EXPECT_THAT(
      ValidateDecision(Approve(), Valid().scope, Catalogue(),
                       BouscatPerimeter(), kConventionEnd, kConventionEnd, {}),
      StatusIs(kInvalid, ::testing::StartsWith("end_time: ")));
}

TEST(DecisionValidationTest, ApprovalOnlyNarrows) {
  DecisionInput d = Approve();
  Scope wider = Valid().scope;
  wider.territories.push_back("330690102");  // in the perimeter
  d.scope = wider;
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "scope.territories[3]: \"330690102\" was not "
                                  "requested"));
  Scope empty = Valid().scope;
  empty.periods.clear();
  d.scope = empty;
  EXPECT_THAT(Decide(d),
              StatusIs(kInvalid, "scope.periods: at least one required"));
  // A breakdown kept with an approved indicator that has it...
  Scope kept = Valid().scope;
  kept.indicators = {"rsa"};
  d.scope = kept;
  EXPECT_THAT(Decide(d), IsOk());
  // ... but not once no approved indicator has it.
  Scope requested = Valid().scope;
  requested.breakdowns = {"family_type"};
  Scope orphan = requested;
  orphan.indicators = {"rsa"};
  d.scope = orphan;
  EXPECT_THAT(ValidateDecision(d, requested, Catalogue(), BouscatPerimeter(),
                               kNow, kConventionEnd, {}),
              StatusIs(kInvalid,
                       "scope.breakdowns[0]: \"family_type\" is "
                       "not a breakdown of any requested indicator "
                       "(rsa)"));
  Scope duplicate = Valid().scope;
  duplicate.periods = {"2023", "2023"};
  d.scope = duplicate;
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "scope.periods[1]: \"2023\" is a duplicate "
                                  "of scope.periods[0]"));
}

TEST(DecisionValidationTest, ApprovalNeedsBothOpinionsFavourable) {
  DecisionInput d = Approve();
  d.opportunity.reset();
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "opportunity: required: an approval needs "
                                  "both opinions (R1)"));
  d = Approve();
  d.feasibility.reset();
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "feasibility: required: an approval needs "
                                  "both opinions (R1)"));
  d = Approve();
  d.feasibility->value = OpinionValue::kUnfavourable;
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "feasibility.opinion: is UNFAVOURABLE; an "
                                  "approval needs both opinions FAVOURABLE "
                                  "(R1)"));
  d = Approve();
  d.opportunity->value = OpinionValue::kUnfavourable;
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "opportunity.opinion: is UNFAVOURABLE; an "
                                  "approval needs both opinions FAVOURABLE "
                                  "(R1)"));
  d = Approve();
  d.opportunity->value = OpinionValue::kUnspecified;
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "opportunity.opinion: must be FAVOURABLE or "
                                  "UNFAVOURABLE"));
  d = Approve();
  d.feasibility->reasoning = "   ";
  EXPECT_THAT(Decide(d), StatusIs(kInvalid, "feasibility.reasoning: required"));
  d.feasibility->reasoning = std::string(4001, 'r');
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "feasibility.reasoning: 4001 characters, at "
                                  "most 4000"));
  d = Approve();
  d.opportunity->reviewer = "";
  EXPECT_THAT(Decide(d), StatusIs(kInvalid, "opportunity.reviewer: required"));
  d = Approve();
  d.reasons = "Parce que.";
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "reasons: only a rejection has reasons; the "
                                  "opinions carry the approval's reasoning"));
}

TEST(DecisionValidationTest, Rejection) {
  CTG_ASSERT_OK_AND_ASSIGN(DecisionOutcome outcome, Decide(Reject()));
  EXPECT_EQ(outcome.decision, Decision::kReject);
  EXPECT_FALSE(outcome.approval.has_value());

  DecisionInput d = Reject();
  d.reasons = "";
  EXPECT_THAT(Decide(d), StatusIs(kInvalid, "reasons: required"));
  d.reasons = std::string(4001, 'r');
  EXPECT_THAT(Decide(d),
              StatusIs(kInvalid, "reasons: 4001 characters, at most 4000"));
  d = Reject();
  d.scope = Valid().scope;
  EXPECT_THAT(Decide(d),
              StatusIs(kInvalid, "scope: only an approval has a scope"));
  d = Reject();
  d.end_time = kConventionEnd;
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "end_time: only an approval has an end "
                                  "time"));
  d = Reject();
  d.download_quota = 3;
  EXPECT_THAT(Decide(d), StatusIs(kInvalid,
                                  "download_quota: only an approval has a "
                                  "download quota"));
  // Opinions are optional on a rejection, but checked when given; even two
  // favourable opinions do not prevent it.
  d = Reject();
  d.opportunity = Opinion{OpinionValue::kUnfavourable, "", "r"};
  EXPECT_THAT(Decide(d), StatusIs(kInvalid, "opportunity.reasoning: required"));
  d.opportunity->reasoning = "Hors axe.";
  d.feasibility = Favourable("bob");
  EXPECT_THAT(Decide(d), IsOk());
  d.opportunity = Favourable("alice");
  EXPECT_THAT(Decide(d), IsOk());
}

TEST(DecisionValidationTest, DecisionMustBeGiven) {
  DecisionInput d = Approve();
  d.decision = Decision::kUnspecified;
  EXPECT_THAT(Decide(d),
              StatusIs(kInvalid, "decision: must be APPROVE or REJECT"));
}

TEST(DecisionValidationTest, FourEyes) {
  DecisionInput d = Approve();
  d.feasibility = Favourable("alice");
  EXPECT_THAT(Decide(d, /*four_eyes=*/false), IsOk());
  EXPECT_THAT(Decide(d, /*four_eyes=*/true),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "four-eyes rule: the opportunity and feasibility "
                       "opinions must come from two different reviewers; both "
                       "come from spiffe://caf.test/caf/33/reviewer/alice"));
  EXPECT_THAT(Decide(Approve(), /*four_eyes=*/true), IsOk());
  // On a rejection, when both opinions are given.
  DecisionInput r = Reject();
  r.opportunity = Favourable("alice");
  EXPECT_THAT(Decide(r, /*four_eyes=*/true), IsOk());
  r.feasibility = Favourable("alice");
  EXPECT_THAT(Decide(r, /*four_eyes=*/true),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // Invalid opinions are reported before the four-eyes rule.
  d.feasibility->reasoning = "";
  EXPECT_THAT(Decide(d, /*four_eyes=*/true),
              StatusIs(kInvalid, "feasibility.reasoning: required"));
}

}  // namespace
}  // namespace ctg::policy
