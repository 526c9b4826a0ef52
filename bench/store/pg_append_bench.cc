// Durable audit appends on PostgreSQL through the gateway's path (group
// commit, the audit sequencer locked per group, each call isolated by a
// savepoint opened with its first statement, events held and sent with the
// group's COMMIT: store/postgres/pg_session.h),
// with one and with two replicas on the same database, next to a raw
// batched insert of the same rows (one prepared INSERT per row, and one
// multi-row INSERT per batch), printed as ratios to the best of them.
//
//   tools/pg-test-cluster.sh run --
//       build/bench/store/ctg_pg_append_bench --benchmark_min_time=2
//
// It needs a cluster made by tools/pg-test-cluster.sh (CTG_TEST_PG_DIR).
// Target (issue 18): durable appends >= 50 % of the raw batched-insert rate.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/transaction>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "audit/canonical.h"
#include "audit/event.h"
#include "store/audit_trail_store.h"
#include "store/postgres/pg_audit.h"
#include "store/postgres/pg_database.h"

namespace {

using ctg::store::postgres::PgDatabase;
using ctg::store::postgres::PgOptions;
using ctg::store::postgres::PgTransaction;

std::map<std::string, std::string> ClusterEnv() {
  std::map<std::string, std::string> out;
  const char* dir = getenv("CTG_TEST_PG_DIR");
  if (dir == nullptr) return out;
  std::ifstream in(std::string(dir) + "/env");
  std::string line;
  while (std::getline(in, line)) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    out[kv.first] = kv.second;
  }
  return out;
}

std::string WithDatabase(const std::string& url, const std::string& db) {
  return url.substr(0, url.rfind('/') + 1) + db;
}

// A new database at the gateway's schema; returns gateway options for it.
PgOptions NewDatabase(const std::string& name) {
  static const std::map<std::string, std::string> env = ClusterEnv();
  if (env.empty()) {
    std::fprintf(
        stderr,
        "run under tools/pg-test-cluster.sh run -- (CTG_TEST_PG_DIR unset)\n");
    std::exit(2);
  }
  {
    pqxx::connection admin(env.at("CTG_TEST_PG_ADMIN_URL"));
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + name);
    tx.exec("CREATE DATABASE " + name + " OWNER ctg_owner");
  }
  PgOptions o;
  o.url = WithDatabase(env.at("CTG_TEST_PG_GATEWAY_URL"), name);
  o.migrate_url = WithDatabase(env.at("CTG_TEST_PG_OWNER_URL"), name);
  return o;
}

// A realistic event's row: an authorized SubmitRequest with its purpose.
ctg::store::AuditRow SampleRow(uint64_t seq) {
  ctg::audit::Event e;
  e.sequence = seq;
  e.time_micros = 1795908624123456;
  e.caller = "spiffe://ctg.caf33.fr/commune/33069/requester/alice.martin";
  e.cert_sha256 = std::string(64, 'a');
  e.peer = "ipv4:127.0.0.1:50312";
  e.method = "/ctg.v1.DataRequests/SubmitRequest";
  e.target_kind = "request";
  e.target_id = "REQ-000042";
  e.facts = {{"objective", "Axe I.2 veille sociale territoriale"},
             {"purpose",
              "Diagnostic des familles monoparentales par IRIS pour le CTG"}};
  ctg::store::AuditRow row;
  row.seq = seq;
  row.time_us = e.time_micros;
  row.caller = e.caller;
  row.organisation = "commune/33069";
  row.method = e.method;
  row.target_kind = e.target_kind;
  row.target_id = e.target_id;
  row.request_id = "REQ-000042";
  row.canonical = ctg::audit::EncodeCanonical(e);
  ctg::audit::Hash leaf = ctg::audit::EventLeafHash(e);
  row.leaf_hash.assign(leaf.begin(), leaf.end());
  return row;
}

struct Replicas {
  std::unique_ptr<PgDatabase> a, b;
};

// Two replicas on one database per writer wait (PgOptions::group_wait),
// opened on first use and kept for the whole run.
Replicas* Shared(int group_wait_us) {
  static std::mutex mu;
  static std::map<int, Replicas*> by_wait;
  std::lock_guard<std::mutex> lock(mu);
  Replicas*& r = by_wait[group_wait_us];
  if (r == nullptr) {
    r = new Replicas();
    PgOptions o = NewDatabase(absl::StrCat("bench_append_", group_wait_us));
    o.group_wait = absl::Microseconds(group_wait_us);
    r->a = *PgDatabase::Open(o);
    r->b = *PgDatabase::Open(o);
  }
  return r;
}

// The mean number of appends per commit across `dbs` since `before`.
double MeanGroup(const std::vector<PgDatabase::GroupStats>& before,
                 const std::vector<PgDatabase*>& dbs) {
  uint64_t groups = 0, writes = 0;
  for (size_t i = 0; i < dbs.size(); ++i) {
    groups += dbs[i]->group_stats().groups - before[i].groups;
    writes += dbs[i]->group_stats().writes - before[i].writes;
  }
  return groups == 0 ? 0 : double(writes) / double(groups);
}

void Append(benchmark::State& state, bool two_replicas) {
  Replicas* replicas = Shared(static_cast<int>(state.range(0)));
  PgDatabase& db = two_replicas && state.thread_index() % 2 == 1 ? *replicas->b
                                                                 : *replicas->a;
  const std::vector<PgDatabase*> dbs = {replicas->a.get(), replicas->b.get()};
  std::vector<PgDatabase::GroupStats> before;
  for (PgDatabase* d : dbs) before.push_back(d->group_stats());
  ctg::store::AuditRow row = SampleRow(1);
  for (auto _ : state) {
    absl::Status s = db.Write([&](PgTransaction& tx) {
      row.seq = tx.TakeAuditSeq();
      return ctg::store::postgres::InsertPgAuditRow(tx, row);
    });
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0)
    state.counters["per_commit"] = MeanGroup(before, dbs);
}

// One replica: every thread's appends go through one writer. The argument
// is the writer's group wait in microseconds (0: commit what is queued).
void BM_PgDurableAppend(benchmark::State& state) { Append(state, false); }
BENCHMARK(BM_PgDurableAppend)
    ->Arg(0)
    ->Arg(500)
    ->ThreadRange(1, 64)
    ->UseRealTime();

// Two replicas on one database: threads alternate between them; their
// groups take turns on the audit sequencer.
void BM_PgDurableAppendTwoReplicas(benchmark::State& state) {
  Append(state, true);
}
BENCHMARK(BM_PgDurableAppendTwoReplicas)
    ->Arg(0)
    ->Arg(500)
    ->ThreadRange(2, 64)
    ->UseRealTime();

// The same rows inserted by one session in transactions of `batch` rows
// (prepared INSERT per row): the best a single writer does.
void BM_PgRawBatchedInsert(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  PgOptions o = NewDatabase(absl::StrCat("bench_raw", batch));
  { auto db = *PgDatabase::Open(o); }
  pqxx::connection conn(o.migrate_url);
  {
    // The raw insert bypasses the density trigger (the sequencer's cost is
    // the gateway's, not the raw baseline's).
    pqxx::nontransaction tx(conn);
    tx.exec("ALTER TABLE audit_events DISABLE TRIGGER audit_events_dense");
  }
  conn.prepare(
      "insert",
      "INSERT INTO audit_events (seq, time_us, caller, organisation, method, "
      "target_kind, "
      "target_id, request_id, extract_sha256, code, canonical, leaf_hash) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', 0, $9, $10)");
  ctg::store::AuditRow row = SampleRow(1);
  const pqxx::binarystring canonical(row.canonical), leaf(row.leaf_hash);
  int64_t seq = 0;
  for (auto _ : state) {
    pqxx::work tx(conn);
    for (int i = 0; i < batch; ++i) {
      tx.exec_prepared("insert", ++seq, row.time_us, row.caller,
                       row.organisation, row.method, row.target_kind,
                       row.target_id, row.request_id, canonical, leaf);
    }
    tx.commit();
  }
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_PgRawBatchedInsert)->Arg(64)->Arg(256)->UseRealTime();

// The strongest single-writer baseline: the same rows in one multi-row
// INSERT statement per transaction of `batch` rows (one round trip and one
// commit per batch; the statement text the gateway itself sends).
void BM_PgRawMultiRowInsert(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const bool dense = state.range(1) != 0;
  PgOptions o = NewDatabase(absl::StrCat("bench_multi", batch, "_", dense));
  { auto db = *PgDatabase::Open(o); }
  pqxx::connection conn(o.migrate_url);
  if (!dense) {
    pqxx::nontransaction tx(conn);
    tx.exec("ALTER TABLE audit_events DISABLE TRIGGER audit_events_dense");
  }
  std::vector<ctg::store::AuditRow> rows(batch, SampleRow(1));
  int64_t seq = 0;
  for (auto _ : state) {
    for (auto& row : rows) row.seq = ++seq;
    pqxx::work tx(conn);
    tx.exec(ctg::store::postgres::PgAuditRowsInsertSql(tx, rows));
    tx.commit();
  }
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_PgRawMultiRowInsert)
    ->Args({64, 0})
    ->Args({256, 0})
    ->Args({64, 1})
    ->Args({256, 1})
    ->UseRealTime();

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
      if (name.rfind("BM_PgRaw", 0) == 0) raw = std::max(raw, double(rate));
    }
    if (raw == 0) return;
    std::printf(
        "\nDurable appends as a share of the best raw insert, per-row or "
        "multi-row (%.0f rows/s):\n",
        raw);
    for (const auto& [name, rate] : rates_) {
      if (name.rfind("BM_PgDurableAppend", 0) != 0) continue;
      std::printf("  %-48s %10.0f events/s  %5.1f %%\n", name.c_str(),
                  double(rate), 100.0 * rate / raw);
    }
  }

 private:
  std::vector<std::pair<std::string, double>> rates_;
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
