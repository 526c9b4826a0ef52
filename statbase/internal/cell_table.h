// Dense storage of the cells of many territories, grown in blocks so that
// adding territories never copies what is stored (no reallocation peak while
// parsing a national file). Internal to statbase. Not thread-safe for writes.
#ifndef CTG_STATBASE_INTERNAL_CELL_TABLE_H_
#define CTG_STATBASE_INTERNAL_CELL_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace ctg::statbase::internal {

// counts: one uint32 per (territory, cell), kUnset until set.
// amounts: one int64 per (territory, amount cell), 0 until set.
class CellTable {
 public:
  static constexpr uint32_t kUnset = 0xFFFFFFFFu;
  static constexpr size_t kBlockTerritories = 1024;

  CellTable(size_t cells, size_t amount_cells)
      : cells_(cells), amount_cells_(amount_cells) {}

  CellTable(CellTable&&) = default;
  CellTable& operator=(CellTable&&) = default;
  CellTable(const CellTable&) = delete;
  CellTable& operator=(const CellTable&) = delete;

  // Makes room for territory index `t` (and every index below it).
  void Grow(size_t t) {
    while (t >= count_blocks_.size() * kBlockTerritories) {
      auto counts = std::make_unique_for_overwrite<uint32_t[]>(
          kBlockTerritories * cells_);
      for (size_t i = 0; i < kBlockTerritories * cells_; ++i) {
        counts[i] = kUnset;
      }
      count_blocks_.push_back(std::move(counts));
      amount_blocks_.push_back(
          std::make_unique<int64_t[]>(kBlockTerritories * amount_cells_));
    }
  }

  uint32_t& count(size_t t, size_t cell) {
    return count_blocks_[t / kBlockTerritories]
                        [(t % kBlockTerritories) * cells_ + cell];
  }
  uint32_t count(size_t t, size_t cell) const {
    return count_blocks_[t / kBlockTerritories]
                        [(t % kBlockTerritories) * cells_ + cell];
  }
  int64_t& amount(size_t t, size_t slot) {
    return amount_blocks_[t / kBlockTerritories]
                         [(t % kBlockTerritories) * amount_cells_ + slot];
  }
  int64_t amount(size_t t, size_t slot) const {
    return amount_blocks_[t / kBlockTerritories]
                         [(t % kBlockTerritories) * amount_cells_ + slot];
  }

  size_t memory_bytes() const {
    return count_blocks_.size() * kBlockTerritories *
           (cells_ * sizeof(uint32_t) + amount_cells_ * sizeof(int64_t));
  }

 private:
  size_t cells_;
  size_t amount_cells_;
  std::vector<std::unique_ptr<uint32_t[]>> count_blocks_;
  std::vector<std::unique_ptr<int64_t[]>> amount_blocks_;
};

}  // namespace ctg::statbase::internal

#endif  // CTG_STATBASE_INTERNAL_CELL_TABLE_H_
