// Command line of ctg-load.
#ifndef CTG_BENCH_LOAD_OPTIONS_H_
#define CTG_BENCH_LOAD_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ctg::load {

inline constexpr char kUsage[] =
    R"(usage: ctg-load --gateway 127.0.0.1:PORT (--pki DIR | --ca F --cert F --key F) [options]

Drives a running ctg-gateway over mTLS on loopback, one method after the
other, and prints for each calls/s, latency p50/p90/p99/p99.9 and its
throughput as a ratio to grpc.health.v1.Health/Check measured in the same run.

Connection:
  --gateway HOST:PORT     loopback address of the gateway (127.0.0.1, ::1 or localhost);
                          several, comma-separated, for replicas on one PostgreSQL
                          database: worker i talks to the (i mod count)-th, set-up
                          calls to the first
  --pki DIR               a PKI made by certs/make-dev-pki.sh: CA DIR/ca.pem, clients
                          DIR/clients/<name>.pem/.key; ctg-load sets up what it needs
                          (conventions, approved requests) as admin/requester/reviewer
  --ca F --cert F --key F one client certificate instead: no set-up; give the ids
                          (--request-id, --extract-request-ids, --submit-commune)
Load:
  --concurrency N         concurrent streams, one thread and one TLS connection each
                          (default 16)
  --duration T            measured seconds per method (default 10)
  --warmup W              seconds of calls before measuring (default 2)
  --methods LIST          among health,get,submit,extract,extract-new,audit (default
                          all): extract downloads again approved requests (the
                          gateway serves a re-download from its cache of computed
                          releases); extract-new downloads each request once, so
                          the secret statistique runs for every call
  --rate R                open loop: R calls/s offered (latency counted from each
                          call's scheduled time) instead of as many as possible
  --rate-fraction F       after each closed-loop phase, an open-loop phase at F times
                          the throughput just measured (e.g. 0.5)
Set-up (with --pki):
  --requesters LIST       client names of commune requesters (default: every
                          DIR/clients/requester-<commune>.pem); worker i uses the
                          (i mod count)-th, so give as many communes as --concurrency
                          to keep extracts of one commune from conflicting
  --reviewer NAME --admin NAME --auditor NAME   (defaults reviewer, admin, auditor)
  --period P              period of the requests' scope (default 2023)
  --extract-cells N       size of the extract table, about (default 1000): every
                          territory of the commune, indicators added until N cells
Ids instead of set-up:
  --request-id ID         GetRequest this request
  --extract-request-ids L comma-separated APPROVED requests to download
  --submit-commune CODE   SubmitRequest for this commune (allocataires, CODE, --period)
Output:
  --audit-limit N         Audit.ListEvents limit (default 100), from the latest events
  --deadline S            per-call deadline in seconds (default 60)
  --tsv FILE              also write one tab-separated line per phase
  --label TEXT            a label copied into the tsv lines (e.g. the base size)
)";

struct Options {
  std::string gateway;
  std::string pki;
  std::string ca, cert, key;
  int concurrency = 16;
  double duration_s = 10;
  double warmup_s = 2;
  std::vector<std::string> methods = {"health",  "get",         "submit",
                                      "extract", "extract-new", "audit"};
  double rate = 0;
  double rate_fraction = 0;
  std::vector<std::string> requesters;
  std::string reviewer = "reviewer", admin = "admin", auditor = "auditor";
  std::string period = "2023";
  int extract_cells = 1000;
  std::string request_id;
  std::vector<std::string> extract_request_ids;
  std::string submit_commune;
  int audit_limit = 100;
  int deadline_s = 60;
  std::string tsv;
  std::string label;

  bool single_cert() const { return pki.empty(); }
  bool Wants(const std::string& method) const;
};

// Parses argv. Errors: kInvalidArgument naming the flag; kCancelled for
// --help (the caller prints kUsage).
absl::StatusOr<Options> ParseOptions(int argc, char** argv);

}  // namespace ctg::load

#endif  // CTG_BENCH_LOAD_OPTIONS_H_
