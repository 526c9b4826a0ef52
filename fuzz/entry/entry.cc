#include "fuzz/entry/entry.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace ctg::fuzz {

namespace {
bool g_skip_known_bugs = false;
}  // namespace

bool SkipKnownBugs() { return g_skip_known_bugs; }

void InitFuzzTarget() {
  const char* env = std::getenv("CTG_FUZZ_KNOWN_BUGS");
  g_skip_known_bugs = env == nullptr || std::string(env) != "1";
}

absl::Span<const EntryPoint> EntryPoints() {
  static constexpr EntryPoint kEntries[] = {
      {"csv_import", &CsvImportEntry},
      {"spiffe_id", &SpiffeIdEntry},
      {"request_validation", &RequestValidationEntry},
      {"sdc_table", &SdcTableEntry},
      {"audit_parsers", &AuditParsersEntry},
      {"audit_verifier", &AuditVerifierEntry},
  };
  return kEntries;
}

void RunOrAbort(std::string (*entry)(absl::string_view), const uint8_t* data,
                size_t size) {
  const std::string violation =
      entry(absl::string_view(reinterpret_cast<const char*>(data), size));
  if (violation.empty()) return;
  std::fprintf(stderr, "\n==ctg-fuzz== INVARIANT VIOLATED: %s\n",
               violation.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace ctg::fuzz
