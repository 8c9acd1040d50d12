// SPDX-License-Identifier: MIT
#pragma once
// The new findings of an attempt as a GitLab Code Quality report (gl-code-quality-report.json), the
// subset of the CodeClimate format GitLab reads from `artifacts:reports:codequality` and shows in the
// merge request widget and diff (docs/reports.md). Pure: a JSON document out of the results model.
#include <nlohmann/json.hpp>

#include "gate/results/attempt_result.h"

namespace autofix::reporters {

// A JSON array with one object per new finding of a clang-tidy, cppcheck, secrets or sanitizers tier
// that has a file and a line (GitLab requires both) and whose path is UTF-8 (JSON cannot hold other bytes,
// and a path with replaced bytes names no file), in the tiers' order:
//   description  its message (its rule when it has none), sanitizer details left out;
//   check_name   "<tier kind>/<rule>" ("cppcheck/shadowFunction"): unique across the analyzers;
//   fingerprint  finding_key(): stable across pipelines; GitLab shows findings with equal ones as one;
//   severity     from the analyzer's own word (code_quality_severity);
//   location     {path: the repository-relative path, lines: {begin: its line}}.
// Unchanged and absent findings, and findings of ctest and command tiers (test results, not code quality),
// are left out.
nlohmann::json code_quality_report(const std::vector<TierResult>& tiers);

// GitLab's severity (info, minor, major, critical, blocker) of a finding with the analyzer's word
// `severity` (gate/results/severity.h) in a tier of `kind`:
//   secrets  error: blocker (a live credential must not be merged), any other word (a Stripe test-mode
//            key's warning): major;
//   others   by severity_class: error: critical, warning: major, style (cppcheck style, performance,
//            portability): minor, any (information, remark, note): info. Sanitizer reports are errors:
//            critical. A word nobody knows counts as error (severity.h).
const char* code_quality_severity(TierKind kind, const std::string& severity);

}  // namespace autofix::reporters
