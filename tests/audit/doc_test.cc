// Keeps docs/audit-log-format.md honest: its worked example must be what the
// code produces, and its Python reference verifier must agree with the C++
// verifier on exports made by the C++ code.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/export_line.h"
#include "audit/verifier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/audit/test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

using ::ctg::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Doc() {
  return ReadFile(CTG_SOURCE_DIR "/docs/audit-log-format.md");
}

// The fenced block between two HTML comment markers.
std::string DocBlock(const std::string& doc, const std::string& begin_marker,
                     const std::string& end_marker) {
  const size_t begin = doc.find(begin_marker);
  const size_t end = doc.find(end_marker);
  if (begin == std::string::npos || end == std::string::npos) return "";
  std::string block = doc.substr(begin, end - begin);
  block = block.substr(block.find('\n', block.find("```")) + 1);
  return block.substr(0, block.rfind("```"));
}

// The line of the doc that starts with `prefix`.
std::string DocLine(const std::string& doc, const std::string& prefix) {
  const size_t at = doc.find("\n" + prefix);
  if (at == std::string::npos) return "";
  return doc.substr(at + 1, doc.find('\n', at + 1) - at - 1);
}

TEST(DocTest, ExampleExportLineVerifiesWithTheDocumentedKey) {
  const std::string doc = Doc();
  ASSERT_FALSE(doc.empty());
  const std::string line = DocLine(doc, "{\"sequence\":1,");
  ASSERT_FALSE(line.empty());
  CTG_ASSERT_OK_AND_ASSIGN(ExportRecord record, ParseExportLine(line));
  EXPECT_EQ(HashToHex(EventLeafHash(record.event)),
            "3e54b0d232d9246efa905ed4e9a12bb6bd5ae91658ea9da59dc8308c6e998c5a");
  EXPECT_THAT(doc, HasSubstr(HashToHex(record.leaf_hash)));
  // The documented test key (seed of 32 bytes 0x07) signed it.
  auto signer = testing::MakeSigner(7, "caf33.example/ctg-audit");
  EXPECT_THAT(doc, HasSubstr(signer->VerifierKey()));
  EXPECT_EQ(FormatExportLine(record), line + "\n");
  CTG_ASSERT_OK_AND_ASSIGN(
      VerifyReport report,
      VerifyExport(line + "\n", testing::VerifierOf(*signer)));
  EXPECT_TRUE(report.ok()) << report.Summary();
  // And the standalone checkpoint block matches the embedded one.
  EXPECT_THAT(doc, HasSubstr(record.checkpoint.substr(
                       0, record.checkpoint.size() - 1)));
}

class PythonReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("python3 -c 'import cryptography' >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "python3 with the cryptography package is not available";
    }
    char tmpl[] = "/tmp/ctg_audit_doc_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    script_ = DocBlock(Doc(), "<!-- reference-verifier-begin -->",
                       "<!-- reference-verifier-end -->");
    ASSERT_THAT(script_, StartsWith("#!/usr/bin/env python3"));
    Write("verify_export.py", script_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::system(absl::StrCat("rm -rf '", dir_, "'").c_str());
  }

  void Write(const std::string& name, const std::string& content) {
    std::ofstream(absl::StrCat(dir_, "/", name), std::ios::binary) << content;
  }

  // Runs the reference verifier; returns its output line.
  std::string RunPython(const std::string& export_text,
                        const std::string& pub_pem,
                        const std::string& checkpoint) {
    Write("export.jsonl", export_text);
    Write("key.pub", pub_pem);
    Write("checkpoint.txt", checkpoint);
    const std::string cmd = absl::StrCat(
        "cd '", dir_, "' && python3 verify_export.py export.jsonl key.pub",
        checkpoint.empty() ? "" : " checkpoint.txt", " 2>&1");
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
    pclose(p);
    return out;
  }

  std::string dir_;
  std::string script_;
};

TEST_F(PythonReferenceTest, AgreesWithTheCppVerifier) {
  auto signer = testing::MakeSigner(7, "caf33.example/ctg-audit");
  const NoteVerifier key = testing::VerifierOf(*signer);
  testing::TestLog log = testing::BuildLog(60, 10, *signer);
  // Non-ASCII, escapes and control characters exercise the encoders.
  const std::string text = testing::ToJsonl(log.records);
  VerifyOptions options{.checkpoint_note = log.latest_checkpoint};
  CTG_ASSERT_OK_AND_ASSIGN(VerifyReport cpp, VerifyExport(text, key, options));
  ASSERT_TRUE(cpp.ok()) << cpp.Summary();
  EXPECT_THAT(
      RunPython(text, signer->PublicKeyPem(), log.latest_checkpoint),
      StartsWith(absl::StrCat("OK: 60 events, root ", HashToHex(cpp.root))));

  testing::TestLog edited = log;
  edited.records[36].event.message = "edited\n\x01";
  EXPECT_THAT(RunPython(testing::ToJsonl(edited.records),
                        signer->PublicKeyPem(), log.latest_checkpoint),
              StartsWith("FAILED at sequence 37"));

  testing::TestLog rehashed = log;
  rehashed.records[36].event.facts[0].value = "other";
  rehashed.records[36].leaf_hash = EventLeafHash(rehashed.records[36].event);
  EXPECT_THAT(RunPython(testing::ToJsonl(rehashed.records),
                        signer->PublicKeyPem(), log.latest_checkpoint),
              StartsWith("FAILED at sequence 31 (somewhere in 31..40"));

  testing::TestLog truncated = log;
  truncated.records.resize(55);
  EXPECT_THAT(RunPython(testing::ToJsonl(truncated.records),
                        signer->PublicKeyPem(), log.latest_checkpoint),
              StartsWith("FAILED at sequence 56"));
}

}  // namespace
}  // namespace ctg::audit
