// "Did you mean ...?" for mistyped commands and flags. Thread-safe (pure).
#ifndef CTG_CLI_SUGGEST_H_
#define CTG_CLI_SUGGEST_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace ctg::cli {

// Edit distance between `a` and `b` (insertions, deletions, substitutions
// and transpositions of adjacent characters, each costing 1).
size_t EditDistance(absl::string_view a, absl::string_view b);

// The candidate closest to `word` when it is close enough to be a typo
// (distance at most 1 for words up to 4 characters, 2 up to 8, 3 beyond),
// or the only candidate `word` is a prefix of; "" when none.
std::string Suggest(absl::string_view word,
                    const std::vector<std::string>& candidates);

}  // namespace ctg::cli

#endif  // CTG_CLI_SUGGEST_H_
