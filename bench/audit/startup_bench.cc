// Start-up verification of a long stored audit trail.
//
//   build/bench/audit/ctg_audit_startup_bench --db /tmp/trail.db --events
//   1000000
//       --checkpoint-every 1000 --key demo/pki/audit-signing.key      (one
//       line)
//
// Writes a trail of --events events through the gateway's own append path
// (AuditLog::Append, 10,000 events per transaction), with a checkpoint
// signed by --key (the gateway's audit.signing_key, so that the gateway and
// `ctg-gateway --check` accept the file; origin and key name
// "ctg.caf33.fr/ctg-audit", the default for that trust domain) stored every
// --checkpoint-every events and at the end, then times, on the closed file:
//
//  - baseline: one scan that hashes every event's canonical bytes and builds
//    the tree, nothing else (the leaf-hash-only check the gateway used to do);
//  - AuditLog::Open without keys: the full start-up verification (dense rows,
//    canonical decode and sequence, leaf hash, filter columns, every stored
//    checkpoint's root) but no signature;
//  - AuditLog::Open with the key: the same plus every checkpoint's signature
//    (what the gateway does when given its key).
//
// An existing --db is reused as is (no rewrite). Each time is printed as
// wall-clock and CPU (user + system) seconds; the second pass has the file
// in the page cache.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "audit/checkpoint.h"
#include "audit/hash.h"
#include "audit/merkle_tree.h"
#include "audit/note_key.h"
#include "base/status_macros.h"
#include "gateway/audit_log.h"
#include "store/sqlite/audit_table.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/sqlite_backend.h"

namespace ctg {
namespace {

constexpr char kOrigin[] = "ctg.caf33.fr/ctg-audit";

struct Flags {
  std::string db = "/tmp/ctg-startup-bench.db";
  uint64_t events = 1000000;
  uint64_t checkpoint_every = 1000;
  std::string key;
};

// Wall-clock and CPU (user + system, all threads) time since construction.
class Timer {
 public:
  Timer() : wall_(std::chrono::steady_clock::now()), cpu_(CpuSeconds()) {}
  std::string Format() const {
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_)
            .count();
    return absl::StrFormat("%.2f s wall, %.2f s CPU", wall,
                           CpuSeconds() - cpu_);
  }

 private:
  static double CpuSeconds() {
    rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
  }
  std::chrono::steady_clock::time_point wall_;
  double cpu_;
};

// Mostly allowed calls with their facts, one in ten refused.
gateway::AuditEntry Entry(uint64_t i) {
  gateway::AuditEntry entry;
  audit::Event& e = entry.event;
  e.peer = absl::StrCat("ipv4:10.0.", i % 250, ".7:", 40000 + i % 20000);
  e.cert_sha256 = std::string(64, "0123456789abcdef"[i % 16]);
  if (i % 10 == 9) {
    e.method = "/ctg.v1.DataRequests/ListRequests";
    e.code = 7;
    e.message = "role requester may not call this method";
  } else {
    e.method = "/ctg.v1.DataRequests/GetRequest";
    e.target_kind = "request";
    e.target_id = absl::StrCat("REQ-", 100000 + i % 5000);
    e.facts = {{"purpose",
                "Diagnostic des familles monoparentales par IRIS pour la CTG"}};
    entry.request_id = e.target_id;
  }
  e.caller = absl::StrCat("spiffe://ctg.caf33.fr/commune/33069/requester/agent",
                          i % 7);
  entry.organisation = "commune/33069";
  return entry;
}

absl::Status Write(const Flags& flags, const audit::NoteSigner& signer) {
  CTG_ASSIGN_OR_RETURN(auto db, store::sqlite::OpenBackend({.path = flags.db}));
  CTG_ASSIGN_OR_RETURN(
      auto log, gateway::AuditLog::Open(db.get(), [&](uint64_t size,
                                                      const audit::Hash& root) {
        return audit::SignCheckpoint(
            {.origin = kOrigin, .size = size, .root = root}, signer);
      }));
  constexpr uint64_t kBatch = 10000;
  uint64_t next_checkpoint = flags.checkpoint_every;
  for (uint64_t done = 0; done < flags.events;) {
    // Batches end on checkpoint sizes, as a periodic checkpoint would.
    uint64_t end = std::min(flags.events, done + kBatch);
    if (flags.checkpoint_every > 0) end = std::min(end, next_checkpoint);
    CTG_RETURN_IF_ERROR(db->Write([&](store::WriteSession& tx) -> absl::Status {
      for (uint64_t i = done; i < end; ++i)
        CTG_RETURN_IF_ERROR(log->Append(tx, Entry(i)).status());
      return absl::OkStatus();
    }));
    done = end;
    if (flags.checkpoint_every > 0 && done == next_checkpoint) {
      CTG_RETURN_IF_ERROR(log->Checkpoint().status());
      next_checkpoint += flags.checkpoint_every;
    }
  }
  CTG_RETURN_IF_ERROR(log->PeriodicCheckpoint());
  db->Close();
  return absl::OkStatus();
}

// The former start-up check: leaf hashes and the tree, nothing else.
absl::Status Baseline(const Flags& flags) {
  CTG_ASSIGN_OR_RETURN(
      auto conn, store::sqlite::Connection::Open(flags.db, /*read_only=*/true));
  audit::Sha256Hasher hasher;
  audit::MerkleTree tree = audit::MerkleTree::Compact(8, 16, nullptr);
  CTG_RETURN_IF_ERROR(store::sqlite::ScanAllLeaves(
      *conn,
      [&](uint64_t, const std::string& canonical, const std::string& stored) {
        audit::Hash leaf = hasher.Leaf(canonical);
        if (stored.size() != leaf.size() ||
            std::memcmp(stored.data(), leaf.data(), 32) != 0) {
          return absl::DataLossError("leaf hash mismatch");
        }
        tree.Append(leaf);
        return absl::OkStatus();
      }));
  std::printf("  events: %llu\n", static_cast<unsigned long long>(tree.size()));
  return absl::OkStatus();
}

absl::Status OpenLog(const Flags& flags,
                     std::vector<audit::NoteVerifier> keys) {
  CTG_ASSIGN_OR_RETURN(auto db, store::sqlite::OpenBackend({.path = flags.db}));
  CTG_ASSIGN_OR_RETURN(auto log,
                       gateway::AuditLog::Open(
                           db.get(), {.sign = [](uint64_t, const audit::Hash&)
                                          -> absl::StatusOr<std::string> {
                                        return std::string();
                                      },
                                      .keys = std::move(keys)}));
  std::printf("  events: %llu\n", static_cast<unsigned long long>(log->size()));
  db->Close();
  return absl::OkStatus();
}

absl::Status Run(const Flags& flags) {
  std::ifstream in(flags.key);
  if (!in)
    return absl::InvalidArgumentError(
        absl::StrCat("--key ", flags.key, ": cannot read"));
  std::stringstream pem;
  pem << in.rdbuf();
  CTG_ASSIGN_OR_RETURN(
      auto signer, audit::NoteSigner::FromPrivateKeyPem(kOrigin, pem.str()));
  CTG_ASSIGN_OR_RETURN(auto verifier, audit::NoteVerifier::FromRawPublicKey(
                                          signer->public_key(), kOrigin));
  if (!std::filesystem::exists(flags.db)) {
    Timer timer;
    CTG_RETURN_IF_ERROR(Write(flags, *signer));
    std::printf("wrote %s: %s\n", flags.db.c_str(), timer.Format().c_str());
  }
  for (int pass = 0; pass < 2; ++pass) {  // the first pass warms the page cache
    std::printf("pass %d\n", pass + 1);
    Timer baseline;
    CTG_RETURN_IF_ERROR(Baseline(flags));
    std::printf("  baseline (leaf hashes and tree only): %s\n",
                baseline.Format().c_str());
    Timer unsigned_open;
    CTG_RETURN_IF_ERROR(OpenLog(flags, {}));
    std::printf("  AuditLog::Open, every check but signatures: %s\n",
                unsigned_open.Format().c_str());
    Timer full_open;
    CTG_RETURN_IF_ERROR(OpenLog(flags, {verifier}));
    std::printf("  AuditLog::Open, every check and every signature: %s\n",
                full_open.Format().c_str());
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace ctg

int main(int argc, char** argv) {
  ctg::Flags flags;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    bool ok = true;
    if (name == "--db") {
      flags.db = value;
    } else if (name == "--events") {
      ok = absl::SimpleAtoi(value, &flags.events);
    } else if (name == "--checkpoint-every") {
      ok = absl::SimpleAtoi(value, &flags.checkpoint_every);
    } else if (name == "--key") {
      flags.key = value;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "bad flag %s %s\n", name.c_str(), value.c_str());
      return 2;
    }
  }
  absl::Status status = ctg::Run(flags);
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
