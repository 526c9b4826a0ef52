#include "bench/load/driver.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace ctg::load {
namespace {

using Clock = std::chrono::steady_clock;

double Micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(s));
}

struct Shared {
  absl::Mutex mu;
  std::string stop_reason ABSL_GUARDED_BY(mu);
  void Stop(const absl::Status& why) {
    absl::MutexLock lock(&mu);
    if (stop_reason.empty()) stop_reason = std::string(why.message());
  }
};

void ClosedWorker(MethodLoad& load, int worker, Clock::time_point measure_from,
                  Clock::time_point end, LatencyLog& log, Shared& shared) {
  while (Clock::now() < end) {
    if (absl::Status s = load.Prepare(worker); !s.ok()) {
      shared.Stop(s);
      return;
    }
    const Clock::time_point t0 = Clock::now();
    if (t0 >= end) return;
    grpc::Status status = load.Call(worker);
    const Clock::time_point t1 = Clock::now();
    if (t1 < measure_from || t1 > end)
      continue;  // completions in the window only
    if (status.ok()) {
      log.RecordOk(Micros(t1 - t0));
    } else {
      log.RecordError(status.error_code(), status.error_message());
    }
  }
}

struct OpenSchedule {
  Clock::time_point start;
  Clock::time_point measure_from;
  Clock::time_point give_up;
  double interval_s;
  int64_t total;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> unsent{0};
  std::atomic<int64_t> max_lag_us{0};
};

void OpenWorker(MethodLoad& load, int worker, OpenSchedule& plan,
                LatencyLog& log, Shared& shared) {
  for (int64_t i = plan.next++; i < plan.total; i = plan.next++) {
    const Clock::time_point scheduled =
        plan.start + Seconds(plan.interval_s * static_cast<double>(i));
    if (Clock::now() > plan.give_up) {
      ++plan.unsent;
      continue;
    }
    if (absl::Status s = load.Prepare(worker); !s.ok()) {
      shared.Stop(s);
      return;
    }
    std::this_thread::sleep_until(scheduled);
    const Clock::time_point t0 = Clock::now();
    int64_t lag = static_cast<int64_t>(Micros(t0 - scheduled));
    for (int64_t seen = plan.max_lag_us.load();
         lag > seen && !plan.max_lag_us.compare_exchange_weak(seen, lag);) {
    }
    grpc::Status status = load.Call(worker);
    const Clock::time_point t1 = Clock::now();
    if (scheduled < plan.measure_from) continue;  // warm-up
    if (status.ok()) {
      log.RecordOk(Micros(t1 - scheduled));
    } else {
      log.RecordError(status.error_code(), status.error_message());
    }
  }
}

}  // namespace

PhaseResult RunPhase(MethodLoad& load, const PhaseOptions& options) {
  PhaseResult result{.method = load.name(), .options = options};
  std::vector<LatencyLog> logs(options.concurrency);
  std::vector<std::thread> threads;
  Shared shared;
  const Clock::time_point start = Clock::now();
  const Clock::time_point measure_from = start + Seconds(options.warmup_s);
  const Clock::time_point end = measure_from + Seconds(options.duration_s);
  OpenSchedule plan;
  if (options.rate > 0) {
    plan.start = start;
    plan.measure_from = measure_from;
    plan.give_up = end + Seconds(30);
    plan.interval_s = 1.0 / options.rate;
    plan.total = static_cast<int64_t>(
        std::llround(options.rate * (options.warmup_s + options.duration_s)));
  }
  for (int w = 0; w < options.concurrency; ++w) {
    threads.emplace_back([&, w] {
      if (options.rate > 0) {
        OpenWorker(load, w, plan, logs[w], shared);
      } else {
        ClosedWorker(load, w, measure_from, end, logs[w], shared);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const LatencyLog& log : logs) result.log.Merge(log);
  result.summary = Summarize(result.log, options.duration_s);
  result.unsent = plan.unsent.load();
  result.max_lag_ms = static_cast<double>(plan.max_lag_us.load()) / 1000;
  absl::MutexLock lock(&shared.mu);
  result.stop_reason = shared.stop_reason;
  return result;
}

}  // namespace ctg::load
