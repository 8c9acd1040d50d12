#pragma once
// The static-analysis results of an attempt as SARIF 2.1.0, the format code-scanning services read
// (GitHub code scanning, GitLab, Azure DevOps). Pure: a JSON document out of the results model.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/results/attempt_result.h"

namespace autofix::reporters {

// One run per tier that has findings or whose kind is clang-tidy, cppcheck, secrets or sanitizers (an
// analysis that found nothing is a result too), in the tiers' order. Each run:
//   tool.driver: name ("clang-tidy", "cppcheck", or "autofix-gate <kind>" for the gate's own checks),
//                informationUri for the external analyzers, rules: every ruleId its results use, in order
//                of first use, each {id, shortDescription.text = id};
//   automationDetails.id "<tier name>/": two tiers of one tool stay two distinct analyses;
//   invocations: [{executionSuccessful: status is not error}] plus the tier's reason as an error
//                notification when it is;
//   results, one per finding: ruleId and ruleIndex (when it has a rule), level (error, warning, note;
//   anything else is warning), message.text (its message, else its rule), locations (when it has a file:
//   artifactLocation {uri: the path percent-encoded, uriBaseId "SRCROOT"}, region {startLine,
//   startColumn} with what is known), partialFingerprints {"autofixGate/v1": fingerprint} when it has one,
//   baselineState (its state: new, unchanged or absent), properties.detail when it has one.
nlohmann::json sarif_log(const std::vector<TierResult>& tiers);

// A repository-relative path as a URI reference: every byte other than ALPHA, DIGIT, "-._~" and "/"
// percent-encoded (so spaces, '#' and '%' survive).
std::string sarif_uri(const std::string& path);

}  // namespace autofix::reporters
