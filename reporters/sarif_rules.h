// SPDX-License-Identifier: MIT
#pragma once
// What a SARIF log says about each rule (a reportingDescriptor): the part of SARIF that GitHub code
// scanning shows beside every alert. GitHub's "SARIF support for code scanning" requires id,
// shortDescription, fullDescription (each at most 1024 characters) and help.text, and reads help.markdown,
// helpUri, properties.tags (at most 20 kept), properties.precision (very-high, high, medium, low),
// properties.problem.severity (error, warning, recommendation) and, for rules tagged "security",
// properties.security-severity (a number from 0.1 to 10.0, written as a string). Pure: JSON out of a
// tier kind, a rule id and the severities the analyzer gave its findings; the tables of what is known
// about each analyzer's rules live in sarif_rules.cpp and docs/reports.md.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gate/results/tier_kind.h"

namespace autofix::reporters {

// The reportingDescriptor of `rule_id` reported by a tier of `kind`. `severity` is the analyzer's own word
// for the most severe finding of the rule (gate/results/severity.h); it sets problem.severity, and for
// secrets the security-severity. An empty `rule_id` is not allowed: results without a rule of their own
// use rule_id_of() below.
nlohmann::json sarif_rule(TierKind kind, const std::string& rule_id, std::string_view severity);

// The one rule of the tests run (sarif.h): a test the change broke, reported at its first failing assertion.
inline constexpr const char* kTestRegressionRule = "test-regression";
nlohmann::json sarif_test_regression_rule();

// The rule id a finding is reported under: its own, or the tier kind's name for a finding without one
// (GitHub needs every result to name a rule that has its descriptions).
std::string rule_id_of(TierKind kind, const std::string& rule);

// Where clang-tidy documents a check: https://clang.llvm.org/extra/clang-tidy/checks/<group>/<name>.html
// for the groups clang-tidy ships (clang-analyzer-* included), clang's diagnostics reference for a
// compiler warning (clang-diagnostic-<flag>); nothing for a compile error (clang-diagnostic-error), a
// check of a group clang-tidy does not ship (a plugin's) or a name with characters no check has.
std::optional<std::string> clang_tidy_help_uri(std::string_view check);

// The GitHub security-severity of a secret or a sanitizer report, as written into the rule ("9.5");
// nothing for the other kinds, which are not security rules.
std::optional<std::string> security_severity(TierKind kind, std::string_view rule_id, std::string_view severity);

}  // namespace autofix::reporters
