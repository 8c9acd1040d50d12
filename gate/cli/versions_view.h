// SPDX-License-Identifier: MIT
#pragma once
// Text and JSON renderings of `autofix-gate versions` (docs/rollback.md#versions). Pure formatting.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/policy/known_good.h"

namespace autofix::cli {

// One line per commit, newest first: commit, date, what made it green (or its latest judgment), tags,
// autofix commits after it; `last-green` marks the newest green one.
std::string versions_text(const std::vector<KnownVersion>& versions);
nlohmann::json versions_json(const std::vector<KnownVersion>& versions);

}  // namespace autofix::cli
