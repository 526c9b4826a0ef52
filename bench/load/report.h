// Prints phase results as a table (stdout) and as tab-separated lines.
#ifndef CTG_BENCH_LOAD_REPORT_H_
#define CTG_BENCH_LOAD_REPORT_H_

#include <cstdio>
#include <string>
#include <vector>

#include "bench/load/driver.h"

namespace ctg::load {

struct ReportRow {
  PhaseResult result;
  double ratio =
      0;  // calls/s over Health/Check's closed-loop calls/s; 0 if unknown
  std::string note;
};

void PrintTable(std::FILE* out, const std::vector<ReportRow>& rows);
// Errors of each phase, by code with one example message.
void PrintErrors(std::FILE* out, const std::vector<ReportRow>& rows);

// One header line then one line per row:
// label method mode concurrency offered_rate seconds ok errors calls_per_s
// ratio p50_ms p90_ms p99_ms p999_ms max_ms note
std::string TsvHeader();
std::string TsvLine(const std::string& label, const ReportRow& row);

}  // namespace ctg::load

#endif  // CTG_BENCH_LOAD_REPORT_H_
