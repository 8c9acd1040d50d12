#include "gate/attempt_result.h"

#include <algorithm>
#include <unordered_map>

#include "gate/util/error.h"

namespace autofix {

const char* to_string(Verdict v) noexcept {
  switch (v) {
    case Verdict::accepted: return "accepted";
    case Verdict::rejected: return "rejected";
    case Verdict::needs_review: return "needs_review";
    case Verdict::error: return "error";
    case Verdict::planned: return "planned";
  }
  return "error";
}

int exit_code_for(Verdict v) noexcept {
  switch (v) {
    case Verdict::accepted: return exit_code::ok;
    case Verdict::rejected: return exit_code::rejected;
    case Verdict::needs_review: return exit_code::needs_review;
    case Verdict::error: return exit_code::gate_error;
    case Verdict::planned: return exit_code::planned;
  }
  return exit_code::gate_error;
}

const char* to_string(RunStatus s) noexcept {
  switch (s) {
    case RunStatus::passed: return "passed";
    case RunStatus::failed: return "failed";
    case RunStatus::timeout: return "timeout";
    case RunStatus::not_run: return "not_run";
    case RunStatus::skipped: return "skipped";
  }
  return "not_run";
}

const char* to_string(TierStatus s) noexcept {
  switch (s) {
    case TierStatus::passed: return "passed";
    case TierStatus::failed: return "failed";
    case TierStatus::skipped: return "skipped";
    case TierStatus::error: return "error";
  }
  return "error";
}

const char* to_string(Transition t) noexcept {
  switch (t) {
    case Transition::FAIL_TO_PASS: return "FAIL_TO_PASS";
    case Transition::PASS_TO_PASS: return "PASS_TO_PASS";
    case Transition::PASS_TO_FAIL: return "PASS_TO_FAIL";
    case Transition::FAIL_TO_FAIL: return "FAIL_TO_FAIL";
    case Transition::MISSING: return "MISSING";
    case Transition::NEW: return "NEW";
    case Transition::FLAKY: return "FLAKY";
  }
  return "NEW";
}

size_t AttemptResult::tests_run() const {
  return static_cast<size_t>(std::count_if(tests.begin(), tests.end(), [](const TestOutcome& t) {
    return t.after && t.after->status != RunStatus::not_run;
  }));
}

size_t AttemptResult::tests_passed() const {
  return static_cast<size_t>(std::count_if(tests.begin(), tests.end(), [](const TestOutcome& t) {
    return t.after && t.after->status == RunStatus::passed;
  }));
}

std::vector<std::string> AttemptResult::names_with(Transition t) const {
  std::vector<std::string> out;
  for (const TestOutcome& o : tests)
    if (o.transition == t) out.push_back(o.name);
  return out;
}

std::vector<std::string> AttemptResult::regressions() const {
  std::vector<std::string> out;
  for (const TestOutcome& o : tests) {
    if (o.transition != Transition::PASS_TO_FAIL) continue;
    bool did_not_run = o.after && (o.after->status == RunStatus::skipped || o.after->status == RunStatus::not_run);
    std::string ctest_test = o.name.substr(0, o.name.find("::"));
    bool weakened = did_not_run && std::any_of(tampering.begin(), tampering.end(), [&](const TamperFinding& f) {
      return !f.downgraded && !f.test.empty() && (f.test == o.name || f.test == ctest_test);
    });
    if (!weakened) out.push_back(o.name);
  }
  return out;
}

std::vector<TestOutcome> classify(const std::vector<TestRecord>& baseline, const std::vector<TestRecord>& after) {
  std::unordered_map<std::string, const TestRecord*> before;
  for (const TestRecord& r : baseline) before.emplace(r.name, &r);
  std::vector<TestOutcome> out;
  std::unordered_map<std::string, bool> seen;
  for (const TestRecord& r : after) {
    if (seen.emplace(r.name, true).second == false) continue;  // duplicate names: the first one counts
    TestOutcome o;
    o.name = r.name;
    o.after = r;
    auto it = before.find(r.name);
    if (it == before.end()) {
      o.transition = Transition::NEW;
    } else {
      o.baseline = *it->second;
      bool was = it->second->status == RunStatus::passed;
      bool now = r.status == RunStatus::passed;
      o.transition = was ? (now ? Transition::PASS_TO_PASS : Transition::PASS_TO_FAIL)
                         : (now ? Transition::FAIL_TO_PASS : Transition::FAIL_TO_FAIL);
    }
    out.push_back(std::move(o));
  }
  for (const TestRecord& r : baseline) {
    if (seen.count(r.name)) continue;
    seen.emplace(r.name, true);
    TestOutcome o;
    o.name = r.name;
    o.baseline = r;
    o.transition = Transition::MISSING;
    out.push_back(std::move(o));
  }
  std::sort(out.begin(), out.end(), [](const TestOutcome& a, const TestOutcome& b) { return a.name < b.name; });
  return out;
}

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
  bool docs = r.lane.lane == "docs";
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
    return t.kind == "ctest" && t.status != TierStatus::skipped;
  });
  bool has_ctest_tier = std::any_of(r.tiers.begin(), r.tiers.end(), [](const TierResult& t) { return t.kind == "ctest"; });
  // A shard may hold no test at all; the merged result is judged again without the shard.
  if (!docs && !r.shard && (r.tiers.empty() || has_ctest_tier) && r.tests_run() == 0 && !ran_tests)
    return {Verdict::error, "no test ran after the fix: the gate cannot judge it"};
  std::vector<std::string> broken = r.regressions();
  if (!broken.empty()) {
    size_t cascading = static_cast<size_t>(std::count_if(r.cascading.begin(), r.cascading.end(),
                                                         [](const CascadeEntry& c) { return c.kind == "cascading"; }));
    return {Verdict::rejected, std::to_string(broken.size()) + " test(s) passed before the fix and fail with it" +
                                   (cascading ? " (" + std::to_string(cascading) + " cascading, outside what the fix aimed at)"
                                              : std::string()) +
                                   ": " + name_list(broken)};
  }
  for (const TierResult& t : r.tiers)
    if (t.required && t.status == TierStatus::failed)
      return {Verdict::rejected, "required tier '" + t.name + "' (" + t.kind + ") failed: " + t.reason};
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
    if (!f.downgraded) tampered.push_back(f.kind + (f.test.empty() ? (f.file.empty() ? "" : " " + f.file) : " " + f.test));
  std::vector<std::string> missing = r.names_with(Transition::MISSING);
  if (tampered.empty() && !missing.empty())
    for (const std::string& m : missing) tampered.push_back("missing " + m);
  if (!tampered.empty())
    return {Verdict::needs_review, "the fix weakens tests (" + std::to_string(tampered.size()) + "): " + name_list(tampered)};
  if (r.risk.level == "critical")
    return {Verdict::needs_review, "the fix changes a critical path: " + r.risk.path + " (matches " + r.risk.pattern + ")"};
  std::vector<std::string> advisory_failed;
  for (const TierResult& t : r.tiers)
    if (!t.required && (t.status == TierStatus::failed || t.status == TierStatus::error)) advisory_failed.push_back(t.name);
  if (r.risk.level == "high" && !advisory_failed.empty())
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
