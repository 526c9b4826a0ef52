#include "base/json.h"

#include <string>

#include "gtest/gtest.h"

namespace ctg {
namespace {

TEST(JsonStringTest, ApostropheAndFrenchTextAreCopiedAsIs) {
  // An apostrophe needs no escape in JSON ("\'" is not a JSON escape).
  EXPECT_EQ(JsonString("Diagnostic de l'accès aux droits"),
            "\"Diagnostic de l'accès aux droits\"");
  EXPECT_EQ(JsonString("Âge, œuvre, €, 𝄞"), "\"Âge, œuvre, €, 𝄞\"");
}

TEST(JsonStringTest, QuotesAndBackslashesAreEscaped) {
  EXPECT_EQ(JsonString(R"(le "Petit" Bourg \ C:\x)"),
            R"("le \"Petit\" Bourg \\ C:\\x")");
}

TEST(JsonStringTest, ControlCharactersAreEscaped) {
  EXPECT_EQ(JsonString("a\nb\rc\td\be\ff"), R"("a\nb\rc\td\be\ff")");
  EXPECT_EQ(JsonString(std::string("\x00\x01\x1f", 3)),
            R"("\u0000\u0001\u001f")");
  EXPECT_EQ(JsonString("del\x7f"), R"("del\u007f")");
  // C1 controls (U+0085 NEL) and the JavaScript line separators.
  EXPECT_EQ(JsonString("\xc2\x85"), R"("\u0085")");
  EXPECT_EQ(JsonString("a\xe2\x80\xa8"
                       "b\xe2\x80\xa9"),
            R"("a\u2028b\u2029")");
}

TEST(JsonStringTest, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(JsonString("a\xff"
                       "b"),
            "\"a" + fffd + "b\"");
  EXPECT_EQ(JsonString("\xc0\xaf"), "\"" + fffd + fffd + "\"");  // overlong '/'
  EXPECT_EQ(JsonString("\xed\xa0\x80"),
            "\"" + fffd + fffd + fffd + "\"");  // surrogate
  EXPECT_EQ(JsonString("\xf4\x90\x80\x80"),
            "\"" + fffd + fffd + fffd + fffd + "\"");
  EXPECT_EQ(JsonString("cut \xc3"), "\"cut " + fffd + "\"");
}

TEST(JsonStringTest, AppendsToExistingText) {
  std::string out = "{\"k\":";
  AppendJsonString("v", &out);
  out += "}";
  EXPECT_EQ(out, R"({"k":"v"})");
  EXPECT_EQ(JsonString(""), "\"\"");
}

}  // namespace
}  // namespace ctg
