#include "audit/line_reader.h"

#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<std::vector<std::string>> ReadAll(LineReader& reader) {
  std::vector<std::string> lines;
  while (true) {
    absl::string_view line;
    absl::StatusOr<bool> more = reader.Next(&line);
    if (!more.ok()) return more.status();
    if (!*more) return lines;
    lines.emplace_back(line);
    EXPECT_EQ(reader.line_number(), lines.size());
  }
}

TEST(LineReaderTest, SplitsLinesFromMemoryAndStreams) {
  for (const auto& [text, want] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"", {}},
           {"a", {"a"}},
           {"a\n", {"a"}},
           {"a\nb", {"a", "b"}},
           {"a\n\nb\n", {"a", "", "b"}},
           {"\n", {""}},
       }) {
    LineReader memory(text);
    CTG_ASSERT_OK_AND_ASSIGN(auto got, ReadAll(memory));
    EXPECT_EQ(got, want) << text;
    EXPECT_EQ(memory.bytes_read(), text.size());
    std::istringstream in(text);
    LineReader stream(&in);
    CTG_ASSERT_OK_AND_ASSIGN(auto got2, ReadAll(stream));
    EXPECT_EQ(got2, want) << text;
    EXPECT_EQ(stream.bytes_read(), text.size());
  }
}

TEST(LineReaderTest, StreamHandlesLinesAcrossChunks) {
  // Lines longer than the 1 MiB read chunk, and many short ones.
  std::string text;
  std::vector<std::string> want;
  for (int i = 0; i < 5; ++i) {
    want.push_back(
        std::string((1 << 20) + 1000 * i + 7, static_cast<char>('a' + i)));
    text += want.back() + "\n";
    for (int j = 0; j < 1000; ++j) {
      want.push_back(std::to_string(j));
      text += want.back() + "\n";
    }
  }
  std::istringstream in(text);
  LineReader reader(&in);
  CTG_ASSERT_OK_AND_ASSIGN(auto got, ReadAll(reader));
  EXPECT_EQ(got, want);
}

TEST(LineReaderTest, RejectsOverlongLinesNamingTheLine) {
  const std::string text = "short\n" + std::string(100, 'x') + "\nnext\n";
  LineReader memory(text, 50);
  EXPECT_THAT(ReadAll(memory),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 2: longer than 50 bytes")));
  std::istringstream in(text);
  LineReader stream(&in, 50);
  EXPECT_THAT(ReadAll(stream),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 2: longer than 50 bytes")));
  // Without a newline at all, the stream reader stops once the cap is
  // passed instead of buffering everything.
  std::istringstream endless(std::string(3 << 20, 'y'));
  LineReader capped(&endless, 1 << 20);
  EXPECT_THAT(ReadAll(capped),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 1: longer than 1048576 bytes")));
}

}  // namespace
}  // namespace ctg::audit
