// SPDX-License-Identifier: MIT
#pragma once
// The lanes a change runs in (docs/configuration.md, "Lanes"): docs builds nothing, standard builds and
// runs the tiers listed for it, heavy reconfigures the build and runs every tier.
#include "gate/util/enum_table.h"

namespace autofix {

enum class Lane { docs, standard, heavy };

inline constexpr auto kLanes =
    enum_table<Lane>({{Lane::docs, "docs"}, {Lane::standard, "standard"}, {Lane::heavy, "heavy"}});

inline const char* to_string(Lane lane) noexcept { return kLanes.c_name_of(lane); }
// Written into JSON by its name, never as nlohmann's default number.
template <typename Json>
void to_json(Json& j, Lane lane) {
  j = to_string(lane);
}

}  // namespace autofix
