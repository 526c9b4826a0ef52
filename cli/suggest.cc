#include "cli/suggest.h"

#include <algorithm>

#include "absl/strings/match.h"

namespace ctg::cli {

size_t EditDistance(absl::string_view a, absl::string_view b) {
  // Optimal string alignment: three rows of the dynamic programme.
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1),
      current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min(
          {previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

std::string Suggest(absl::string_view word,
                    const std::vector<std::string>& candidates) {
  if (word.empty()) return "";
  size_t limit = word.size() <= 4 ? 1 : word.size() <= 8 ? 2 : 3;
  std::string best;
  size_t best_distance = limit + 1;
  std::vector<std::string> prefixed;
  for (const std::string& c : candidates) {
    if (c == word) continue;
    size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
    if (absl::StartsWith(c, word) &&
        std::find(prefixed.begin(), prefixed.end(), c) == prefixed.end()) {
      prefixed.push_back(c);
    }
  }
  if (!best.empty()) return best;
  return prefixed.size() == 1 ? prefixed[0] : "";
}

}  // namespace ctg::cli
