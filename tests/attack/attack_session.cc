#include "tests/attack/attack_session.h"

#include <cstdlib>
#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/config.h"
#include "gtest/gtest.h"

namespace ctg::attack {

namespace sdc = ::ctg::policy::sdc;

absl::StatusOr<sdc::Release> ReleaseThroughEngine(
    const std::string& commune, const gateway::BasesByPeriod& bases,
    const policy::Scope& scope, const sdc::ReleaseMemory& memory,
    const std::string& base_version) {
  return gateway::ProtectScope(
      commune, bases, scope, memory,
      gateway::SdcConfigFrom(gateway::SecretStatistiqueConfig{}), base_version);
}

Criteria DefaultCriteria() {
  const char* catalogue_only = std::getenv("CTG_ATTACK_CATALOGUE_ONLY");
  gateway::SecretStatistiqueConfig config;
  return {
      .territory_threshold = config.rules.territory_threshold,
      .frequency_threshold = config.rules.frequency_threshold,
      .min_excluded_width = config.rules.excluded_min_width,
      .beyond_catalogue = catalogue_only == nullptr || *catalogue_only == '\0'};
}

int64_t Counts::total_breaches() const {
  int64_t n = 0;
  for (const auto& [criterion, k] : breaches) {
    if (criterion.rfind("note-", 0) != 0) n += k;
  }
  return n;
}

std::ostream& operator<<(std::ostream& os, const Counts& c) {
  os << c.tables << " tables, " << c.releases << " releases (" << c.refused
     << " refused), cells " << c.published << " published / " << c.masked
     << " masked / " << c.excluded << " excluded; " << c.targets
     << " figures judged by " << c.lp_solves << " LP solves; "
     << c.total_breaches() << " breaches";
  for (const auto& [criterion, n] : c.breaches)
    os << " " << criterion << "=" << n;
  return os;
}

Session::Session(std::string commune,
                 std::shared_ptr<const statbase::Base> base, Counts& counts)
    : commune_(std::move(commune)), counts_(counts) {
  bases_[kPeriod] = std::move(base);
  auto model =
      ReaderModel::Create(bases_[kPeriod], commune_, DefaultCriteria());
  EXPECT_TRUE(model.ok()) << model.status();
  if (model.ok()) model_.emplace(std::move(*model));
}

bool Session::Request(const policy::Scope& scope, const std::string& context) {
  absl::StatusOr<sdc::Release> release =
      ReleaseThroughEngine(commune_, bases_, scope, memory_, "attack@1");
  if (release.status().code() == absl::StatusCode::kFailedPrecondition) {
    ++counts_.refused;
    if (std::getenv("CTG_ATTACK_REFUSALS") != nullptr) {
      std::cout << "[attack] refused: " << context << ": "
                << release.status().message() << "\n";
    }
    return true;
  }
  if (!release.ok()) {
    ADD_FAILURE() << context << ": " << release.status();
    return false;
  }
  absl::Status recorded = memory_.Record(*release);
  EXPECT_TRUE(recorded.ok()) << context << ": " << recorded;
  absl::Status observed = model_->Observe(*release);
  EXPECT_TRUE(observed.ok()) << context << ": " << observed;
  ++counts_.releases;
  if (std::getenv("CTG_ATTACK_DUMP") != nullptr) {
    std::cout << "[attack] " << context << ": release " << counts_.releases
              << "\n";
    for (const sdc::ReleasedCell& c : release->cells) {
      std::cout << "[attack]   " << c.key.ToString() << " "
                << sdc::CellStatusName(c.status);
      if (c.status == sdc::CellStatus::kPublished) {
        std::cout << " " << (c.amount_block ? c.amount : c.value);
      }
      std::cout << "\n";
    }
  }
  for (const sdc::ReleasedCell& c : release->cells) {
    ++(c.status == sdc::CellStatus::kPublished ? counts_.published
       : c.status == sdc::CellStatus::kMasked  ? counts_.masked
                                               : counts_.excluded);
  }
  return recorded.ok() && observed.ok();
}

std::vector<Breach> Session::Judge(const std::string& context) {
  JudgeStats stats;
  absl::StatusOr<std::vector<Breach>> breaches = model_->Judge(&stats);
  counts_.targets += stats.targets;
  counts_.lp_solves += stats.lp_solves;
  if (!breaches.ok()) {
    ADD_FAILURE() << context << ": " << breaches.status();
    return {};
  }
  for (const Breach& b : *breaches) {
    ++counts_.breaches[b.criterion];
    if (b.criterion.rfind("note-", 0) != 0 &&
        static_cast<int64_t>(counts_.examples.size()) < counts_.max_examples) {
      counts_.examples.push_back(absl::StrCat(context, ": ", b.ToString()));
    }
  }
  return *breaches;
}

}  // namespace ctg::attack
