#include "cli/help_text.h"

#include <cstdlib>
#include <sstream>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const Command* Find(const std::vector<Command>& commands,
                    const std::string& name) {
  for (const Command& c : commands) {
    if (CommandName(c) == name) return &c;
  }
  return nullptr;
}

TEST(Wrap, BreaksAtSpacesWithinTheWidth) {
  std::string text =
      "one two three four five six seven eight nine ten eleven twelve";
  std::string wrapped = Wrap(text, 20, 2);
  for (absl::string_view line :
       absl::StrSplit(wrapped, '\n', absl::SkipEmpty())) {
    EXPECT_LE(line.size(), 20u) << line;
    EXPECT_EQ(line.substr(0, 2), "  ");
  }
  EXPECT_EQ(absl::StrReplaceAll(wrapped, {{"\n  ", " "}}), "  " + text + "\n");
}

TEST(Wrap, CountsCodePointsNotBytes) {
  // 5 words of 4 letters with an accent each: 24 columns with spaces.
  EXPECT_EQ(Wrap("éééé éééé éééé éééé éééé", 24), "éééé éééé éééé éééé éééé\n");
}

TEST(TerminalWidth, FromColumns) {
  setenv("COLUMNS", "100", 1);
  EXPECT_EQ(TerminalWidth(), 100);
  setenv("COLUMNS", "10", 1);
  EXPECT_EQ(TerminalWidth(), 40);
  unsetenv("COLUMNS");
}

TEST(CommandHelp, ShowsOnlyItsOwnOptions) {
  std::vector<Command> commands = AllCommands();
  const Command* revoke = Find(commands, "review revoke");
  ASSERT_NE(revoke, nullptr);
  std::ostringstream out;
  PrintCommandHelp(*revoke, 80, out);
  EXPECT_THAT(out.str(),
              HasSubstr("usage: ctg review revoke ID --reason TEXT"));
  EXPECT_THAT(out.str(), Not(HasSubstr("--opportunity")));
  EXPECT_THAT(out.str(), Not(HasSubstr("Exit codes")));
  const Command* verify = Find(commands, "extract verify");
  ASSERT_NE(verify, nullptr);
  std::ostringstream offline;
  PrintCommandHelp(*verify, 80, offline);
  EXPECT_THAT(offline.str(), Not(HasSubstr("--gateway")));  // it never connects
}

TEST(CommandHelp, WrappedToTheWidth) {
  std::vector<Command> commands = AllCommands();
  for (const Command& c : commands) {
    std::ostringstream out;
    PrintCommandHelp(c, 60, out);
    for (absl::string_view line : absl::StrSplit(out.str(), '\n')) {
      // Long words (a usage's flag list) may not be broken; plain text is.
      if (line.find(' ') == absl::string_view::npos) continue;
      size_t width = 0;
      for (unsigned char ch : line) width += (ch & 0xC0) != 0x80;
      EXPECT_LE(width, 60u) << CommandName(c) << ": " << line;
    }
  }
}

TEST(Generated, ManPageHasEveryCommand) {
  std::vector<Command> commands = AllCommands();
  std::string man = ManPage(commands);
  EXPECT_THAT(man, HasSubstr(".TH CTG 1"));
  for (const Command& c : commands) {
    EXPECT_THAT(man,
                HasSubstr("\\fBctg " +
                          absl::StrReplaceAll(CommandName(c), {{"-", "\\-"}})));
  }
  // Only the page's own requests start a line with '.': help text that
  // does is escaped.
  for (absl::string_view line : absl::StrSplit(man, '\n')) {
    if (line.empty() || line[0] != '.') continue;
    std::string request(line.substr(1, line.find(' ') == absl::string_view::npos
                                           ? absl::string_view::npos
                                           : line.find(' ') - 1));
    EXPECT_TRUE(request == "TH" || request == "SH" || request == "TP" ||
                request == "B" || request == "br")
        << line;
  }
}

TEST(Generated, BashCompletionKnowsCommandsAndFlags) {
  std::string script = BashCompletion(AllCommands());
  EXPECT_THAT(script, HasSubstr("complete -o default -F _ctg ctg"));
  EXPECT_THAT(script, HasSubstr("\"review\") words=\""));
  EXPECT_THAT(script, HasSubstr("revoke"));
  EXPECT_THAT(script, HasSubstr("\"admin convention\") words=\"create list"));
  EXPECT_THAT(script, HasSubstr("\"review revoke\" | \"review revoke \"*) [[ "
                                "$cur == -* ]] && words=\"--reason --yes"));
}

}  // namespace
}  // namespace ctg::cli
