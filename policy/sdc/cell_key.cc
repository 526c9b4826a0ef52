#include "policy/sdc/cell_key.h"

#include "absl/strings/str_cat.h"

namespace ctg::policy::sdc {

std::string CellKey::ToString() const {
  if (breakdown.empty())
    return absl::StrCat(territory, "/", period, "/", indicator);
  return absl::StrCat(territory, "/", period, "/", indicator, "/", breakdown,
                      "=", category);
}

}  // namespace ctg::policy::sdc
