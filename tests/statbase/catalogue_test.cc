#include "statbase/catalogue.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg::statbase {
namespace {

TEST(CatalogueTest, Placeholder) { EXPECT_GT(CellCount(), 0); }

}  // namespace
}  // namespace ctg::statbase
