// The gateway's configuration file (`ctg-gateway --config FILE`).
//
// Format: lines of `key = value`, `[section]` headers, `#` comments. Values
// are bare words, integers, true/false, or double-quoted strings (with \"
// and \\ escapes). Unknown keys and sections are errors, so a typo never
// silently falls back to a default. Relative paths are resolved against the
// directory of the config file. The reference is docs/configuration.md.
#ifndef CTG_GATEWAY_CONFIG_H_
#define CTG_GATEWAY_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/sdc/rules.h"

namespace ctg::gateway {

struct TlsConfig {
  std::string ca;    // PEM bundle of the Caf's CA (client certificates)
  std::string cert;  // the gateway's certificate chain (PEM)
  std::string key;   // the gateway's private key (PEM)
  std::string crl;   // CRL of the CA (PEM); required: revocation is enforced
  int reload_seconds = 60;  // how often files are checked for changes
};

struct AuditConfig {
  std::string signing_key;  // Ed25519 private key (PEM) for checkpoints
  std::string
      origin;  // checkpoint origin line; default "<trust_domain>/ctg-audit"
  std::string key_name;  // signer name in the note; default = origin
  int checkpoint_interval_seconds = 60;  // periodic checkpoints (0: off)
  // PEM public keys of the signing keys this one replaced (one or more
  // blocks): `--check` and `backup` verify older checkpoints with them.
  std::string previous_keys;
};

// limits.transport_max_message_bytes when not set: this many times
// limits.max_message_bytes.
inline constexpr int kTransportMessageFactor = 4;

struct LimitsConfig {
  // The largest message the gateway accepts (the request messages it
  // receives, each message of a client stream, and what it sends). A
  // received message over it is refused by the gateway itself: an audited
  // RESOURCE_EXHAUSTED.
  int max_message_bytes = 4 << 20;
  // The hard cap of gRPC's transport on a received message: one over it is
  // refused by gRPC before the gateway sees it (no audit event). At least
  // max_message_bytes; 0 in the file's absence, then resolved by the parser
  // to kTransportMessageFactor times max_message_bytes (at most 2^31 - 1).
  int transport_max_message_bytes = 0;
  int max_cells_per_extract = 500000;
  int max_page_size = 500;
  int default_page_size = 50;
  int calls_per_minute = 600;  // per identity; 0: unlimited
  int max_import_bytes = 512 << 20;
  int idle_connection_seconds = 300;
  int max_list_items = 200;         // territories/indicators/... in one request
  int max_text_chars = 4000;        // purpose, reasons, questions...
  int concurrent_releases = 2;      // secret statistique engines at once
  int release_cache_mb = 16;        // computed releases kept for re-downloads
  int max_upload_bytes = 16 << 20;  // a commune's file for a Caf request (R1)
};

struct WorkflowConfig {
  // Four-eyes: the opportunity and feasibility opinions must come from two
  // different reviewers.
  bool four_eyes = false;
};

// [secret_statistique]: the rules' settings and their defaults are those of
// policy::sdc::SdcConfig (R6, R7, C3, group disclosure: the file sets
// territory_threshold, frequency_threshold, mask_zeros, excluded_min_width,
// group_disclosure); the gateway adds how the LP audit runs here.
struct SecretStatistiqueConfig {
  policy::sdc::SdcConfig rules;
  std::string lp_audit = "always";  // always | sampled | off
  int lp_audit_max_cells = 20000;
};

// The Prometheus metrics and /healthz listener (gateway/metrics.h), plain
// HTTP apart from the mTLS port. Empty: no listener.
struct MetricsConfig {
  std::string listen;  // e.g. "127.0.0.1:9464"
};

// The PostgreSQL backend (`[database]` section; README, "PostgreSQL
// backend"). `url` empty: SQLite, in the file named by `database`.
struct PostgresConfig {
  std::string url;  // postgresql://... (libpq URI, TLS options included)
  std::string migrate_url;  // the schema owner's URL, for migrations at start
  int pool_size = 4;        // read sessions per replica
  int statement_timeout_ms = 10000;
  int connect_timeout_seconds = 5;
  // Longest wait before a commit for the last group's callers to queue
  // their next write (group commit under load); 0: never wait.
  int group_wait_us = 500;
};

// The web console (gateway/web/): its own HTTPS listener, same certificate
// and trust anchors as the gRPC port. Empty `listen`: no console.
struct WebConfig {
  std::string listen;  // e.g. "127.0.0.1:8444"
  // Largest request body accepted; larger ones are refused before they are
  // read (HTTP 413, RESOURCE_EXHAUSTED).
  int max_body_bytes = 64 << 20;
  // The Caf's time zone, in which the pages show dates (IANA name).
  std::string time_zone = "Europe/Paris";
};

struct Config {
  std::string path;  // the file it was read from
  std::string listen = "127.0.0.1:8443";
  std::string trust_domain;
  std::string caf_id;
  std::string caf_name = "Caf de la Gironde";
  std::string database;  // SQLite file; empty when postgres.url is set
  PostgresConfig postgres;
  TlsConfig tls;
  AuditConfig audit;
  LimitsConfig limits;
  WorkflowConfig workflow;
  SecretStatistiqueConfig secret;
  MetricsConfig metrics;
  WebConfig web;
};

// Reads and checks the file. Errors (kInvalidArgument, one line naming the
// file, the line and the key): unreadable file, syntax error, unknown key,
// duplicate key, value of the wrong type or out of range, missing required
// key (trust_domain, caf_id, database or database.url, tls.ca, tls.cert,
// tls.key, tls.crl, audit.signing_key).
absl::StatusOr<Config> LoadConfig(const std::string& path);

// Same, from text (for tests); relative paths resolve against `base_dir`.
absl::StatusOr<Config> ParseConfig(absl::string_view text,
                                   const std::string& file_name,
                                   const std::string& base_dir);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_CONFIG_H_
