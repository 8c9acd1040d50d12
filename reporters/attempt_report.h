#pragma once
// Renderings of an attempt's result: report.json for tools, junit.xml for CI test readers (GitLab,
// Jenkins, GitHub actions that read JUnit); summary.md for people is reporters/summary.h. Pure: strings out.
#include <string>

#include <nlohmann/json.hpp>

#include "gate/results/attempt_result.h"

namespace autofix::reporters {

nlohmann::json attempt_json(const AttemptResult& result);
nlohmann::json tier_json(const TierResult& tier);
nlohmann::json finding_json(const Finding& finding);
std::string attempt_junit(const AttemptResult& result);

// JSON text that never fails on invalid UTF-8 from test output (it is replaced).
std::string dump_json(const nlohmann::json& j, int indent = 2);

}  // namespace autofix::reporters
