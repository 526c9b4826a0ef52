// Latency samples of one load phase and their summary (throughput,
// percentiles, errors by gRPC code).
//
// A LatencyLog is written by one worker thread only; Merge() combines the
// workers' logs after they have stopped. Not thread-safe.
#ifndef CTG_BENCH_LOAD_LATENCY_H_
#define CTG_BENCH_LOAD_LATENCY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ctg::load {

class LatencyLog {
 public:
  void RecordOk(double micros) { ok_micros_.push_back(micros); }
  void RecordError(int grpc_code, const std::string& message);
  void Merge(const LatencyLog& other);

  const std::vector<double>& ok_micros() const { return ok_micros_; }
  const std::map<int, int64_t>& errors() const { return errors_; }
  // One message per error code (the first seen), to say why.
  const std::map<int, std::string>& error_examples() const {
    return error_examples_;
  }

 private:
  std::vector<double> ok_micros_;
  std::map<int, int64_t> errors_;
  std::map<int, std::string> error_examples_;
};

struct Summary {
  int64_t ok = 0;
  int64_t errors = 0;
  double seconds = 0;      // measured window
  double calls_per_s = 0;  // successful calls completed in the window / seconds
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0,
         mean_ms = 0;
};

// Sorts a copy of the samples; nearest-rank percentiles.
Summary Summarize(const LatencyLog& log, double seconds);

}  // namespace ctg::load

#endif  // CTG_BENCH_LOAD_LATENCY_H_
