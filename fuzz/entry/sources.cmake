# The fuzz entry functions (fuzz/entry/entry.h), shared by the libFuzzer
# targets (fuzz/CMakeLists.txt, clang) and the corpus replay test
# (tests/fuzz_regression, the normal gcc build). Paths are absolute so that
# both directories can include this file.
set(CTG_FUZZ_ENTRY_SOURCES
  ${PROJECT_SOURCE_DIR}/fuzz/entry/audit_parsers_entry.cc
  ${PROJECT_SOURCE_DIR}/fuzz/entry/audit_verifier_entry.cc
  ${PROJECT_SOURCE_DIR}/fuzz/entry/csv_import_entry.cc
  ${PROJECT_SOURCE_DIR}/fuzz/entry/entry.cc
  ${PROJECT_SOURCE_DIR}/fuzz/entry/fixtures.cc
  ${PROJECT_SOURCE_DIR}/fuzz/entry/request_validation_entry.cc
  ${PROJECT_SOURCE_DIR}/fuzz/entry/sdc_table_entry.cc
  ${PROJECT_SOURCE_DIR}/fuzz/entry/spiffe_id_entry.cc
  # Independent exact rank check of a release (the sdc property test's).
  ${PROJECT_SOURCE_DIR}/tests/policy/sdc/rank_check.cc
  # The test-only Ed25519 key from a seed.
  ${PROJECT_SOURCE_DIR}/tests/testing/ed25519_pem.cc
)
set(CTG_FUZZ_ENTRY_DEPS ctg_statbase ctg_policy ctg_sdc ctg_audit OpenSSL::Crypto)
# Target names: fuzz/targets/<name>_fuzzer.cc, fuzz/corpus/<name>/,
# fuzz/regressions/<name>/.
set(CTG_FUZZ_TARGETS
  csv_import spiffe_id request_validation sdc_table audit_parsers audit_verifier)
