// The attacker's side of the test: the one adapter into the engine, and a
// Session holding everything one commune received (release memory, reader
// model) with counts for the report.
//
// Not thread-safe.
#ifndef CTG_TESTS_ATTACK_ATTACK_SESSION_H_
#define CTG_TESTS_ATTACK_ATTACK_SESSION_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/protection.h"
#include "policy/request_validation.h"
#include "policy/sdc/release.h"
#include "policy/sdc/release_memory.h"
#include "tests/attack/reader_model.h"

namespace ctg::attack {

inline constexpr char kPeriod[] = "2023";

// The one call into the engine, made as the gateway's extract builder makes
// it (default [secret_statistique] configuration). A rename of the engine's
// entry point is a change here only.
absl::StatusOr<policy::sdc::Release> ReleaseThroughEngine(
    const std::string& commune, const gateway::BasesByPeriod& bases,
    const policy::Scope& scope, const policy::sdc::ReleaseMemory& memory,
    const std::string& base_version);

// The criteria's parameters: the gateway's defaults, and the documented
// default minimum width of an excluded territory's interval. With
// CTG_ATTACK_CATALOGUE_ONLY set, the reader uses only the relations the
// catalogue declares (to tell which breaches come from the others).
Criteria DefaultCriteria();

struct Counts {
  int64_t tables = 0, releases = 0, refused = 0, published = 0, masked = 0,
          excluded = 0;
  int64_t targets = 0, lp_solves = 0;
  std::map<std::string, int64_t>
      breaches;                       // by criterion (and notes, not counted)
  std::vector<std::string> examples;  // the first breaches, with their context
  int64_t max_examples = 25;
  int64_t total_breaches() const;
};
std::ostream& operator<<(std::ostream& os, const Counts& c);

// Everything one commune receives from one base, then the reader's judgement.
// Failures (engine errors other than a refusal, model errors) are reported
// with ADD_FAILURE naming `context`.
class Session {
 public:
  Session(std::string commune, std::shared_ptr<const statbase::Base> base,
          Counts& counts);

  bool ok() const { return model_.has_value(); }

  // Releases `scope` and records it; a refusal (FailedPrecondition) releases
  // nothing and is counted (with CTG_ATTACK_REFUSALS set, its message is
  // printed). False on any other error. With CTG_ATTACK_DUMP set, prints
  // every released cell (to replay a seed).
  bool Request(const policy::Scope& scope, const std::string& context);

  // The breaches of everything released so far (also counted).
  std::vector<Breach> Judge(const std::string& context);

 private:
  std::string commune_;
  gateway::BasesByPeriod bases_;
  policy::sdc::ReleaseMemory memory_;
  std::optional<ReaderModel> model_;
  Counts& counts_;
};

}  // namespace ctg::attack

#endif  // CTG_TESTS_ATTACK_ATTACK_SESSION_H_
