// Statistical bases for the attacker, built through the public statbase API
// (BaseBuilder, the importer's back end, with all its checks): a commune, its
// IRIS and QPVs, and the pieces IRIS ∩ QPV, from households simulated one by
// one in each area (an IRIS outside its QPVs, or a piece), so that every sum
// and every relation between indicators holds by construction.
//
// Not thread-safe (one generator per thread); the bases are immutable.
#ifndef CTG_TESTS_ATTACK_RANDOM_BASES_H_
#define CTG_TESTS_ATTACK_RANDOM_BASES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "statbase/base.h"

namespace ctg::attack {

enum Family {
  kIsolated = 0,
  kCoupleWithout = 1,
  kCoupleWith = 2,
  kSingleParent = 3
};

struct Household {
  int family = kIsolated;
  int age_head = 2;           // index in age_head's categories
  std::vector<int> children;  // ages of the dependent children (any age)
  int other_dependants = 0;
  bool rsa = false;
  bool aah = false;
  bool low_income = false;
  bool paje = false;
  int housing_aid = -1;      // index in aid_type, -1: none
  int64_t housing_paid = 0;  // euros paid this month (0: none)
};

// The commune's geography: its IRIS, and its QPVs with the IRIS each
// overlaps (one piece per overlapped IRIS).
struct Layout {
  std::string commune;
  std::vector<std::string> iris;
  std::map<std::string, std::vector<std::string>> qpvs;
};

// Households by area: an IRIS code for the part of the IRIS outside every
// QPV, "<iris>+<qpv>" for a piece.
using AreaHouseholds = std::map<std::string, std::vector<Household>>;

// The base of `layout` for `period` holding `indicators` (codes; every
// territory gets their full grid). InvalidArgument from the builder if the
// households break a rule of the base (a bug of the caller).
absl::StatusOr<std::shared_ptr<const statbase::Base>> AssembleBase(
    const std::string& period, const Layout& layout,
    const AreaHouseholds& households, const std::set<std::string>& indicators);

struct RandomCommune {
  Layout layout;
  std::shared_ptr<const statbase::Base> base;
};

// A random commune: 2-5 IRIS, many of them at 99, 100 or 101 allocataires,
// some small; 0-2 QPVs (a QPV over several IRIS when there is one), some at
// 99-101; benefit rates per area and family type that are often 0 or 1
// (small categories lying wholly inside a sub-population); allocataires and
// at least one sub-population indicator (rsa or low_income), other
// indicators at random.
absl::StatusOr<RandomCommune> GenerateCommune(std::mt19937_64& rng,
                                              const std::string& code,
                                              const std::string& period);

}  // namespace ctg::attack

#endif  // CTG_TESTS_ATTACK_RANDOM_BASES_H_
