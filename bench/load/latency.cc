#include "bench/load/latency.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ctg::load {

void LatencyLog::RecordError(int grpc_code, const std::string& message) {
  ++errors_[grpc_code];
  error_examples_.emplace(grpc_code, message);
}

void LatencyLog::Merge(const LatencyLog& other) {
  ok_micros_.insert(ok_micros_.end(), other.ok_micros_.begin(),
                    other.ok_micros_.end());
  for (const auto& [code, n] : other.errors_) errors_[code] += n;
  for (const auto& [code, m] : other.error_examples_)
    error_examples_.emplace(code, m);
}

namespace {

// Nearest rank: the smallest sample with at least q of the samples at or
// below it.
double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank =
      static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

}  // namespace

Summary Summarize(const LatencyLog& log, double seconds) {
  Summary s;
  std::vector<double> sorted = log.ok_micros();
  std::sort(sorted.begin(), sorted.end());
  s.ok = static_cast<int64_t>(sorted.size());
  for (const auto& [code, n] : log.errors()) s.errors += n;
  s.seconds = seconds;
  s.calls_per_s = seconds > 0 ? static_cast<double>(s.ok) / seconds : 0;
  s.p50_ms = Percentile(sorted, 0.50) / 1000;
  s.p90_ms = Percentile(sorted, 0.90) / 1000;
  s.p99_ms = Percentile(sorted, 0.99) / 1000;
  s.p999_ms = Percentile(sorted, 0.999) / 1000;
  s.max_ms = sorted.empty() ? 0 : sorted.back() / 1000;
  s.mean_ms = sorted.empty()
                  ? 0
                  : std::accumulate(sorted.begin(), sorted.end(), 0.0) /
                        static_cast<double>(sorted.size()) / 1000;
  return s;
}

}  // namespace ctg::load
