// SPDX-License-Identifier: MIT
#pragma once
// report.json, for tools; junit.xml and autofix-tiers.xml are reporters/junit.h and tiers_junit.h, summary.md
// for people is reporters/summary.h. Pure: strings out.
#include <string>

#include <nlohmann/json.hpp>

#include "gate/results/attempt_result.h"

namespace autofix::reporters {

nlohmann::json attempt_json(const AttemptResult& result);
nlohmann::json tier_json(const TierResult& tier);
nlohmann::json finding_json(const Finding& finding);
// What report.json says of a run that was not accepted: {"verdict", "reason", "failure", "recovery"},
// the last two as in report.json (`autofix-gate plan --json`).
nlohmann::json plan_json(const AttemptResult& result);

// JSON text that never fails on invalid UTF-8 from test output (it is replaced).
std::string dump_json(const nlohmann::json& j, int indent = 2);

}  // namespace autofix::reporters
