// Deterministic random mutations of export lines and whole exports: never a
// crash, and any change that alters what an export says is detected.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "audit/canonical.h"
#include "audit/export_line.h"
#include "audit/verifier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/audit/test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

std::string Mutate(std::string s, std::mt19937& rng) {
  std::uniform_int_distribution<size_t> pos(0, s.empty() ? 0 : s.size() - 1);
  const char alphabet[] =
      "{}[]\":,\\u0123456789abcdefABCDEF \n\t\x01\x7f\xc3\xa9\xff-+.eE";
  std::uniform_int_distribution<size_t> pick(0, sizeof(alphabet) - 2);
  switch (rng() % 4) {
    case 0:  // flip a bit
      if (!s.empty()) s[pos(rng)] ^= static_cast<char>(1u << (rng() % 8));
      break;
    case 1:  // replace with a JSON-significant byte
      if (!s.empty()) s[pos(rng)] = alphabet[pick(rng)];
      break;
    case 2:  // insert
      s.insert(s.begin() + static_cast<long>(s.empty() ? 0 : pos(rng)),
               alphabet[pick(rng)]);
      break;
    case 3:  // delete
      if (!s.empty()) s.erase(pos(rng), 1);
      break;
  }
  return s;
}

TEST(FuzzTest, ExportLineParserNeverCrashesAndRoundTrips) {
  std::mt19937 rng(12345);
  auto signer = testing::MakeSigner();
  testing::TestLog log = testing::BuildLog(10, 5, *signer);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string line = FormatExportLine(log.records[i % 10]);
    line.pop_back();
    const int rounds = 1 + static_cast<int>(rng() % 3);
    for (int r = 0; r < rounds; ++r) line = Mutate(line, rng);
    absl::StatusOr<ExportRecord> parsed = ParseExportLine(line);
    if (!parsed.ok()) continue;
    ++accepted;
    // Whatever is accepted is a valid event that round-trips.
    ASSERT_TRUE(ValidateEvent(parsed->event).ok()) << line;
    std::string again = FormatExportLine(*parsed);
    again.pop_back();
    absl::StatusOr<ExportRecord> reparsed = ParseExportLine(again);
    ASSERT_TRUE(reparsed.ok()) << again;
    EXPECT_EQ(*reparsed, *parsed);
  }
  // Some mutations are harmless (e.g. inside a string value).
  EXPECT_GT(accepted, 100);
}

TEST(FuzzTest, EverySemanticChangeToAnExportIsDetected) {
  std::mt19937 rng(777);
  auto signer = testing::MakeSigner();
  const NoteVerifier key = testing::VerifierOf(*signer);
  testing::TestLog log = testing::BuildLog(30, 10, *signer);
  const std::string text = testing::ToJsonl(log.records);
  VerifyOptions options{.checkpoint_note = log.latest_checkpoint, .threads = 1};
  int detected = 0;
  for (int i = 0; i < 1500; ++i) {
    const std::string mutated = Mutate(text, rng);
    absl::StatusOr<VerifyReport> report = VerifyExport(mutated, key, options);
    ASSERT_TRUE(report.ok()) << report.status();
    if (!report->ok()) {
      ++detected;
      EXPECT_NE(report->reason, "");
      continue;
    }
    // Accepted: it must say exactly what the original says.
    std::vector<std::string> lines =
        absl::StrSplit(mutated, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), log.records.size()) << "mutation " << i;
    for (size_t k = 0; k < lines.size(); ++k) {
      absl::StatusOr<ExportRecord> r = ParseExportLine(lines[k]);
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(*r, log.records[k])
          << "mutation " << i << " changed line " << k + 1 << " undetected";
    }
  }
  EXPECT_GT(detected, 1000);
}

}  // namespace
}  // namespace ctg::audit
