#include "base/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace ctg::utf8 {
namespace {

TEST(Utf8Test, DecodesEachLength) {
  EXPECT_EQ(Decode("a", 0).code_point, U'a');
  EXPECT_EQ(Decode("a", 0).length, 1u);
  EXPECT_EQ(Decode("\xC3\xA9", 0).code_point, U'\u00E9');
  EXPECT_EQ(Decode("\xE2\x80\xAE", 0).code_point, U'\u202E');
  EXPECT_EQ(Decode("\xF4\x8F\xBF\xBF", 0).code_point, U'\U0010FFFF');
  EXPECT_EQ(Decode("\xF4\x8F\xBF\xBF", 0).length, 4u);
  EXPECT_EQ(Decode("x\xC3\xA9", 1).length, 2u);
}

TEST(Utf8Test, RefusesIllFormedSequences) {
  for (const char* bad :
       {"\x80", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xED\xA0\x80",
        "\xF0\x80\x80\xAF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF",
        "\xC3", "\xE2\x80", "\xF0\x9F\x98", "\xE2\x28\xA1"}) {
    EXPECT_EQ(Decode(bad, 0).length, 0u) << bad;
  }
}

TEST(Utf8Test, FirstInvalidSkipsAsciiRuns) {
  EXPECT_EQ(FirstInvalid("plain ascii text, long enough"), 29u);
  EXPECT_EQ(FirstInvalid("0123456789abcdef\xC3\xA9\xFF"), 18u);
  EXPECT_EQ(FirstInvalid("ab\xF0\x9F\x98"), 2u);  // truncated at the end
  EXPECT_TRUE(IsValid(""));
  EXPECT_FALSE(IsValid("\xED\xBF\xBF"));
}

TEST(Utf8Test, AppendRoundTrips) {
  for (char32_t cp : {U'\0', U'a', U'\u00E9', U'\u07FF', U'\u0800', U'\uFFFD',
                      U'\U00010000', U'\U0010FFFF'}) {
    std::string s;
    Append(cp, &s);
    Sequence d = Decode(s, 0);
    EXPECT_EQ(d.code_point, cp);
    EXPECT_EQ(d.length, s.size());
  }
}

}  // namespace
}  // namespace ctg::utf8
