#include "audit/checkpoint.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "audit/signed_note.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/audit/test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

Checkpoint Example() {
  return {.origin = "caf33.example/ctg-audit",
          .size = 20852163,
          .root = Sha256("root")};
}

TEST(CheckpointTest, BodyHasTheC2spShape) {
  CTG_ASSERT_OK_AND_ASSIGN(std::string body, FormatCheckpointBody(Example()));
  EXPECT_EQ(body, absl::StrCat("caf33.example/ctg-audit\n20852163\n",
                               HashToBase64(Sha256("root")), "\n"));
  CTG_ASSERT_OK_AND_ASSIGN(Checkpoint back, ParseCheckpointBody(body));
  EXPECT_EQ(back, Example());
}

TEST(CheckpointTest, ParsesTheC2spSpecExampleBody) {
  CTG_ASSERT_OK_AND_ASSIGN(
      Checkpoint c,
      ParseCheckpointBody("example.com/behind-the-sofa\n20852163\n"
                          "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"));
  EXPECT_EQ(c.origin, "example.com/behind-the-sofa");
  EXPECT_EQ(c.size, 20852163u);
  EXPECT_EQ(HashToBase64(c.root),
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
}

TEST(CheckpointTest, SignAndOpen) {
  auto signer = testing::MakeSigner();
  CTG_ASSERT_OK_AND_ASSIGN(std::string note,
                           SignCheckpoint(Example(), *signer));
  EXPECT_THAT(note, StartsWith("caf33.example/ctg-audit\n20852163\n"));
  EXPECT_THAT(note, HasSubstr("\n\n\xe2\x80\x94 caf33.example/ctg-audit "));
  CTG_ASSERT_OK_AND_ASSIGN(Checkpoint opened,
                           OpenCheckpoint(note, testing::VerifierOf(*signer)));
  EXPECT_EQ(opened, Example());
  // Ed25519 is deterministic: the same checkpoint signs to the same note.
  CTG_ASSERT_OK_AND_ASSIGN(std::string again,
                           SignCheckpoint(Example(), *signer));
  EXPECT_EQ(again, note);
}

TEST(CheckpointTest, ExtensionLinesRoundTrip) {
  Checkpoint c = Example();
  c.extensions = {"ext one", "ext two"};
  auto signer = testing::MakeSigner();
  CTG_ASSERT_OK_AND_ASSIGN(std::string note, SignCheckpoint(c, *signer));
  CTG_ASSERT_OK_AND_ASSIGN(Checkpoint back,
                           OpenCheckpoint(note, testing::VerifierOf(*signer)));
  EXPECT_EQ(back, c);
}

TEST(CheckpointTest, TamperedOrWronglySignedCheckpointsFail) {
  auto signer = testing::MakeSigner(7);
  auto other = testing::MakeSigner(8);
  CTG_ASSERT_OK_AND_ASSIGN(std::string note,
                           SignCheckpoint(Example(), *signer));
  const std::string bigger =
      absl::StrReplaceAll(note, {{"20852163", "20852164"}});
  EXPECT_THAT(OpenCheckpoint(bigger, testing::VerifierOf(*signer)),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("checkpoint: bad signature")));
  EXPECT_THAT(OpenCheckpoint(note, testing::VerifierOf(*other)),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("checkpoint: wrong key")));
  EXPECT_THAT(OpenCheckpoint("garbage", testing::VerifierOf(*signer)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("checkpoint: malformed note")));
}

TEST(CheckpointTest, MalformedBodiesNameTheLine) {
  const std::string root = HashToBase64(Sha256("r"));
  const std::pair<std::string, std::string> cases[] = {
      {"o\n5\n" + root, "does not end in a newline"},
      {"o\n5\n", "2 lines, expected at least 3"},
      {"\n5\n" + root + "\n", "origin (line 1) is empty"},
      {"o\n05\n" + root + "\n", "tree size (line 2) \"05\""},
      {"o\n-5\n" + root + "\n", "tree size (line 2)"},
      {"o\n+5\n" + root + "\n", "tree size (line 2)"},
      {"o\n\n" + root + "\n", "tree size (line 2)"},
      {"o\n18446744073709551616\n" + root + "\n", "tree size (line 2)"},
      {"o\n5\n" + root.substr(1) + "\n", "root hash (line 3)"},
      {"o\n5\nAAAA\n", "root hash (line 3)"},
      {"o\n5\n" + root + "\n\n", "extension line 4 is empty"},
  };
  for (const auto& [body, error] : cases) {
    EXPECT_THAT(ParseCheckpointBody(body),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(error)))
        << body;
  }
  CTG_ASSERT_OK_AND_ASSIGN(
      Checkpoint max,
      ParseCheckpointBody("o\n18446744073709551615\n" + root + "\n"));
  EXPECT_EQ(max.size, UINT64_MAX);
  CTG_ASSERT_OK_AND_ASSIGN(Checkpoint zero,
                           ParseCheckpointBody("o\n0\n" + root + "\n"));
  EXPECT_EQ(zero.size, 0u);
  Checkpoint bad = Example();
  bad.origin = "two\nlines";
  EXPECT_THAT(
      FormatCheckpointBody(bad),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("origin")));
}

}  // namespace
}  // namespace ctg::audit
