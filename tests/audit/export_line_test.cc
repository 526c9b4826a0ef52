#include "audit/export_line.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "audit/audit_log_format.h"
#include "audit/canonical.h"
#include "audit/time_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/audit/test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

ExportRecord Record(uint64_t seq) {
  ExportRecord r;
  r.event = testing::MakeEvent(seq);
  r.leaf_hash = EventLeafHash(r.event);
  return r;
}

std::string Line(const ExportRecord& r) {
  std::string line = FormatExportLine(r);
  line.pop_back();  // '\n'
  return line;
}

TEST(ExportLineTest, ExactShape) {
  ExportRecord r;
  r.event.sequence = 7;
  r.event.time_micros = 1795908624123456;
  r.event.caller = "spiffe://x/caf/33/auditor/b";
  r.event.method = "/ctg.v1.Audit/ListEvents";
  r.event.code = -3;
  r.event.message = "tab\there \"quoted\" back\\slash \x01 é";
  r.event.facts = {{"k", "v"}};
  r.leaf_hash = Sha256("x");
  r.checkpoint = "o\n1\nAAA=\n\n\xe2\x80\x94 o AAAA\n";
  EXPECT_EQ(
      FormatExportLine(r),
      absl::StrCat(
          R"({"sequence":7,"time":"2026-11-28T23:30:24.123456Z",)",
          R"("caller":"spiffe://x/caf/33/auditor/b","cert_sha256":"","peer":"",)",
          R"("method":"/ctg.v1.Audit/ListEvents","target_kind":"","target_id":"",)",
          R"("code":-3,"message":"tab\there \"quoted\" back\\slash \u0001 é",)",
          R"("facts":{"k":"v"},"leaf_hash":")", HashToHex(Sha256("x")), R"(",)",
          R"("checkpoint":"o\n1\nAAA=\n\n— o AAAA\n"})", "\n"));
}

TEST(ExportLineTest, RoundTrips) {
  for (uint64_t seq = 1; seq <= 20; ++seq) {
    ExportRecord r = Record(seq);
    if (seq % 4 == 0) r.checkpoint = "origin\n4\nroot\n\n\xe2\x80\x94 k sig\n";
    CTG_ASSERT_OK_AND_ASSIGN(ExportRecord back, ParseExportLine(Line(r)));
    EXPECT_EQ(back, r);
  }
  ExportRecord r = Record(1);
  for (int c = 0; c < 0x20; ++c)
    r.event.message.push_back(static_cast<char>(c));
  r.event.message += "\x7f\"\\/\xf0\x9f\x98\x80";
  CTG_ASSERT_OK_AND_ASSIGN(ExportRecord back, ParseExportLine(Line(r)));
  EXPECT_EQ(back, r);
}

TEST(ExportLineTest, AcceptsJsonWhitespaceAnyFieldOrderAndEscapes) {
  const ExportRecord r = Record(3);
  // Reverse the field order, add whitespace and a trailing CR, escape the
  // '/' and a letter of a key, spell a fact in \u form and facts unsorted.
  std::string line = absl::StrCat(
      " {\r\n \"leaf_hash\" : \"", HashToHex(r.leaf_hash), "\" ,\t",
      "\"facts\":{\"purpose\":\"",
      "Diagnostic partag\\u00e9 de la CTG: besoins de garde par IRIS, "
      "\\\"quartiers\\\" prioritaires\\tet \\u00e9volution 2019-2023",
      "\", \"objective\" : \"Petite enfance: accueil du jeune enfant\"},",
      "\"message\":\"\",\"code\":0,\"target_id\":\"req-1\",\"target_kind\":"
      "\"request\",",
      "\"method\":\"\\/ctg.v1.Extracts\\/"
      "GetExtract\",\"peer\":\"ipv4:10.0.3.7:40003\",",
      "\"cert_sha256\":\"", r.event.cert_sha256, "\",",
      "\"caller\":\"spiffe://caf33.example/commune/33069/requester/agent3\",",
      "\"tim\\u0065\":\"", FormatRfc3339Micros(r.event.time_micros), "\",",
      "\"sequence\":3 } \r");
  CTG_ASSERT_OK_AND_ASSIGN(ExportRecord back, ParseExportLine(line));
  EXPECT_EQ(back, r);
}

TEST(ExportLineTest, SurrogatePairs) {
  ExportRecord r = Record(1);
  std::string line = Line(r);
  line = absl::StrReplaceAll(
      line, {{R"("message":"")", R"("message":"\ud83d\ude00")"}});
  CTG_ASSERT_OK_AND_ASSIGN(ExportRecord back, ParseExportLine(line));
  EXPECT_EQ(back.event.message, "\xf0\x9f\x98\x80");
  for (const char* bad :
       {R"("message":"\ud83d")", R"("message":"\ude00")",
        R"("message":"\ud83d\u0041")", R"("message":"\ud83")"}) {
    std::string l = absl::StrReplaceAll(Line(r), {{R"("message":"")", bad}});
    EXPECT_THAT(ParseExportLine(l), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("field \"message\"")))
        << bad;
  }
}

struct BadCase {
  std::string from;
  std::string to;
  std::string error;
};

TEST(ExportLineTest, RejectsBadLinesWithClearErrors) {
  const ExportRecord r = Record(5);
  const std::string good = Line(r);
  const std::string hex = HashToHex(r.leaf_hash);
  const BadCase cases[] = {
      {R"("sequence":5)", R"("sequence":"5")",
       "field \"sequence\": column 13: expected a non-negative integer"},
      {R"("sequence":5)", R"("sequence":-5)", "field \"sequence\""},
      {R"("sequence":5)", R"("sequence":5.0)", "fraction or exponent"},
      {R"("sequence":5)", R"("sequence":5e0)", "fraction or exponent"},
      {R"("sequence":5)", R"("sequence":05)", "leading zero"},
      {R"("sequence":5)", R"("sequence":18446744073709551616)",
       "overflows uint64"},
      {R"("sequence":5)", R"("sequence":0)", "sequence: must be >= 1"},
      {R"("code":7)", R"("code":2147483648)", "int32 range"},
      {R"("code":7)", R"("code":- 7)", "field \"code\""},
      {R"("code":7)", R"("code":null)", "field \"code\""},
      {R"("sequence":5,)", R"("sequence":5,"sequence":5,)",
       "duplicate field \"sequence\""},
      {R"("sequence":5,)", R"("sequence":5,"extra":1,)",
       "unknown field \"extra\""},
      {R"("sequence":5,)", "", "missing required field \"sequence\""},
      {R"("peer":"ipv4:10.0.5.7:40005",)", "",
       "missing required field \"peer\""},
      {R"("peer":"ipv4:10.0.5.7:40005")", R"("peer":5)",
       "field \"peer\": column"},
      {R"("peer":"ipv4:10.0.5.7:40005")", "\"peer\":\"a\tb\"",
       "raw control character"},
      {R"("peer":"ipv4:10.0.5.7:40005")", "\"peer\":\"\xff\"", "invalid UTF-8"},
      {R"("peer":"ipv4:10.0.5.7:40005")", R"("peer":"\x41")",
       "unknown escape \\x"},
      {R"("peer":"ipv4:10.0.5.7:40005")", R"("peer":"\u12G4")",
       "bad hex digit"},
      {R"("time":"2026-)", R"("time":"2026-13)", "field \"time\": timestamp"},
      {R"("time":")", R"("time":1)", "field \"time\""},
      {hex, hex.substr(1),
       "field \"leaf_hash\": expected 64 lower-case hex digits"},
      {hex, "A" + hex.substr(1),
       "field \"leaf_hash\": not a lower-case hex digit"},
      {R"("facts":{)", R"("facts":{"objective":"x",)",
       "duplicate fact key \"objective\""},
      {R"("facts":{)", R"("facts":{"n":1,)",
       "value of fact \"n\" must be a string"},
      {R"("facts":{)", R"("facts":{"":"x",)", "facts[0].key: empty"},
      {R"("facts":{)", R"("facts":[)", "field \"facts\""},
      {hex + "\"}", hex + "\"},", "unexpected text after the event object"},
      {hex + "\"}", hex + "\"", "expected ',' or '}'"},
      {"{", "[", "expected '{'"},
      {R"("code":7)", R"("code":7,"checkpoint":"")",
       "field \"checkpoint\": empty"},
      {R"("code":7)", R"("code":7,"checkpoint":7)", "field \"checkpoint\""},
      {R"("caller":"spiffe)", R"("caller":"spiffe\)", "field \"caller\""},
  };
  for (const BadCase& c : cases) {
    const size_t at = good.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    std::string bad = good;
    bad.replace(at, c.from.size(), c.to);
    EXPECT_THAT(
        ParseExportLine(bad),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.error)))
        << bad;
  }
  EXPECT_THAT(ParseExportLine(""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("column 1: expected '{'")));
  EXPECT_THAT(ParseExportLine(good.substr(0, good.size() / 2)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ExportLineTest, EveryTruncationFailsCleanly) {
  ExportRecord r = Record(6);
  r.checkpoint = "o\n6\nAAAA\n\n\xe2\x80\x94 o AAAA\n";
  const std::string good = Line(r);
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(ParseExportLine(good.substr(0, n)).ok()) << n;
  }
}

TEST(ExportLineTest, ReusesTheRecord) {
  ExportRecord r;
  ASSERT_THAT(ParseExportLine(Line(Record(1)), &r), IsOk());
  ExportRecord with_cp = Record(2);
  with_cp.checkpoint = "x\n";
  ASSERT_THAT(ParseExportLine(Line(with_cp), &r), IsOk());
  EXPECT_EQ(r.checkpoint, "x\n");
  ASSERT_THAT(ParseExportLine(Line(Record(3)), &r), IsOk());
  EXPECT_EQ(r, Record(3));  // checkpoint cleared, facts resized
}

TEST(ExportLineTest, LineBreaksOfOtherSplittersAndDelAreEscaped) {
  ExportRecord r = Record(3);
  // DEL, NEL (U+0085), LINE SEPARATOR (U+2028), PARAGRAPH SEPARATOR
  // (U+2029), next to characters sharing their lead bytes (U+00A0, U+2014).
  r.event.message =
      "a\x7f"
      "b\xc2\x85"
      "c\xe2\x80\xa8"
      "d\xe2\x80\xa9"
      "e\xc2\xa0\xe2\x80\x94";
  r.event.facts = {{"k\xe2\x80\xa8", "v\xc2\x85"}};
  r.leaf_hash = EventLeafHash(r.event);
  const std::string line = Line(r);
  EXPECT_THAT(line, HasSubstr(R"("message":"a\u007fb\u0085c\u2028d\u2029e)"
                              "\xc2\xa0\xe2\x80\x94\""));
  EXPECT_THAT(line, HasSubstr(R"("facts":{"k\u2028":"v\u0085"})"));
  for (absl::string_view raw :
       {"\x7f", "\xc2\x85", "\xe2\x80\xa8", "\xe2\x80\xa9"}) {
    EXPECT_EQ(absl::string_view(line).find(raw), absl::string_view::npos)
        << "raw bytes " << absl::CHexEscape(raw);
  }
  auto back = ParseExportLine(line);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, r);
}

}  // namespace
}  // namespace ctg::audit
