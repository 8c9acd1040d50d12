// SPDX-License-Identifier: MIT
#include "gate/policy/decide.h"

#include <algorithm>

namespace autofix {

namespace {
// "a, b, c and 2 more"
std::string name_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < 3; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > 3) out += " and " + std::to_string(names.size() - 3) + " more";
  return out;
}
}  // namespace

Decision decide(const AttemptResult& r) {
  bool docs = r.lane.lane == Lane::docs;
  if (!docs && !r.build.ok && r.build.timed_out)
    return {Verdict::error, "the build with the fix did not finish in time (" + r.build.failure +
                                "): that says nothing about the fix; raise --timeout"};
  if (!docs && !r.build.ok) {
    std::string why = "the build failed with the fix";
    if (!r.build.errors.empty()) why += ": " + r.build.errors.front();
    return {Verdict::rejected, why};
  }
  // Fail closed: a required tier that could not run leaves the change unjudged.
  for (const TierResult& t : r.tiers)
    if (t.required && t.status == TierStatus::error)
      return {Verdict::error, "required tier '" + t.name + "' could not run: " + t.reason};
  bool ran_tests = std::any_of(r.tiers.begin(), r.tiers.end(), [](const TierResult& t) {
    return t.kind == TierKind::ctest && t.status != TierStatus::skipped;
  });
  bool has_ctest_tier = std::any_of(r.tiers.begin(), r.tiers.end(), [](const TierResult& t) { return t.kind == TierKind::ctest; });
  // A shard may hold no test at all; the merged result is judged again without the shard.
  if (!docs && !r.shard && (r.tiers.empty() || has_ctest_tier) && r.tests_run() == 0 && !ran_tests)
    return {Verdict::error, "no test ran after the fix: the gate cannot judge it"};
  std::vector<std::string> broken = r.regression_reasons();
  if (!broken.empty()) {
    size_t cascading = static_cast<size_t>(std::count_if(r.cascading.begin(), r.cascading.end(),
                                                         [](const CascadeEntry& c) { return c.kind == CascadeKind::cascading; }));
    std::vector<std::string> others = r.regressions();
    others.erase(others.begin());
    return {Verdict::rejected, std::to_string(broken.size()) + " test(s) broken by the fix" +
                                   (cascading ? " (" + std::to_string(cascading) + " cascading, outside what the fix aimed at)"
                                              : std::string()) +
                                   ": " + broken.front() + (others.empty() ? std::string() : "; also " + name_list(others))};
  }
  for (const TierResult& t : r.tiers)
    if (t.required && t.status == TierStatus::failed)
      return {Verdict::rejected, "required tier '" + t.name + "' (" + to_string(t.kind) + ") failed: " + t.reason};
  for (const std::string& name : r.require_fixed) {
    auto it = std::find_if(r.tests.begin(), r.tests.end(), [&](const TestOutcome& t) { return t.name == name; });
    if (it == r.tests.end()) {
      if (r.shard) continue;  // another shard runs it; `merge` decides
      return {Verdict::rejected, "required test '" + name + "' did not run"};
    }
    if (it->transition != Transition::FAIL_TO_PASS)
      return {Verdict::rejected,
              "required test '" + name + "' is " + to_string(it->transition) + ", not FAIL_TO_PASS"};
  }
  // A weakened test needs a person: the fix may be right, but the gate cannot trust its own evidence.
  std::vector<std::string> tampered;
  for (const TamperFinding& f : r.tampering)
    if (!f.downgraded) tampered.push_back(to_string(f.kind) + (f.test.empty() ? (f.file.empty() ? "" : " " + f.file) : " " + f.test));
  std::vector<std::string> missing = r.names_with(Transition::MISSING);
  if (tampered.empty() && !missing.empty())
    for (const std::string& m : missing) tampered.push_back("missing " + m);
  if (!tampered.empty())
    return {Verdict::needs_review, "the fix weakens tests (" + std::to_string(tampered.size()) + "): " + name_list(tampered)};
  if (r.risk.level == RiskLevel::critical)
    return {Verdict::needs_review, "the fix changes a critical path: " + r.risk.path + " (matches " + r.risk.pattern + ")"};
  std::vector<std::string> advisory_failed;
  for (const TierResult& t : r.tiers)
    if (!t.required && (t.status == TierStatus::failed || t.status == TierStatus::error)) advisory_failed.push_back(t.name);
  if (r.risk.level == RiskLevel::high && !advisory_failed.empty())
    return {Verdict::rejected, "high-risk change (" + r.risk.path + " matches " + r.risk.pattern +
                                   ") and advisory tier(s) failed: " + name_list(advisory_failed)};
  size_t fixed = r.names_with(Transition::FAIL_TO_PASS).size();
  std::string why = docs ? "documentation-only change: nothing to build, every tier passed"
                         : "the build passed, no test regressed" +
                               (fixed ? ", " + std::to_string(fixed) + " test(s) fixed" : std::string());
  if (!advisory_failed.empty()) why += "; advisory tier(s) failed (reported only): " + name_list(advisory_failed);
  return {Verdict::accepted, why};
}
}  // namespace autofix
