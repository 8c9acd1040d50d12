// SPDX-License-Identifier: MIT
#include "reporters/code_quality.h"

#include "gate/results/severity.h"
#include "gate/util/byte_names.h"
#include "reporters/finding_key.h"

namespace autofix::reporters {

using nlohmann::json;

namespace {

bool is_code_quality(TierKind kind) {
  return kind == TierKind::clang_tidy || kind == TierKind::cppcheck || kind == TierKind::secrets ||
         kind == TierKind::sanitizers;
}

}  // namespace

const char* code_quality_severity(TierKind kind, const std::string& severity) {
  FailOn level = severity_class(severity);
  if (kind == TierKind::secrets) return level == FailOn::error ? "blocker" : "major";
  switch (level) {
    case FailOn::error: return "critical";
    case FailOn::warning: return "major";
    case FailOn::style: return "minor";
    case FailOn::any: return "info";
  }
  return "critical";
}

json code_quality_report(const std::vector<TierResult>& tiers) {
  json issues = json::array();
  for (const TierResult& tier : tiers) {
    if (!is_code_quality(tier.kind)) continue;
    for (const Finding& f : tier.findings) {
      if (f.state != FindingState::new_ || f.file.empty() || f.line <= 0 || !is_utf8(f.file)) continue;
      std::string rule = f.rule.empty() ? to_string(tier.kind) : f.rule;
      issues.push_back({{"description", f.message.empty() ? rule : f.message},
                        {"check_name", std::string(to_string(tier.kind)) + "/" + rule},
                        {"fingerprint", finding_key(tier.kind, f)},
                        {"severity", code_quality_severity(tier.kind, f.severity)},
                        {"location", {{"path", f.file}, {"lines", {{"begin", f.line}}}}}});
    }
  }
  return issues;
}

}  // namespace autofix::reporters
