// SPDX-License-Identifier: MIT
#pragma once
// The report of a post-accept health check (docs/rollback.md#health): report.json and the text it prints.
#include <string>

#include <nlohmann/json.hpp>

#include "gate/results/health_result.h"

namespace autofix::reporters {

nlohmann::json health_json(const HealthResult& r);
std::string health_text(const HealthResult& r);

}  // namespace autofix::reporters
