#include "policy/sdc/internal/gauss_eliminator.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace ctg::policy::sdc::internal {
namespace {

template <typename T>
T Abs(T v) {
  return v < 0 ? -v : v;
}

template <typename T>
T Gcd(T a, T b) {
  a = Abs(a);
  b = Abs(b);
  while (b != 0) {
    T t = a % b;
    a = b;
    b = t;
  }
  return a;
}

template <typename T>
struct Column {
  std::vector<int32_t> rows;
  std::vector<T> vals;
  bool empty() const { return rows.empty(); }
};

template <typename T>
class Eliminator {
 public:
  Eliminator(const GaussProblem& p, SingletonMethod method)
      : p_(p), method_(method), row_cols_(p.num_rows) {
    const size_t nc = p.candidates.size();
    cols_.resize(nc + p.primaries.size());
    for (size_t i = 0; i < cols_.size(); ++i) {
      const auto& src = i < nc ? p.candidates[i] : p.primaries[i - nc];
      const auto& vals = i < nc ? p.candidate_values : p.primary_values;
      const size_t k = i < nc ? i : i - nc;
      cols_[i].rows = src;
      if (k < vals.size()) {
        cols_[i].vals.assign(vals[k].begin(), vals[k].end());
        Normalize(&cols_[i]);
      } else {
        cols_[i].vals.assign(src.size(), T(1));
      }
      for (int32_t r : src) row_cols_[r].push_back(static_cast<int32_t>(i));
    }
    live_.assign(cols_.size(), true);
    primary_hash_.assign(p.primaries.size(), 0);
    for (size_t k = 0; k < p.primaries.size(); ++k) InsertPrimary(nc + k);
  }

  // Returns false on overflow.
  bool Run(GaussResult* out) {
    const int32_t nc = static_cast<int32_t>(p_.candidates.size());
    out->secondary.assign(nc, false);
    for (int32_t j = 0; j < nc; ++j) {
      if (j == p_.num_forced) CollectUnsafe(out);
      live_[j] = false;  // decided now; never modified again
      Column<T>& c = cols_[j];
      if (c.empty()) continue;  // derivable from published cells: publish
      const bool forced = j < p_.num_forced;
      if (!forced) {
        if (method_ == SingletonMethod::kAnySum && OnSingletonsOnly(c)) {
          out->secondary[j] = true;
          continue;
        }
        if (RevealsPrimary(c)) {
          out->secondary[j] = true;
          continue;
        }
      }
      if (!Eliminate(j)) return false;
    }
    if (p_.num_forced >= nc) CollectUnsafe(out);
    return true;
  }

 private:
  bool IsSingleton(int32_t r) const {
    return !p_.singleton_row.empty() && p_.singleton_row[r];
  }

  bool OnSingletonsOnly(const Column<T>& c) const {
    for (int32_t r : c.rows) {
      if (!IsSingleton(r)) return false;
    }
    return true;
  }

  void CollectUnsafe(GaussResult* out) {
    if (unsafe_collected_) return;
    unsafe_collected_ = true;
    const size_t nc = p_.candidates.size();
    for (size_t k = 0; k < p_.primaries.size(); ++k) {
      if (cols_[nc + k].empty())
        out->unsafe_primaries.push_back(static_cast<int32_t>(k));
    }
  }

  // Hash of the canonical form (first value positive; columns are kept with
  // coprime entries, so that is unique up to proportionality).
  static uint64_t CanonicalHash(const Column<T>& c) {
    const bool flip = !c.vals.empty() && c.vals[0] < 0;
    uint64_t h = absl::HashOf(c.rows);
    for (T v : c.vals) {
      const T w = flip ? -v : v;
      h = absl::HashOf(h, static_cast<int64_t>(w),
                       static_cast<int64_t>(w >> 63 >> 1));
    }
    return h;
  }

  static bool Proportional(const Column<T>& a, const Column<T>& b) {
    if (a.rows != b.rows) return false;
    const bool fa = a.vals[0] < 0, fb = b.vals[0] < 0;
    for (size_t i = 0; i < a.vals.size(); ++i) {
      if ((fa ? -a.vals[i] : a.vals[i]) != (fb ? -b.vals[i] : b.vals[i]))
        return false;
    }
    return true;
  }

  void InsertPrimary(size_t id) {
    const size_t k = id - p_.candidates.size();
    if (cols_[id].empty()) return;
    primary_hash_[k] = CanonicalHash(cols_[id]);
    primary_index_[primary_hash_[k]].push_back(static_cast<int32_t>(id));
  }

  void ErasePrimary(size_t id) {
    const size_t k = id - p_.candidates.size();
    auto it = primary_index_.find(primary_hash_[k]);
    if (it == primary_index_.end()) return;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), static_cast<int32_t>(id)), v.end());
    if (v.empty()) primary_index_.erase(it);
  }

  bool RevealsPrimary(const Column<T>& c) const {
    auto it = primary_index_.find(CanonicalHash(c));
    if (it == primary_index_.end()) return false;
    for (int32_t id : it->second) {
      if (Proportional(c, cols_[id])) return true;
    }
    return false;
  }

  int32_t ChoosePivot(const Column<T>& c) const {
    int32_t best = -1;
    size_t best_load = 0;
    bool best_single = true;
    for (int32_t r : c.rows) {
      const bool single = IsSingleton(r);
      const size_t load = row_cols_[r].size();
      if (best < 0 || (best_single && !single) ||
          (single == best_single && load < best_load)) {
        best = r;
        best_load = load;
        best_single = single;
      }
    }
    return best;
  }

  static T ValueAt(const Column<T>& c, int32_t r, bool* found) {
    auto it = std::lower_bound(c.rows.begin(), c.rows.end(), r);
    *found = it != c.rows.end() && *it == r;
    return *found ? c.vals[it - c.rows.begin()] : T(0);
  }

  // target <- (p/g) target - (a/g) pivot, then divide by the gcd. False on
  // overflow. Appends rows new to target to the inverted index.
  bool Combine(int32_t target_id, const Column<T>& piv, T p, T a) {
    Column<T>& t = cols_[target_id];
    const T g = Gcd(a, p);
    const T mt = p / g, mp = a / g;
    scratch_.rows.clear();
    scratch_.vals.clear();
    size_t i = 0, k = 0;
    while (i < t.rows.size() || k < piv.rows.size()) {
      int32_t r;
      T v = 0, x = 0, y = 0;
      if (k >= piv.rows.size() ||
          (i < t.rows.size() && t.rows[i] < piv.rows[k])) {
        r = t.rows[i];
        x = t.vals[i++];
      } else if (i >= t.rows.size() || piv.rows[k] < t.rows[i]) {
        r = piv.rows[k];
        y = piv.vals[k++];
        row_cols_[r].push_back(target_id);  // fill-in (may become stale)
      } else {
        r = t.rows[i];
        x = t.vals[i++];
        y = piv.vals[k++];
      }
      T u, w;
      if (__builtin_mul_overflow(x, mt, &u) ||
          __builtin_mul_overflow(y, mp, &w) ||
          __builtin_sub_overflow(u, w, &v)) {
        return false;
      }
      if (v != 0) {
        scratch_.rows.push_back(r);
        scratch_.vals.push_back(v);
      }
    }
    Normalize(&scratch_);
    // Copy rather than swap: swapping would hand the scratch buffer's large
    // capacity to one column after another (gigabytes on national tables).
    if (t.rows.capacity() > 2 * scratch_.rows.size() + 16) {
      std::vector<int32_t>().swap(t.rows);
      std::vector<T>().swap(t.vals);
    }
    t.rows.assign(scratch_.rows.begin(), scratch_.rows.end());
    t.vals.assign(scratch_.vals.begin(), scratch_.vals.end());
    return true;
  }

  // Publishes candidate j: pivots on one of its rows and clears that row from
  // every live column (later candidates and primaries).
  bool Eliminate(int32_t j) {
    const Column<T>& piv = cols_[j];
    const int32_t r = ChoosePivot(piv);
    bool found = false;
    const T p = ValueAt(piv, r, &found);
    const size_t nc = p_.candidates.size();
    std::vector<int32_t> ids;
    ids.swap(row_cols_[r]);
    for (int32_t id : ids) {
      if (id == j || !live_[id]) continue;
      const T a = ValueAt(cols_[id], r, &found);
      if (!found) continue;  // stale index entry
      const bool is_primary = static_cast<size_t>(id) >= nc;
      if (is_primary) ErasePrimary(id);
      if (!Combine(id, piv, p, a)) return false;
      if (is_primary) InsertPrimary(id);
    }
    return true;
  }

  // Divides by the gcd of the entries (columns are kept coprime).
  static void Normalize(Column<T>* c) {
    T d = 0;
    for (T v : c->vals) d = Gcd(d, v);
    if (d > 1) {
      for (T& v : c->vals) v /= d;
    }
  }

  const GaussProblem& p_;
  SingletonMethod method_;
  std::vector<Column<T>> cols_;
  std::vector<bool> live_;
  std::vector<std::vector<int32_t>> row_cols_;
  std::vector<uint64_t> primary_hash_;
  absl::flat_hash_map<uint64_t, std::vector<int32_t>> primary_index_;
  Column<T> scratch_;
  bool unsafe_collected_ = false;
};

absl::Status CheckColumns(const std::vector<std::vector<int32_t>>& cols,
                          const std::vector<std::vector<int64_t>>& vals,
                          int32_t num_rows, const char* what) {
  if (!vals.empty() && vals.size() != cols.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " values: wrong count"));
  }
  for (size_t i = 0; i < cols.size(); ++i) {
    if (!vals.empty() && (vals[i].size() != cols[i].size() ||
                          std::count(vals[i].begin(), vals[i].end(), 0) > 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, " column ", i, ": values must be non-zero, one per row"));
    }
    for (size_t k = 0; k < cols[i].size(); ++k) {
      const int32_t r = cols[i][k];
      if (r < 0 || r >= num_rows || (k > 0 && r <= cols[i][k - 1])) {
        return absl::InvalidArgumentError(absl::StrCat(
            what, " column ", i, ": rows out of range or unsorted"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<GaussResult> RunGauss(const GaussProblem& problem,
                                     SingletonMethod method) {
  if (absl::Status s =
          CheckColumns(problem.candidates, problem.candidate_values,
                       problem.num_rows, "candidate");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckColumns(problem.primaries, problem.primary_values,
                                    problem.num_rows, "primary");
      !s.ok()) {
    return s;
  }
  if (!problem.singleton_row.empty() &&
      static_cast<int32_t>(problem.singleton_row.size()) != problem.num_rows) {
    return absl::InvalidArgumentError("singleton_row has the wrong size");
  }
  GaussResult result;
  {
    Eliminator<int64_t> e(problem, method);
    if (e.Run(&result)) return result;
  }
  result = GaussResult{};
  result.used_wide_integers = true;
  Eliminator<__int128> wide(problem, method);
  if (wide.Run(&result)) return result;
  return absl::OutOfRangeError(
      "secondary suppression: exact integer arithmetic overflowed 128 bits");
}

}  // namespace ctg::policy::sdc::internal
