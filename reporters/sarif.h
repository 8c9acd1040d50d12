// SPDX-License-Identifier: MIT
#pragma once
// The test regressions and the findings of an attempt's tiers as SARIF 2.1.0 logs. Two of them (docs/reports.md):
//   autofix.sarif       upload-ready for GitHub code scanning, following "SARIF support for code scanning":
//                       only what the change introduced (baselineState "new"; GitHub ignores baselineState
//                       and would open an alert for every result), each with a file and a line;
//   autofix-full.sarif  every finding, new, unchanged and absent, with its baselineState, for tools that
//                       read it.
// Pure: a JSON document out of the results model. Rule metadata comes from sarif_rules.h.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/results/attempt_result.h"

namespace autofix::reporters {

enum class SarifScope { upload, full };

// GitHub rejects a file with more runs, or a run with more results (docs "SARIF support for code
// scanning", "Validating your SARIF file").
inline constexpr size_t kSarifMaxRuns = 20;
inline constexpr size_t kSarifMaxResultsPerRun = 25000;

// First, once tests ran, the tests run: one result per test regression (AttemptResult::regressions()):
//   tool.driver "autofix-gate tests" with the gate's version; rules: the one rule "test-regression"
//                (sarif_test_regression_rule()) when there is a result;
//   automationDetails.id "autofix-gate/tests/" (no tier can have it: tier names hold no '/');
//   results: ruleId "test-regression", level error, message.text the regression's reason (the test's name
//                and how its runs went) and, on the next line, its first failing assertion's message;
//                locations at the first failing assertion when it is inside the repository and has a line,
//                else where the test is defined (the same conditions), else (full log only) a file of either
//                without a line, else none (a region of the whole line when its excerpt holds it:
//                sarif_region.h); partialFingerprints {primaryLocationLineHash: regression_key(test)}:
//                the test's identity, not a line, so an alert survives line shifts; baselineState "new";
//                properties {test, ctest_test, case, transition, detail: its output}.
// Then one run per tier that has findings or whose kind is an analysis (clang-tidy, cppcheck, secrets,
// sanitizers: a scan that found nothing is a result too, and closes the alerts of its category), in the
// tiers' order, except ctest tiers, whose findings are the regressions of the tests run. Each run:
//   tool.driver: the analyzer for clang-tidy and cppcheck (name, informationUri; its version is not in the
//                results model), with autofix-gate (name, version, semanticVersion) as tool.extensions[0];
//                "autofix-gate <kind>" with the gate's version for the gate's own tiers;
//                rules: the reportingDescriptor (sarif_rules.h) of every ruleId its results use, in order
//                of first use;
//   automationDetails.id "<tier name>/": GitHub's category, so two tiers of one tool stay two analyses;
//   columnKind "utf16CodeUnits" (every run, the tests run too): SARIF's default, said;
//   originalUriBaseIds: SRCROOT, the repository root every artifact URI is relative to (described; its
//                absolute URI is not part of the results model, and would not hold on a CI runner);
//   invocations: [{executionSuccessful: status is not error}], the tier's reason as an error notification
//                when it is; in the upload log, a warning notification for new findings left out;
//   results, one per finding: ruleId (rule_id_of) and ruleIndex, level (sarif_level), message.text (its
//                message, else its rule id), locations when it has a file ({artifactLocation {uri:
//                sarif_uri(file), uriBaseId "SRCROOT"}, region and contextRegion: sarif_region.h}),
//                partialFingerprints {primaryLocationLineHash:
//                finding_key, "autofixGate/v1": its fingerprint when it has one}, baselineState,
//                properties {severity (the analyzer's word), blocking, detail when it has one}.
// The upload log holds only new findings and regressions with a file and a line (the others: a count in a
// warning notification of the run's invocation), at most kSarifMaxResultsPerRun per run (the most severe
// first) and kSarifMaxRuns runs (those with results first, then in the order above).
nlohmann::json sarif_log(const AttemptResult& result, SarifScope scope);

// A repository-relative path as a URI reference: every byte other than ALPHA, DIGIT, "-._~" and "/"
// percent-encoded (so spaces, '#' and '%' survive).
std::string sarif_uri(const std::string& path);

}  // namespace autofix::reporters
