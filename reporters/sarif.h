#pragma once
// The findings of an attempt's tiers as SARIF 2.1.0 logs. Two of them (docs/reports.md):
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

// One run per tier that has findings or whose kind is an analysis (clang-tidy, cppcheck, secrets,
// sanitizers: a scan that found nothing is a result too, and closes the alerts of its category), in the
// tiers' order. Each run:
//   tool.driver: the analyzer for clang-tidy and cppcheck (name, informationUri; its version is not in the
//                results model), with autofix-gate (name, version, semanticVersion) as tool.extensions[0];
//                "autofix-gate <kind>" with the gate's version for the gate's own tiers;
//                rules: the reportingDescriptor (sarif_rules.h) of every ruleId its results use, in order
//                of first use;
//   automationDetails.id "<tier name>/": GitHub's category, so two tiers of one tool stay two analyses;
//   originalUriBaseIds: SRCROOT, the repository root every artifact URI is relative to (described; its
//                absolute URI is not part of the results model, and would not hold on a CI runner);
//   invocations: [{executionSuccessful: status is not error}], the tier's reason as an error notification
//                when it is; in the upload log, a warning notification for new findings left out;
//   results, one per finding: ruleId (rule_id_of) and ruleIndex, level (sarif_level), message.text (its
//                message, else its rule id), locations when it has a file ({artifactLocation {uri:
//                sarif_uri(file), uriBaseId "SRCROOT"}, region {startLine, startColumn} with what is
//                known: no end, the results model has none}), partialFingerprints {primaryLocationLineHash:
//                finding_key, "autofixGate/v1": its fingerprint when it has one}, baselineState,
//                properties {severity (the analyzer's word), blocking, detail when it has one}.
// The upload log holds only new findings with a file and a line (the others: a count in the notification),
// at most kSarifMaxResultsPerRun per run (the most severe first) and kSarifMaxRuns runs (those with
// results first, then in the tiers' order).
nlohmann::json sarif_log(const std::vector<TierResult>& tiers, SarifScope scope);

// A repository-relative path as a URI reference: every byte other than ALPHA, DIGIT, "-._~" and "/"
// percent-encoded (so spaces, '#' and '%' survive).
std::string sarif_uri(const std::string& path);

}  // namespace autofix::reporters
