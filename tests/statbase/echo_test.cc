// BoundedEcho: client text quoted in error messages stays short, printable
// and valid UTF-8.
#include "base/echo.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg {
namespace {

using ::testing::EndsWith;
using ::testing::StartsWith;

TEST(BoundedEchoTest, ShortPrintableTextIsUnchanged) {
  EXPECT_EQ(BoundedEcho("statistiques-2023.csv"), "statistiques-2023.csv");
  EXPECT_EQ(BoundedEcho("Mérignac"), "Mérignac");
  EXPECT_EQ(BoundedEcho(""), "");
}

TEST(BoundedEchoTest, LongTextIsCutWithItsSize) {
  std::string huge(1 << 20, 'a');
  std::string echoed = BoundedEcho(huge);
  EXPECT_LE(echoed.size(), kMaxEchoBytes + 32);
  EXPECT_THAT(echoed, StartsWith(std::string(kMaxEchoBytes, 'a')));
  EXPECT_THAT(echoed, EndsWith("\u2026 (1048576 bytes)"));
  EXPECT_EQ(BoundedEcho(std::string(kMaxEchoBytes, 'b')),
            std::string(kMaxEchoBytes, 'b'));
}

TEST(BoundedEchoTest, CutNeverSplitsACharacter) {
  std::string accents;
  for (int i = 0; i < 150; ++i) accents += "é";  // 2 bytes each
  std::string echoed = BoundedEcho(accents, 11);
  EXPECT_EQ(echoed, "ééééé\u2026 (300 bytes)");
}

TEST(BoundedEchoTest, ControlsSeparatorsBidiAndBadBytesAreEscaped) {
  EXPECT_EQ(BoundedEcho("a\nb\tc\x7f"), "a\\x0Ab\\x09c\\x7F");
  EXPECT_EQ(BoundedEcho("x\u2028y\u202Ez\u0085"), "x\\u2028y\\u202Ez\\x85");
  EXPECT_EQ(BoundedEcho("\xff\xc3(ok"), "\\xFF\\xC3(ok");
  EXPECT_EQ(BoundedEcho("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // a surrogate
  EXPECT_EQ(BoundedEcho("\xc0\xaf"), "\\xC0\\xAF");           // overlong
}

}  // namespace
}  // namespace ctg
