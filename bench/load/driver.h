// Runs one method under load: closed loop (each worker calls again as soon
// as its call returns) or open loop (calls scheduled at a fixed rate,
// latency counted from each call's scheduled time, so that a slow server
// cannot hide its queueing: no coordinated omission).
#ifndef CTG_BENCH_LOAD_DRIVER_H_
#define CTG_BENCH_LOAD_DRIVER_H_

#include <cstdint>
#include <string>

#include "bench/load/latency.h"
#include "bench/load/methods.h"

namespace ctg::load {

struct PhaseOptions {
  int concurrency = 16;
  double warmup_s = 2;
  double duration_s = 10;
  double rate = 0;  // calls/s offered; 0: closed loop
};

struct PhaseResult {
  std::string method;
  PhaseOptions options;
  LatencyLog log;  // calls completed (closed) or scheduled (open) in the window
  Summary summary;
  int64_t unsent = 0;     // open loop: scheduled calls never started (gave up)
  double max_lag_ms = 0;  // open loop: latest start after the scheduled time
  std::string stop_reason;  // a worker's Prepare error, if any
};

// Bounded: workers stop taking calls at the end of the window (closed loop)
// or after the last scheduled call, and at the latest 30 s after the
// window (open loop); each call has the method's deadline.
PhaseResult RunPhase(MethodLoad& load, const PhaseOptions& options);

}  // namespace ctg::load

#endif  // CTG_BENCH_LOAD_DRIVER_H_
