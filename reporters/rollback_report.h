// SPDX-License-Identifier: MIT
#pragma once
// The reports of an emergency rollback (docs/rollback.md): report.json for machines, rollback-report.md
// for people, and the plan a dry run prints.
#include <string>

#include <nlohmann/json.hpp>

#include "gate/results/rollback_result.h"

namespace autofix::reporters {

nlohmann::json rollback_json(const RollbackResult& r);
std::string rollback_markdown(const RollbackResult& r);
// What `rollback --dry-run` prints: the level, what it undoes, the files it would change.
std::string rollback_plan_text(const RollbackResult& r);

}  // namespace autofix::reporters
