#pragma once
// Renderings of an attempt's result: report.json for tools, summary.md for people (junit.xml: junit.h).
// Pure: strings out.
#include <string>

#include <nlohmann/json.hpp>

#include "gate/results/attempt_result.h"

namespace autofix::reporters {

nlohmann::json attempt_json(const AttemptResult& result);
nlohmann::json tier_json(const TierResult& tier);
nlohmann::json finding_json(const Finding& finding);
std::string attempt_summary(const AttemptResult& result);

// JSON text that never fails on invalid UTF-8 from test output (it is replaced).
std::string dump_json(const nlohmann::json& j, int indent = 2);

}  // namespace autofix::reporters
