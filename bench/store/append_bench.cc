// Durable audit appends through the gateway's path (group commit, one
// SAVEPOINT per call, synchronous=FULL) with concurrent writers, next to a
// raw SQLite batched insert of the same bytes, printed as a ratio.
//
//   build/bench/store/ctg_append_bench
//
// Target: durable appends >= 50 % of the raw batched-insert rate.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/canonical.h"
#include "gateway/audit_log.h"
#include "store/sqlite/database.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_backend.h"

namespace {

std::string TempDbPath(const std::string& name) {
  static const std::string dir = [] {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ctg-bench-XXXXXX").string();
    return std::string(mkdtemp(pattern.data()));
  }();
  std::string path = absl::StrCat(dir, "/", name, ".db");
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return path;
}

// A realistic event: a refused SubmitRequest with its purpose.
ctg::gateway::AuditEntry SampleEntry() {
  ctg::gateway::AuditEntry entry;
  auto& e = entry.event;
  e.caller = "spiffe://ctg.caf33.fr/commune/33069/requester/alice.martin";
  e.cert_sha256 = std::string(64, 'a');
  e.peer = "ipv4:127.0.0.1:50312";
  e.method = "/ctg.v1.DataRequests/SubmitRequest";
  e.target_kind = "request";
  e.target_id = "REQ-000042";
  e.code = 0;
  e.facts = {{"objective", "Axe I.2 veille sociale territoriale"},
             {"purpose",
              "Diagnostic des familles monoparentales par IRIS pour le CTG"}};
  entry.organisation = "commune/33069";
  entry.request_id = "REQ-000042";
  return entry;
}

struct AppendFixture {
  std::unique_ptr<ctg::store::Backend> db;
  std::unique_ptr<ctg::gateway::AuditLog> log;
};

AppendFixture* Fixture() {
  static AppendFixture* fixture = [] {
    auto* f = new AppendFixture();
    f->db = *ctg::store::sqlite::OpenBackend({.path = TempDbPath("append")});
    f->log = *ctg::gateway::AuditLog::Open(
        f->db.get(),
        [](uint64_t, const ctg::audit::Hash&) -> absl::StatusOr<std::string> {
          return std::string("unused");
        });
    return f;
  }();
  return fixture;
}

// One iteration = one event appended and durable, as a gateway call does.
void BM_DurableAppend(benchmark::State& state) {
  AppendFixture* f = Fixture();
  const ctg::gateway::AuditEntry entry = SampleEntry();
  for (auto _ : state) {
    absl::Status s = f->db->Write([&](ctg::store::WriteSession& tx) {
      return f->log->Append(tx, entry).status();
    });
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DurableAppend)->ThreadRange(1, 64)->UseRealTime();

// The same row bytes inserted by one connection in transactions of
// `batch` rows: the best a single writer can do.
void BM_RawBatchedInsert(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  std::string path = TempDbPath(absl::StrCat("raw", batch));
  auto db = *ctg::store::sqlite::Database::Open(
      {.path = path}, ctg::store::sqlite::GatewayMigrations());
  db->Close();
  sqlite3* raw = nullptr;
  sqlite3_open(path.c_str(), &raw);
  sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
               nullptr, nullptr, nullptr);
  ctg::gateway::AuditEntry entry = SampleEntry();
  entry.event.sequence = 1;
  const std::string canonical = ctg::audit::EncodeCanonical(entry.event);
  const std::string leaf(32, 'h');
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(
      raw,
      "INSERT INTO audit_events (seq, time_us, caller, organisation, method, "
      "target_kind, target_id, request_id, extract_sha256, code, canonical, "
      "leaf_hash) VALUES (?1, 0, ?2, ?3, ?4, ?5, ?6, ?7, '', 0, ?8, ?9)",
      -1, &insert, nullptr);
  int64_t seq = 0;
  for (auto _ : state) {
    sqlite3_exec(raw, "BEGIN", nullptr, nullptr, nullptr);
    for (int i = 0; i < batch; ++i) {
      sqlite3_bind_int64(insert, 1, ++seq);
      sqlite3_bind_text(insert, 2, entry.event.caller.data(), -1,
                        SQLITE_STATIC);
      sqlite3_bind_text(insert, 3, entry.organisation.data(), -1,
                        SQLITE_STATIC);
      sqlite3_bind_text(insert, 4, entry.event.method.data(), -1,
                        SQLITE_STATIC);
      sqlite3_bind_text(insert, 5, entry.event.target_kind.data(), -1,
                        SQLITE_STATIC);
      sqlite3_bind_text(insert, 6, entry.event.target_id.data(), -1,
                        SQLITE_STATIC);
      sqlite3_bind_text(insert, 7, entry.request_id.data(), -1, SQLITE_STATIC);
      sqlite3_bind_blob(insert, 8, canonical.data(),
                        static_cast<int>(canonical.size()), SQLITE_STATIC);
      sqlite3_bind_blob(insert, 9, leaf.data(), 32, SQLITE_STATIC);
      sqlite3_step(insert);
      sqlite3_reset(insert);
    }
    sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr);
  }
  sqlite3_finalize(insert);
  sqlite3_close(raw);
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_RawBatchedInsert)->Arg(64)->Arg(256)->UseRealTime();

// Collects items/s per run to print the ratios after the usual output.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      auto it = run.counters.find("items_per_second");
      if (it != run.counters.end())
        rates_.emplace_back(run.benchmark_name(), it->second);
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void PrintRatios() const {
    double raw = 0;
    for (const auto& [name, rate] : rates_) {
      if (name.rfind("BM_RawBatchedInsert", 0) == 0)
        raw = std::max(raw, double(rate));
    }
    if (raw == 0) return;
    std::printf(
        "\nDurable appends as a share of the best raw batched insert (%.0f "
        "rows/s):\n",
        raw);
    for (const auto& [name, rate] : rates_) {
      if (name.rfind("BM_DurableAppend", 0) != 0) continue;
      std::printf("  %-40s %10.0f events/s  %5.1f %%\n", name.c_str(),
                  double(rate), 100.0 * rate / raw);
    }
  }

 private:
  std::vector<std::pair<std::string, double>> rates_;  // in run order
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
