#include "bench/load/report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/status_code_name.h"

namespace ctg::load {
namespace {

std::string Mode(const PhaseOptions& o) {
  return o.rate > 0 ? absl::StrFormat("open %.1f/s", o.rate) : "closed";
}

}  // namespace

void PrintTable(std::FILE* out, const std::vector<ReportRow>& rows) {
  absl::FPrintF(out, "%-45s %-14s %8s %9s %6s %8s %8s %8s %9s %8s %7s\n",
                "method", "mode", "calls", "calls/s", "ratio", "p50 ms",
                "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors");
  for (const ReportRow& row : rows) {
    const Summary& s = row.result.summary;
    absl::FPrintF(
        out, "%-45s %-14s %8d %9.1f %6s %8.2f %8.2f %8.2f %9.2f %8.2f %7d\n",
        row.result.method, Mode(row.result.options), s.ok, s.calls_per_s,
        row.ratio > 0 ? absl::StrFormat("%.2f", row.ratio) : "-", s.p50_ms,
        s.p90_ms, s.p99_ms, s.p999_ms, s.max_ms, s.errors);
  }
}

void PrintErrors(std::FILE* out, const std::vector<ReportRow>& rows) {
  for (const ReportRow& row : rows) {
    const PhaseResult& r = row.result;
    if (!row.note.empty())
      absl::FPrintF(out, "  %s (%s): %s\n", r.method, Mode(r.options),
                    row.note);
    for (const auto& [code, n] : r.log.errors()) {
      absl::FPrintF(out, "  %s (%s): %d x %s, e.g. \"%s\"\n", r.method,
                    Mode(r.options), n, StatusCodeName(code),
                    r.log.error_examples().at(code));
    }
    if (r.unsent > 0) {
      absl::FPrintF(
          out,
          "  %s (%s): %d scheduled calls not sent (the gateway fell behind)\n",
          r.method, Mode(r.options), r.unsent);
    }
    if (r.options.rate > 0) {
      absl::FPrintF(
          out, "  %s (%s): latest start %.2f ms after its scheduled time\n",
          r.method, Mode(r.options), r.max_lag_ms);
    }
    if (!r.stop_reason.empty()) {
      absl::FPrintF(out, "  %s (%s): a worker stopped: %s\n", r.method,
                    Mode(r.options), r.stop_reason);
    }
  }
}

std::string TsvHeader() {
  return "label\tmethod\tmode\tconcurrency\toffered_"
         "rate\tseconds\tok\terrors\tcalls_per_s\t"
         "ratio\tp50_ms\tp90_ms\tp99_ms\tp999_ms\tmax_ms\tnote";
}

std::string TsvLine(const std::string& label, const ReportRow& row) {
  const PhaseResult& r = row.result;
  const Summary& s = r.summary;
  return absl::StrJoin(
      {label, r.method, std::string(r.options.rate > 0 ? "open" : "closed"),
       absl::StrCat(r.options.concurrency),
       absl::StrFormat("%.1f", r.options.rate),
       absl::StrFormat("%.1f", s.seconds), absl::StrCat(s.ok),
       absl::StrCat(s.errors), absl::StrFormat("%.1f", s.calls_per_s),
       absl::StrFormat("%.3f", row.ratio), absl::StrFormat("%.3f", s.p50_ms),
       absl::StrFormat("%.3f", s.p90_ms), absl::StrFormat("%.3f", s.p99_ms),
       absl::StrFormat("%.3f", s.p999_ms), absl::StrFormat("%.3f", s.max_ms),
       row.note},
      "\t");
}

}  // namespace ctg::load
