// Replays every committed fuzz input through the entry function its
// libFuzzer target calls (fuzz/entry/entry.h), in the normal build:
//   fuzz/corpus/<target>/*       seed corpus: every input must pass;
//   fuzz/regressions/<target>/*  crash and invariant reproducers, kept once
//                                fixed so that the bug cannot come back, and
//                                hand-written edge cases; at least one per
//                                target.
// One test per target and directory; each failing file is reported by name
// with the violated invariant. A memory error would crash this binary; the
// sanitizer builds (tools/run-tests.sh --sanitize, tools/run-fuzz.sh) turn
// it into a report.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/entry/entry.h"
#include "gtest/gtest.h"

namespace ctg::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> FilesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name != "README.md" && name[0] != '.') {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Runs every file of fuzz/<kind>/<target>/; returns how many ran.
size_t Replay(const EntryPoint& entry, const char* kind) {
  const fs::path dir = fs::path(CTG_SOURCE_DIR) / "fuzz" / kind / entry.name;
  size_t n = 0;
  for (const fs::path& file : FilesIn(dir)) {
    ++n;
    const std::string violation = entry.run(ReadFile(file));
    EXPECT_EQ(violation, "") << file.string();
  }
  return n;
}

}  // namespace

// Test names and failure messages show the target's name.
void PrintTo(const EntryPoint& entry, std::ostream* os) { *os << entry.name; }

namespace {

class FuzzReplayTest : public ::testing::TestWithParam<EntryPoint> {};

TEST_P(FuzzReplayTest, SeedCorpusPasses) {
  const size_t n = Replay(GetParam(), "corpus");
  // Every target has committed seeds.
  EXPECT_GT(n, 0u) << "no seeds in fuzz/corpus/" << GetParam().name;
}

TEST_P(FuzzReplayTest, RegressionsPass) {
  const size_t n = Replay(GetParam(), "regressions");
  // Every target keeps at least one reproducer or edge case, so that this
  // test replays something for each of them.
  EXPECT_GT(n, 0u) << "no inputs in fuzz/regressions/" << GetParam().name;
}

std::string TargetName(const ::testing::TestParamInfo<EntryPoint>& target) {
  return target.param.name;
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplayTest,
                         ::testing::ValuesIn(EntryPoints().begin(),
                                             EntryPoints().end()),
                         TargetName);

// The list of entry points matches the target directories CMake builds.
TEST(FuzzReplayTest, EveryTargetHasAnEntryPoint) {
  for (const char* name : {"csv_import", "spiffe_id", "request_validation",
                           "sdc_table", "audit_parsers", "audit_verifier"}) {
    bool found = false;
    for (const EntryPoint& e : EntryPoints())
      found = found || std::string(e.name) == name;
    EXPECT_TRUE(found) << name;
    EXPECT_TRUE(fs::exists(fs::path(CTG_SOURCE_DIR) / "fuzz" / "targets" /
                           (std::string(name) + "_fuzzer.cc")))
        << name;
  }
}

}  // namespace
}  // namespace ctg::fuzz
