// Offline verification throughput vs. the machine's SHA-256 rate.
//
//   cmake --build build --target ctg_audit_bench
//   build/bench/audit/ctg_audit_bench                       # everything
//   build/bench/audit/ctg_audit_bench --benchmark_filter=VerifyVs   # headline
//
// BM_Sha256Raw hashes the export file's bytes in one streaming digest: the
// rate at which a verifier could at best read and hash the file (one core).
// BM_VerifyExport runs the whole offline verification (JSON parsing,
// canonical re-encoding, leaf hashes, incremental Merkle tree, checkpoint
// signatures) over the same bytes. BM_VerifyVsSha256 alternates the two
// inside each iteration, so both see the same load on a shared machine, and
// reports verify ÷ SHA-256 as `ratio_pct`; main() prints all ratios at the
// end (target ≥ 50 %).
//
// What bounds the ratio: per event, verification must hash the canonical
// bytes (~70 % of the export line's size) in their own digest, plus one
// 65-byte node hash (two SHA-256 blocks), plus its share of an Ed25519
// verification per checkpoint. With SHA-NI those alone cost about as much as
// hashing the whole line once, so one thread cannot reach 50 % whatever the
// parser does; `VerifyOptions::threads` spreads the per-line work (parsing,
// re-encoding, leaf hashes, signatures) over cores while the tree stays in
// order on one thread.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/canonical.h"
#include "audit/checkpoint.h"
#include "audit/export_line.h"
#include "audit/hash.h"
#include "audit/line_reader.h"
#include "audit/merkle_tree.h"
#include "audit/note_key.h"
#include "audit/verifier.h"
#include "benchmark/benchmark.h"
#include "tests/testing/ed25519_pem.h"

namespace ctg::audit {
namespace {

constexpr uint64_t kEvents = 100000;
constexpr uint64_t kCheckpointEvery = 1000;
constexpr char kOrigin[] = "caf33.example/ctg-audit";

// mix 0: a typical allowed call with its facts (purpose, objective).
// mix 1: a denied call known only by its peer (no identity, no facts).
Event MakeEvent(uint64_t seq, int mix) {
  Event e;
  e.sequence = seq;
  e.time_micros = 1795908624123456 + static_cast<int64_t>(seq) * 1733;
  e.peer = absl::StrCat("ipv4:10.0.", seq % 250, ".7:", 40000 + seq % 20000);
  if (mix == 1) {
    e.method = "/ctg.v1.DataRequests/ListRequests";
    e.code = 16;
    e.message = "no usable client certificate identity";
    return e;
  }
  e.caller = absl::StrCat(
      "spiffe://caf33.example/commune/33069/requester/agent", seq % 7);
  e.cert_sha256 = std::string(64, "0123456789abcdef"[seq % 16]);
  e.method = "/ctg.v1.DataRequests/SubmitRequest";
  e.target_kind = "request";
  e.target_id = absl::StrCat("req-", seq / 3);
  e.facts = {{"objective", "Petite enfance: accueil du jeune enfant"},
             {"purpose",
              "Diagnostic partagé de la CTG: besoins de garde par IRIS et "
              "évolution 2019-2023 des familles monoparentales"}};
  return e;
}

struct Corpus {
  std::string jsonl;
  std::vector<std::string> canonical;
  std::vector<Hash> leaves;
  std::string latest_checkpoint;
  std::unique_ptr<NoteVerifier> key;
  uint64_t canonical_bytes = 0;
};

const Corpus& GetCorpus(int mix) {
  static std::map<int, Corpus>* corpora = new std::map<int, Corpus>;
  auto it = corpora->find(mix);
  if (it != corpora->end()) return it->second;
  Corpus& c = (*corpora)[mix];
  auto signer = *NoteSigner::FromPrivateKeyPem(
      kOrigin, ::ctg::testing::Ed25519PemFromByte(7));
  c.key = std::make_unique<NoteVerifier>(
      *NoteVerifier::FromRawPublicKey(signer->public_key(), kOrigin));
  MerkleTree tree;
  for (uint64_t seq = 1; seq <= kEvents; ++seq) {
    ExportRecord r;
    r.event = MakeEvent(seq, mix);
    c.canonical.push_back(EncodeCanonical(r.event));
    c.canonical_bytes += c.canonical.back().size();
    r.leaf_hash = LeafHash(c.canonical.back());
    c.leaves.push_back(r.leaf_hash);
    tree.Append(r.leaf_hash);
    if (seq % kCheckpointEvery == 0) {
      r.checkpoint = *SignCheckpoint(
          {.origin = kOrigin, .size = seq, .root = tree.Root()}, *signer);
    }
    AppendExportLine(r, &c.jsonl);
  }
  c.latest_checkpoint = *SignCheckpoint(
      {.origin = kOrigin, .size = kEvents, .root = tree.Root()}, *signer);
  return c;
}

// The export of `mix` written to a temporary file (once).
std::string ExportFile(int mix) {
  static std::map<int, std::string>* paths = new std::map<int, std::string>;
  auto it = paths->find(mix);
  if (it != paths->end()) return it->second;
  const char* tmp = std::getenv("TMPDIR");
  std::string path =
      absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/ctg_audit_bench_", getpid(),
                   "_", mix, ".jsonl");
  std::ofstream out(path, std::ios::binary);
  out << GetCorpus(mix).jsonl;
  (*paths)[mix] = path;
  return path;
}

void RemoveExportFiles() {
  for (int mix : {0, 1}) {
    const char* tmp = std::getenv("TMPDIR");
    std::remove(absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/ctg_audit_bench_",
                             getpid(), "_", mix, ".jsonl")
                    .c_str());
  }
}

void SetRates(benchmark::State& state, uint64_t bytes) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kEvents));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

// Raw SHA-256 over the export bytes, one streaming digest.
void BM_Sha256Raw(benchmark::State& state) {
  const Corpus& c = GetCorpus(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    Hash h = Sha256(c.jsonl);
    benchmark::DoNotOptimize(h);
  }
  SetRates(state, c.jsonl.size());
}
BENCHMARK(BM_Sha256Raw)
    ->ArgName("mix")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Full offline verification of the export in memory (with the latest
// checkpoint supplied, as `ctg audit verify --checkpoint` does).
// Args: event mix, worker threads (1 = serial on the calling thread).
void BM_VerifyExport(benchmark::State& state) {
  const Corpus& c = GetCorpus(static_cast<int>(state.range(0)));
  VerifyOptions options{.checkpoint_note = c.latest_checkpoint,
                        .threads = static_cast<int>(state.range(1))};
  for (auto _ : state) {
    absl::StatusOr<VerifyReport> r = VerifyExport(c.jsonl, *c.key, options);
    if (!r.ok() || !r->ok()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(r);
  }
  SetRates(state, c.jsonl.size());
}
BENCHMARK(BM_VerifyExport)
    ->ArgNames({"mix", "threads"})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Args({0, 2})
    ->Args({1, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Same, reading the export from a file through std::ifstream (what the CLI
// does); the file is in the page cache.
void BM_VerifyExportFile(benchmark::State& state) {
  const Corpus& c = GetCorpus(static_cast<int>(state.range(0)));
  const std::string path = ExportFile(static_cast<int>(state.range(0)));
  VerifyOptions options{.checkpoint_note = c.latest_checkpoint,
                        .threads = static_cast<int>(state.range(1))};
  for (auto _ : state) {
    std::ifstream in(path, std::ios::binary);
    absl::StatusOr<VerifyReport> r = VerifyExport(in, *c.key, options);
    if (!r.ok() || !r->ok()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(r);
  }
  SetRates(state, c.jsonl.size());
}
BENCHMARK(BM_VerifyExportFile)
    ->ArgNames({"mix", "threads"})
    ->Args({0, 1})
    ->Args({0, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The headline: raw SHA-256 and verification timed alternately inside each
// iteration, so that both see the same machine load (the machine is shared),
// with the ratio as a counter. Args: event mix, verification threads.
void BM_VerifyVsSha256(benchmark::State& state) {
  const Corpus& c = GetCorpus(static_cast<int>(state.range(0)));
  VerifyOptions options{.checkpoint_note = c.latest_checkpoint,
                        .threads = static_cast<int>(state.range(1))};
  double sha_seconds = 0, verify_seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    Hash h = Sha256(c.jsonl);
    benchmark::DoNotOptimize(h);
    const auto t1 = std::chrono::steady_clock::now();
    absl::StatusOr<VerifyReport> r = VerifyExport(c.jsonl, *c.key, options);
    if (!r.ok() || !r->ok()) state.SkipWithError("verification failed");
    const auto t2 = std::chrono::steady_clock::now();
    sha_seconds += std::chrono::duration<double>(t1 - t0).count();
    verify_seconds += std::chrono::duration<double>(t2 - t1).count();
  }
  const double bytes = static_cast<double>(c.jsonl.size()) * state.iterations();
  state.counters["sha256_MBps"] = bytes / sha_seconds / 1e6;
  state.counters["verify_MBps"] = bytes / verify_seconds / 1e6;
  state.counters["verify_events_per_s"] =
      static_cast<double>(kEvents) * state.iterations() / verify_seconds;
  state.counters["ratio_pct"] = 100.0 * sha_seconds / verify_seconds;
}
BENCHMARK(BM_VerifyVsSha256)
    ->ArgNames({"mix", "threads"})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Args({0, 2})
    ->Args({1, 2})
    ->MinTime(3)
    ->Unit(benchmark::kMillisecond);

// Breakdown: parsing alone.
void BM_ParseExportLines(benchmark::State& state) {
  const Corpus& c = GetCorpus(static_cast<int>(state.range(0)));
  ExportRecord record;
  for (auto _ : state) {
    LineReader lines(c.jsonl);
    absl::string_view line;
    while (*lines.Next(&line)) {
      if (!ParseExportLine(line, &record).ok()) state.SkipWithError("parse");
    }
  }
  SetRates(state, c.jsonl.size());
}
BENCHMARK(BM_ParseExportLines)
    ->ArgName("mix")
    ->Arg(0)
    ->Unit(benchmark::kMillisecond);

// Breakdown: leaf hashes of the canonical bytes (LeafHashes, the batch
// function for the store), bytes = canonical bytes.
void BM_LeafHashes(benchmark::State& state) {
  const Corpus& c = GetCorpus(static_cast<int>(state.range(0)));
  std::vector<absl::string_view> views(c.canonical.begin(), c.canonical.end());
  std::vector<Hash> out(views.size());
  for (auto _ : state) {
    LeafHashes(views, absl::MakeSpan(out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kEvents));
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * c.canonical_bytes));
}
BENCHMARK(BM_LeafHashes)
    ->ArgName("mix")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);

// Gateway side: appending leaf hashes to the in-memory tree.
void BM_MerkleTreeAppend(benchmark::State& state) {
  const Corpus& c = GetCorpus(0);
  for (auto _ : state) {
    MerkleTree tree;
    for (const Hash& h : c.leaves) tree.Append(h);
    benchmark::DoNotOptimize(tree.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kEvents));
}
BENCHMARK(BM_MerkleTreeAppend)->Unit(benchmark::kMillisecond);

const MerkleTree& BigTree() {
  static MerkleTree* tree = [] {
    auto* t = new MerkleTree;
    const uint64_t n = (1u << 20) + 12345;
    for (uint64_t i = 0; i < n; ++i) t->Append(LeafHash(absl::StrCat(i)));
    return t;
  }();
  return *tree;
}

void BM_InclusionProof(benchmark::State& state) {
  const MerkleTree& tree = BigTree();
  uint64_t i = 0;
  for (auto _ : state) {
    const uint64_t size = tree.size() - (i % 1000);
    auto proof = tree.InclusionProof((i * 7919) % size, size);
    benchmark::DoNotOptimize(proof);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InclusionProof);

void BM_ConsistencyProof(benchmark::State& state) {
  const MerkleTree& tree = BigTree();
  uint64_t i = 0;
  for (auto _ : state) {
    const uint64_t size2 = tree.size() - (i % 1000);
    auto proof = tree.ConsistencyProof(1 + (i * 7919) % size2, size2);
    benchmark::DoNotOptimize(proof);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConsistencyProof);

void BM_RootAt(benchmark::State& state) {
  const MerkleTree& tree = BigTree();
  uint64_t i = 0;
  for (auto _ : state) {
    auto root = tree.RootAt(tree.size() - (i++ % 100000));
    benchmark::DoNotOptimize(root);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RootAt);

void BM_SignCheckpoint(benchmark::State& state) {
  auto signer = *NoteSigner::FromPrivateKeyPem(
      kOrigin, ::ctg::testing::Ed25519PemFromByte(7));
  const Checkpoint cp{.origin = kOrigin, .size = 123456, .root = Sha256("r")};
  for (auto _ : state) {
    auto note = SignCheckpoint(cp, *signer);
    benchmark::DoNotOptimize(note);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignCheckpoint);

void BM_OpenCheckpoint(benchmark::State& state) {
  const Corpus& c = GetCorpus(0);
  for (auto _ : state) {
    auto cp = OpenCheckpoint(c.latest_checkpoint, *c.key);
    benchmark::DoNotOptimize(cp);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OpenCheckpoint);

// Console output as usual, plus the rates needed for the ratio.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      if (run.counters.count("ratio_pct")) paired_.push_back(run);
      auto it = run.counters.find("bytes_per_second");
      if (it != run.counters.end())
        rates_[run.benchmark_name()] = it->second.value;
      auto items = run.counters.find("items_per_second");
      if (items != run.counters.end())
        items_[run.benchmark_name()] = items->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void PrintRatios() const {
    std::printf(
        "\nOffline verification vs raw SHA-256 (one thread, one streaming "
        "digest) "
        "over the same export bytes\n(%llu events, a signed checkpoint every "
        "%llu; "
        "rates in wall-clock time):\n",
        static_cast<unsigned long long>(kEvents),
        static_cast<unsigned long long>(kCheckpointEvery));
    const char* mixes[] = {"typical calls with facts",
                           "denied calls, no identity"};
    std::printf(
        " Paired (SHA-256 and verification alternate in each iteration):\n");
    for (const Run& run : paired_) {
      const std::string name = run.benchmark_name();
      const int mix = name.find("mix:1") != std::string::npos ? 1 : 0;
      std::printf(
          "  %-44s %-26s verify %5.0f MB/s %8.0f events/s | SHA-256 %5.0f MB/s "
          "| ratio %3.0f %%\n",
          name.c_str(), mixes[mix], run.counters.at("verify_MBps").value,
          run.counters.at("verify_events_per_s").value,
          run.counters.at("sha256_MBps").value,
          run.counters.at("ratio_pct").value);
    }
    std::printf(" Separate runs:\n");
    for (const auto& [name, rate] : rates_) {
      const bool memory = name.rfind("BM_VerifyExport/", 0) == 0;
      const bool file = name.rfind("BM_VerifyExportFile/", 0) == 0;
      if (!memory && !file) continue;
      const int mix = name.find("mix:1") != std::string::npos ? 1 : 0;
      auto sha =
          rates_.find(absl::StrCat("BM_Sha256Raw/mix:", mix, "/real_time"));
      if (sha == rates_.end()) continue;
      auto items = items_.find(name);
      std::printf(
          "  %-44s %-26s verify %5.0f MB/s %8.0f events/s | SHA-256 %5.0f MB/s "
          "| ratio %3.0f %%\n",
          name.c_str(), mixes[mix], rate / 1e6,
          items == items_.end() ? 0.0 : items->second, sha->second / 1e6,
          100.0 * rate / sha->second);
    }
  }

 private:
  std::vector<Run> paired_;
  std::map<std::string, double> rates_;
  std::map<std::string, double> items_;
};

}  // namespace
}  // namespace ctg::audit

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ctg::audit::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  ctg::audit::RemoveExportFiles();
  benchmark::Shutdown();
  return 0;
}
