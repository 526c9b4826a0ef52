#include "policy/sdc/cell_key.h"

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"

namespace ctg::policy::sdc {
namespace {

TEST(CellKeyTest, ToStringNamesAllFields) {
  CellKey total{"33069", "2023", "ALLOC", "", ""};
  CellKey cat{"330690101", "2023", "ALLOC", "family", "single_parent"};
  EXPECT_EQ(total.ToString(), "33069/2023/ALLOC");
  EXPECT_EQ(cat.ToString(), "330690101/2023/ALLOC/family=single_parent");
  EXPECT_TRUE(total.is_total());
  EXPECT_FALSE(cat.is_total());
}

TEST(CellKeyTest, OrderAndHashAreConsistent) {
  CellKey a{"33069", "2023", "ALLOC", "", ""};
  CellKey b = a;
  b.period = "2024";
  EXPECT_LT(a, b);
  absl::flat_hash_set<CellKey> set{a, b, a};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(BlockOf(b), (BlockKey{"ALLOC", "2024"}));
}

}  // namespace
}  // namespace ctg::policy::sdc
