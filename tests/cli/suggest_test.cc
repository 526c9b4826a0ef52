#include "cli/suggest.h"

#include "gtest/gtest.h"

namespace ctg::cli {
namespace {

TEST(EditDistance, CountsEditsAndTranspositions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("review", "review"), 0u);
  EXPECT_EQ(EditDistance("reveiw", "review"), 1u);  // transposition
  EXPECT_EQ(EditDistance("reviw", "review"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

TEST(Suggest, NearestCloseEnoughCandidate) {
  std::vector<std::string> words = {"health",    "request", "review", "extract",
                                    "catalogue", "admin",   "audit"};
  EXPECT_EQ(Suggest("reqest", words), "request");
  EXPECT_EQ(Suggest("reveiw", words), "review");
  EXPECT_EQ(Suggest("catalog", words), "catalogue");
  EXPECT_EQ(Suggest("adnim", words), "admin");
  EXPECT_EQ(Suggest("zzzzzz", words), "");
  EXPECT_EQ(Suggest("", words), "");
}

TEST(Suggest, FlagsAndUniquePrefixes) {
  std::vector<std::string> flags = {"--reason", "--notice-date",
                                    "--effective-date", "--yes"};
  EXPECT_EQ(Suggest("--reasn", flags), "--reason");
  EXPECT_EQ(Suggest("--notice", flags),
            "--notice-date");  // the only one it starts
  EXPECT_EQ(Suggest("--resaon", flags), "--reason");
}

}  // namespace
}  // namespace ctg::cli
