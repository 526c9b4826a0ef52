#include "tests/policy/sdc/rank_check.h"

#include <cstdint>
#include <map>
#include <utility>

namespace ctg::policy::sdc::testing {
namespace {

constexpr int64_t kP = 2147483647;  // 2^31 - 1

int64_t Inverse(int64_t a) {  // a^(p-2) mod p
  int64_t r = 1, e = kP - 2;
  a %= kP;
  while (e > 0) {
    if (e & 1) r = r * a % kP;
    a = a * a % kP;
    e >>= 1;
  }
  return r;
}

// Row-echelon basis of a subspace of GF(p)^n, keyed by pivot position.
class Echelon {
 public:
  explicit Echelon(size_t n) : n_(n) {}
  // Reduces v; returns true if it was in the span (then v is all zero).
  bool Reduce(std::vector<int64_t>& v) const {
    for (const auto& [pivot, row] : rows_) {
      if (v[pivot] == 0) continue;
      const int64_t f = v[pivot];
      for (size_t i = 0; i < n_; ++i)
        v[i] = ((v[i] - f * row[i]) % kP + kP) % kP;
    }
    for (int64_t x : v) {
      if (x != 0) return false;
    }
    return true;
  }
  void Add(std::vector<int64_t> v) {
    if (Reduce(v)) return;
    size_t pivot = 0;
    while (v[pivot] == 0) ++pivot;
    const int64_t inv = Inverse(v[pivot]);
    for (int64_t& x : v) x = x * inv % kP;
    for (auto& [p, row] : rows_) {  // keep the basis fully reduced
      if (row[pivot] == 0) continue;
      const int64_t f = row[pivot];
      for (size_t i = 0; i < n_; ++i)
        row[i] = ((row[i] - f * v[i]) % kP + kP) % kP;
    }
    rows_.emplace(pivot, std::move(v));
  }

 private:
  size_t n_;
  std::map<size_t, std::vector<int64_t>> rows_;
};

}  // namespace

std::vector<std::string> DerivableMaskedCells(const TableModel& model,
                                              const Release& release,
                                              const ReleaseMemory& memory,
                                              const SdcConfig& config) {
  std::map<CellKey, CellStatus> status;
  for (const ReleasedCell& c : release.cells) status[c.key] = c.status;
  std::vector<std::string> out;
  for (size_t bi = 0; bi < model.blocks.size(); ++bi) {
    const Block& b = model.blocks[bi];
    const size_t n = static_cast<size_t>(b.num_rows);
    Echelon known(n);
    auto column = [&](const Cell& c) {
      std::vector<int64_t> v(n, 0);
      for (int32_t r : c.rows) v[r - b.first_row] = 1;
      return v;
    };
    for (const Identity& id : model.identities) {
      if (id.block != static_cast<int32_t>(bi)) continue;
      std::vector<int64_t> v(n, 0);
      for (int32_t r : id.plus) v[r - b.first_row] = 1;
      for (int32_t r : id.minus) v[r - b.first_row] = kP - 1;
      known.Add(std::move(v));
    }
    std::vector<const Cell*> protect;
    for (int32_t ci = b.first_cell; ci < b.first_cell + b.num_cells; ++ci) {
      const Cell& c = model.cells[ci];
      const MemoryEntry* e = memory.Find(c.key);
      auto s = status.find(c.key);
      const bool published =
          (s != status.end() && s->second == CellStatus::kPublished) ||
          (e != nullptr && e->state == MemoryEntry::State::kPublished);
      if (published) {
        known.Add(column(c));
        continue;
      }
      const bool masked =
          (s != status.end()) ||
          (e != nullptr && e->state == MemoryEntry::State::kMasked) ||
          ClassifyPrimary(c, b, config) != PrimaryReason::kNone;
      if (masked && c.value > 0) protect.push_back(&c);
    }
    for (const Cell* c : protect) {
      std::vector<int64_t> v = column(*c);
      if (known.Reduce(v)) out.push_back(c->key.ToString());
    }
  }
  return out;
}

}  // namespace ctg::policy::sdc::testing
