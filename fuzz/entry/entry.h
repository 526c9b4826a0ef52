// Fuzz entry functions: one per libFuzzer target (fuzz/targets/) and shared
// with the corpus replay test (tests/fuzz_regression/), so that a committed
// crash reproducer runs through exactly the code the fuzzer ran.
//
// Each function decodes `data` into calls of one module's public API and
// checks that module's documented invariants. It returns an empty string
// when every invariant holds, otherwise a description of the first one
// violated (the fuzz target then aborts, which makes libFuzzer save the
// input; the replay test reports it as a failure). A memory error or
// undefined behaviour is caught by the sanitizers in the fuzz build.
//
// The functions are deterministic (no clock, no global randomness) and
// thread-compatible; fixtures (keys, a signed export) are built once, on
// first use, in a thread-safe function-local static.
#ifndef CTG_FUZZ_ENTRY_ENTRY_H_
#define CTG_FUZZ_ENTRY_ENTRY_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace ctg::fuzz {

// 1. statbase/csv_import.h: the input is a statistics CSV file, fed in
//    chunks whose sizes derive from the input.
std::string CsvImportEntry(absl::string_view data);
// 2. policy/identity.h ParseSpiffeId.
std::string SpiffeIdEntry(absl::string_view data);
// 3. policy/request_validation.h and policy/text.h.
std::string RequestValidationEntry(absl::string_view data);
// 4. policy/sdc: a tiny random commune table, protected, then audited.
std::string SdcTableEntry(absl::string_view data);
// 5. audit/ parsers: checkpoint bodies, signed notes, verifier keys,
//    Merkle proofs, canonical events, export lines.
std::string AuditParsersEntry(absl::string_view data);
// 6. audit/verifier.h VerifyExport on a mutated valid export.
std::string AuditVerifierEntry(absl::string_view data);

struct EntryPoint {
  const char* name;  // fuzz/corpus/<name>/, ctg_fuzz_<name>
  std::string (*run)(absl::string_view data);
};
// Every entry point, in the order above.
absl::Span<const EntryPoint> EntryPoints();

// Known bugs (docs/fuzzing.md, "Bugs found"): while a reported bug is not
// fixed, the fuzz targets skip the inputs that reach it, so that a run keeps
// exploring instead of stopping at the same crash. The replay test never
// skips (its reproducers in fuzz/regressions/ keep failing until the fix),
// nor do the targets when CTG_FUZZ_KNOWN_BUGS=1 is set.
bool SkipKnownBugs();
// For LLVMFuzzerInitialize: skip known bugs unless CTG_FUZZ_KNOWN_BUGS=1.
void InitFuzzTarget();

// For LLVMFuzzerTestOneInput: runs `entry` and aborts (printing the
// violated invariant to stderr) when it reports one.
void RunOrAbort(std::string (*entry)(absl::string_view), const uint8_t* data,
                size_t size);

}  // namespace ctg::fuzz

#endif  // CTG_FUZZ_ENTRY_ENTRY_H_
