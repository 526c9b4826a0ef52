// libFuzzer target audit_verifier: see AuditVerifierEntry in fuzz/entry/entry.h
// for the input format and the invariants checked (docs/fuzzing.md).
#include <cstddef>
#include <cstdint>

#include "fuzz/entry/entry.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  ctg::fuzz::InitFuzzTarget();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ctg::fuzz::RunOrAbort(&ctg::fuzz::AuditVerifierEntry, data, size);
  return 0;
}
