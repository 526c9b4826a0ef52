#include "gateway/oplog.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace ctg::gateway::oplog {
namespace {

const absl::Time kTs =
    absl::FromUnixMillis(1796605800123);  // 2026-12-07T01:10:00.123Z

TEST(OplogTest, LineHasTimeLevelEventAndFieldsInOrder) {
  EXPECT_EQ(FormatLine(kTs, Level::kInfo, "start",
                       {{"listen", "127.0.0.1:8443"}, {"b", "2"}}),
            "{\"ts\":\"2026-12-07T01:10:00.123Z\",\"level\":\"info\",\"event\":"
            "\"start\","
            "\"listen\":\"127.0.0.1:8443\",\"b\":\"2\"}");
}

TEST(OplogTest, EmptyValuesAreLeftOut) {
  std::string line =
      FormatLine(kTs, Level::kWarning, "call", {{"caller", ""}, {"code", "X"}});
  EXPECT_FALSE(absl::StrContains(line, "caller"));
  EXPECT_TRUE(absl::StrContains(line, "\"level\":\"warning\""));
}

TEST(OplogTest, ValuesCannotForgeFieldsOrLines) {
  std::string line = FormatLine(
      kTs, Level::kError, "e",
      {{"cause", "a\"b\\c\nd\te\x01\x7f"}, {"k\"", "\xff\xfe ok \xc3\xa9"}});
  EXPECT_TRUE(absl::StrContains(line, R"("cause":"a\"b\\c\nd\te\u0001\u007f")"))
      << line;
  EXPECT_TRUE(
      absl::StrContains(line, "\"k\\\"\":\"\\ufffd\\ufffd ok \xc3\xa9\""))
      << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(OplogTest, ConcurrentLinesStayWhole) {
  std::vector<std::string> lines;
  SetSinkForTesting([&](absl::string_view line) { lines.emplace_back(line); });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 100; ++i)
        Log(Level::kInfo, "tick", {{"n", std::string(50, 'x')}});
    });
  }
  for (auto& t : threads) t.join();
  SetSinkForTesting(nullptr);
  ASSERT_EQ(lines.size(), 400u);
  for (const std::string& line : lines) {
    EXPECT_TRUE(absl::StartsWith(line, "{\"ts\":")) << line;
    EXPECT_TRUE(absl::EndsWith(line, std::string(50, 'x') + "\"}")) << line;
  }
}

}  // namespace
}  // namespace ctg::gateway::oplog
