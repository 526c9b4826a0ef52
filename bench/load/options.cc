#include "bench/load/options.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ctg::load {
namespace {

constexpr const char* kMethods[] = {"health",  "get",         "submit",
                                    "extract", "extract-new", "audit"};

std::vector<std::string> List(const std::string& value) {
  return absl::StrSplit(value, ',', absl::SkipEmpty());
}

absl::Status Bad(const std::string& flag, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", why));
}

// Only loopback: ctg-load is a benchmark, not a tool to load someone's server.
absl::Status CheckLoopback(const std::string& address) {
  size_t colon = address.rfind(':');
  std::string host = colon == std::string::npos ? "" : address.substr(0, colon);
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port <= 0 ||
      port > 65535) {
    return Bad("gateway", absl::StrCat("\"", address, "\" is not HOST:PORT"));
  }
  if (host != "localhost" && host != "[::1]" && host.rfind("127.", 0) != 0) {
    return Bad("gateway",
               absl::StrCat("\"", host, "\" is not a loopback address"));
  }
  return absl::OkStatus();
}

}  // namespace

bool Options::Wants(const std::string& method) const {
  return std::find(methods.begin(), methods.end(), method) != methods.end();
}

absl::StatusOr<Options> ParseOptions(int argc, char** argv) {
  Options o;
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") return absl::CancelledError("help");
    if (arg.rfind("--", 0) != 0)
      return absl::InvalidArgumentError(absl::StrCat("unexpected ", arg));
    std::string name = arg.substr(2), value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else {
      if (i + 1 >= argc) return Bad(name, "needs a value");
      value = argv[++i];
    }
    flags[name] = value;
  }
  auto take = [&](const char* name, std::string& out) {
    if (auto it = flags.find(name); it != flags.end()) {
      out = it->second;
      flags.erase(it);
    }
  };
  auto take_number = [&](const char* name, auto& out, double min,
                         double max) -> absl::Status {
    std::string text;
    take(name, text);
    if (text.empty()) return absl::OkStatus();
    double v = 0;
    if (!absl::SimpleAtod(text, &v) || v < min || v > max) {
      return Bad(name, absl::StrCat("\"", text, "\" is not a number in [", min,
                                    ", ", max, "]"));
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(v);
    return absl::OkStatus();
  };
  take("gateway", o.gateway);
  take("pki", o.pki);
  take("ca", o.ca);
  take("cert", o.cert);
  take("key", o.key);
  std::string methods, requesters, extract_ids;
  take("methods", methods);
  take("requesters", requesters);
  take("extract-request-ids", extract_ids);
  take("reviewer", o.reviewer);
  take("admin", o.admin);
  take("auditor", o.auditor);
  take("period", o.period);
  take("request-id", o.request_id);
  take("submit-commune", o.submit_commune);
  take("tsv", o.tsv);
  take("label", o.label);
  for (absl::Status s : {take_number("concurrency", o.concurrency, 1, 1024),
                         take_number("duration", o.duration_s, 0.1, 3600),
                         take_number("warmup", o.warmup_s, 0, 600),
                         take_number("rate", o.rate, 0, 1e6),
                         take_number("rate-fraction", o.rate_fraction, 0, 1),
                         take_number("extract-cells", o.extract_cells, 1, 1e6),
                         take_number("audit-limit", o.audit_limit, 1, 100000),
                         take_number("deadline", o.deadline_s, 1, 3600)}) {
    if (!s.ok()) return s;
  }
  if (!flags.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown flag --", flags.begin()->first));
  }
  if (o.gateway.empty()) return Bad("gateway", "required");
  for (const std::string& address : List(o.gateway)) {
    if (absl::Status s = CheckLoopback(address); !s.ok()) return s;
  }
  const bool single = !o.ca.empty() || !o.cert.empty() || !o.key.empty();
  if (single == !o.pki.empty())
    return Bad("pki", "give either --pki DIR or --ca, --cert and --key");
  if (single && (o.ca.empty() || o.cert.empty() || o.key.empty())) {
    return Bad("cert", "--ca, --cert and --key go together");
  }
  if (!methods.empty()) {
    o.methods = List(methods);
    for (const std::string& m : o.methods) {
      if (std::find(std::begin(kMethods), std::end(kMethods), m) ==
          std::end(kMethods)) {
        return Bad(
            "methods",
            absl::StrCat(
                "unknown method \"", m,
                "\" (health, get, submit, extract, extract-new, audit)"));
      }
    }
  }
  if (!requesters.empty()) o.requesters = List(requesters);
  if (!extract_ids.empty()) o.extract_request_ids = List(extract_ids);
  if (o.rate > 0 && o.rate_fraction > 0)
    return Bad("rate", "give --rate or --rate-fraction, not both");
  return o;
}

}  // namespace ctg::load
