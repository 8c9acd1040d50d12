// SPDX-License-Identifier: MIT
#include "gate/results/tier_kind.h"

#include <iterator>

namespace autofix {

namespace {

constexpr bool rows_in_enum_order() {
  for (std::size_t i = 0; i < std::size(kTierKindRows); ++i)
    if (static_cast<std::size_t>(kTierKindRows[i].kind) != i) return false;
  return true;
}
static_assert(rows_in_enum_order(), "kTierKindRows lists each TierKind once, in the order of the enum");

}  // namespace

const TierKindRow& row_of(TierKind kind) noexcept { return kTierKindRows[static_cast<std::size_t>(kind)]; }

const char* to_string(TierKind kind) noexcept { return kTierKinds.c_name_of(kind); }

}  // namespace autofix
