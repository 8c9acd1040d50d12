// SPDX-License-Identifier: MIT
#include "reporters/tiers_junit.h"

#include "reporters/junit_document.h"

namespace autofix::reporters {

namespace {

std::string location(const Finding& f) {
  if (f.file.empty()) return {};
  std::string at = " at " + f.file;
  if (f.line > 0) at += ":" + std::to_string(f.line) + (f.column > 0 ? ":" + std::to_string(f.column) : "");
  return at;
}

std::string findings_text(const TierResult& tier) {
  std::string text;
  size_t unchanged = 0, absent = 0;
  for (const Finding& f : tier.findings) {
    if (f.state == FindingState::unchanged) ++unchanged;
    if (f.state == FindingState::absent) ++absent;
    if (f.state != FindingState::new_) continue;
    text += std::string(f.blocking ? "new" : "new, not blocking") + ": " + f.rule + location(f);
    if (row_of(tier.kind).has_threshold) text += " (" + f.severity + ")";
    text += ": " + f.message + "\n";
    if (tier.kind == TierKind::ctest) continue;  // a regression's detail is the test's output: in junit.xml
    size_t start = 0;
    while (start < f.detail.size()) {
      size_t end = f.detail.find('\n', start);
      if (end == std::string::npos) end = f.detail.size();
      text += "    " + f.detail.substr(start, end - start) + "\n";
      start = end + 1;
    }
  }
  if (unchanged || absent)
    text += std::to_string(unchanged) + " unchanged, " + std::to_string(absent) +
            " absent (listed in report.json and autofix.sarif)\n";
  return text;
}

JunitCase case_of(const TierResult& tier, bool high_risk) {
  JunitCase c;
  c.classname = std::string("autofix.tier.") + to_string(tier.kind);
  c.name = tier.name;
  c.time_s = tier.duration_s;
  std::string findings = findings_text(tier);
  bool failed = tier.status == TierStatus::failed || tier.status == TierStatus::error;
  if (tier.status == TierStatus::skipped) {
    c.result = JunitCase::Result::skipped;
    c.message = tier.reason;
  } else if (failed && (tier.required || high_risk)) {
    c.result = tier.status == TierStatus::error ? JunitCase::Result::error : JunitCase::Result::failure;
    c.message = tier.reason;
    c.type = to_string(tier.kind);
    c.text = findings;
  } else if (failed) {
    c.result = JunitCase::Result::skipped;  // reported, never what failed the attempt
    c.message = "advisory, not blocking: " + tier.reason;
    c.text = findings;
  } else {
    c.system_out = findings;
  }
  return c;
}

}  // namespace

std::string tiers_junit(const AttemptResult& r) {
  JunitSuite suite;
  suite.name = "autofix-gate tiers";
  suite.timestamp = r.started;
  suite.properties = {{"autofix.attempt_id", r.attempt_id}, {"autofix.verdict", to_string(r.verdict)},
                      {"autofix.reason", r.reason}};
  for (const TierResult& tier : r.tiers) suite.cases.push_back(case_of(tier, r.risk.level == RiskLevel::high));
  return junit_document(suite);
}

}  // namespace autofix::reporters
