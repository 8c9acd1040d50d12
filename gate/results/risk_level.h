// SPDX-License-Identifier: MIT
#pragma once
// How risky a change is (docs/configuration.md, "Risk levels"), least risky first: the order is the rank.
#include "gate/util/enum_table.h"

namespace autofix {

enum class RiskLevel { normal, high, critical };

inline constexpr auto kRiskLevels = enum_table<RiskLevel>(
    {{RiskLevel::normal, "normal"}, {RiskLevel::high, "high"}, {RiskLevel::critical, "critical"}});

inline const char* to_string(RiskLevel level) noexcept { return kRiskLevels.c_name_of(level); }
// Written into JSON by its name, never as nlohmann's default number.
template <typename Json>
void to_json(Json& j, RiskLevel level) {
  j = to_string(level);
}

}  // namespace autofix
