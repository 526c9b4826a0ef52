// Deterministic synthetic statistical bases (library behind ctg-synth).
//
// Households (allocataires) are simulated one by one in the finest pieces of
// the territory (the part of an IRIS inside a QPV, and the rest of the IRIS),
// then summed up to IRIS, QPVs and communes, so every figure is consistent
// with every other by construction. The same seed, mode, communes and period
// always give the same Base (and so the same CSV bytes and digest) on a given
// platform: the simulation uses its own pseudo-random generator, no
// std::*_distribution.
//
// Thread-safe (no shared state).
#ifndef CTG_TOOLS_CTG_SYNTH_SYNTH_H_
#define CTG_TOOLS_CTG_SYNTH_SYNTH_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "statbase/base.h"

namespace ctg::synth {

inline constexpr uint64_t kDefaultSeed = 42;
inline constexpr int kDefaultNationalCommunes = 35'000;
// Most communes the national mode can code (999 per metropolitan
// department, 99 per overseas one).
inline constexpr int kMaxNationalCommunes = 96 * 999 + 5 * 99;

// The demo: Le Bouscat (33069) with 12 IRIS (330690101 to 330690112, one of
// them under 100 allocataires) and the QPV "Champ de courses" (QN03302M)
// overlapping two of them, and Eysines (33162) with 10 IRIS. About 4,350
// allocataires in Le Bouscat (population couverte 42.6 % of 23,500
// inhabitants). InvalidArgument for a bad period.
absl::StatusOr<statbase::Base> GenerateDemo(uint64_t seed,
                                            absl::string_view period);

// A national-size base: `communes` communes over the 101 departments
// (35,000 give about 48,000 IRIS and 630 QPVs), every indicator of the
// catalogue. InvalidArgument for a bad period or communes outside
// [1, kMaxNationalCommunes].
absl::StatusOr<statbase::Base> GenerateNational(uint64_t seed, int communes,
                                                absl::string_view period);

}  // namespace ctg::synth

#endif  // CTG_TOOLS_CTG_SYNTH_SYNTH_H_
