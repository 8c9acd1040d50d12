#include "gate/attempt_result.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "gate/observations.h"
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
    case Transition::SKIPPED: return "SKIPPED";
  }
  return "NEW";
}

TestKey key_of(const TestRecord& r) { return {r.ctest_test.empty() ? r.name : r.ctest_test, r.case_name}; }

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

namespace {

bool did_not_pass(const std::optional<TestRecord>& r) { return r && r->status != RunStatus::passed; }
bool did_not_run(const std::optional<TestRecord>& r) {
  return r && (r->status == RunStatus::skipped || r->status == RunStatus::not_run);
}

// Why one outcome is a regression; empty when it is none.
std::string regression_reason(const AttemptResult& r, const TestOutcome& o) {
  switch (o.transition) {
    case Transition::PASS_TO_FAIL: {
      bool weakened = did_not_run(o.after) && std::any_of(r.tampering.begin(), r.tampering.end(), [&](const TamperFinding& f) {
                        return !f.downgraded && !f.test.empty() && (f.test == o.name || f.test == o.ctest_test);
                      });
      if (weakened) return {};
      // A CTest test whose cases were read: its failing cases are the regressions, named one by one.
      if (o.case_name.empty()) {
        bool a_case_regressed = std::any_of(r.tests.begin(), r.tests.end(), [&](const TestOutcome& c) {
          return !c.case_name.empty() && c.ctest_test == o.ctest_test && !regression_reason(r, c).empty();
        });
        if (a_case_regressed) return {};
      }
      std::string how = o.after ? to_string(o.after->status) : "did not run";
      return o.name + " passed without the fix and " + (how == "failed" ? "fails" : how) + " with it" +
             (o.observed.empty() ? "" : " (" + o.observed + ")");
    }
    case Transition::NEW:
      if (!did_not_pass(o.after) || did_not_run(o.after)) return {};
      return o.name + " is new with the fix and " + to_string(o.after->status);
    case Transition::FAIL_TO_FAIL:
      if (o.new_failures.empty()) return {};
      return o.name + " failed without the fix and fails with it in new ways: " + o.new_failures.front() +
             (o.new_failures.size() > 1 ? " (and " + std::to_string(o.new_failures.size() - 1) + " more)" : "");
    default:
      return {};
  }
}

}  // namespace

std::vector<std::string> AttemptResult::regressions() const {
  std::vector<std::string> out;
  for (const TestOutcome& o : tests)
    if (!regression_reason(*this, o).empty()) out.push_back(o.name);
  return out;
}

std::vector<std::string> AttemptResult::regression_reasons() const {
  std::vector<std::string> out;
  for (const TestOutcome& o : tests)
    if (std::string why = regression_reason(*this, o); !why.empty()) out.push_back(std::move(why));
  return out;
}

namespace {

TestOutcome outcome_for(const TestRecord& r) {
  TestOutcome o;
  o.name = r.name;
  TestKey k = key_of(r);
  o.ctest_test = k.ctest_test;
  o.case_name = k.case_name;
  return o;
}

bool passed(RunStatus s) { return s == RunStatus::passed; }
bool skipped(RunStatus s) { return s == RunStatus::skipped; }

// One side of a comparison: its records by key, and which CTest tests have per-case records.
struct Side {
  std::map<TestKey, const TestRecord*> by_key;
  std::set<std::string> with_cases;

  explicit Side(const std::vector<TestRecord>& records) {
    for (const TestRecord& r : records) {
      by_key.emplace(key_of(r), &r);  // duplicate keys: the first one counts
      if (!r.case_name.empty()) with_cases.insert(key_of(r).ctest_test);
    }
  }
  const TestRecord* find(const TestKey& k) const {
    auto it = by_key.find(k);
    return it == by_key.end() ? nullptr : it->second;
  }
  // A case this side has no record of: it passed when its CTest test passed here and this side read
  // no case of that test (its binary's cases are read only when it fails).
  std::optional<TestRecord> inferred_case(const TestRecord& other) const {
    if (other.case_name.empty() || with_cases.count(key_of(other).ctest_test)) return std::nullopt;
    const TestRecord* whole = find({key_of(other).ctest_test, ""});
    if (!whole || !passed(whole->status)) return std::nullopt;
    TestRecord inferred = other;
    inferred.status = RunStatus::passed;
    inferred.duration_s = 0;
    inferred.output = "passed with its CTest test '" + whole->name + "' (no per-case results were read on this tree)";
    inferred.failures.clear();
    inferred.reruns.clear();
    return inferred;
  }
};

Transition transition_between(RunStatus before, RunStatus now) {
  if (skipped(before) && skipped(now)) return Transition::SKIPPED;
  if (skipped(before)) return Transition::NEW;  // did not run before: whatever it does now is new
  bool was = passed(before), is = passed(now);
  return was ? (is ? Transition::PASS_TO_PASS : Transition::PASS_TO_FAIL)
             : (is ? Transition::FAIL_TO_PASS : Transition::FAIL_TO_FAIL);
}

}  // namespace

std::vector<TestOutcome> classify(const std::vector<TestRecord>& baseline, const std::vector<TestRecord>& after) {
  Side before(baseline), now(after);
  std::vector<TestOutcome> out;
  std::set<TestKey> seen;
  for (const TestRecord& r : after) {
    if (!seen.insert(key_of(r)).second) continue;
    TestOutcome o = outcome_for(r);
    o.after = r;
    if (const TestRecord* b = before.find(o.key())) o.baseline = *b;
    else o.baseline = before.inferred_case(r);
    o.transition = o.baseline ? transition_between(o.baseline->status, r.status) : Transition::NEW;
    out.push_back(std::move(o));
  }
  for (const TestRecord& r : baseline) {
    if (!seen.insert(key_of(r)).second) continue;
    TestOutcome o = outcome_for(r);
    o.baseline = r;
    o.after = now.inferred_case(r);
    o.transition = o.after ? transition_between(r.status, o.after->status) : Transition::MISSING;
    out.push_back(std::move(o));
  }
  // Failure lines say more than a status only where no case tells which part of a test broke.
  for (TestOutcome& o : out)
    if (o.transition == Transition::FAIL_TO_FAIL && o.case_name.empty() && !before.with_cases.count(o.ctest_test) &&
        !now.with_cases.count(o.ctest_test))
      o.new_failures = added_failure_lines(o.baseline->failures, o.after->failures);
  std::sort(out.begin(), out.end(), [](const TestOutcome& a, const TestOutcome& b) {
    return std::tie(a.name, a.ctest_test, a.case_name) < std::tie(b.name, b.ctest_test, b.case_name);
  });
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
  std::vector<std::string> broken = r.regression_reasons();
  if (!broken.empty()) {
    size_t cascading = static_cast<size_t>(std::count_if(r.cascading.begin(), r.cascading.end(),
                                                         [](const CascadeEntry& c) { return c.kind == "cascading"; }));
    std::vector<std::string> others = r.regressions();
    others.erase(others.begin());
    return {Verdict::rejected, std::to_string(broken.size()) + " test(s) broken by the fix" +
                                   (cascading ? " (" + std::to_string(cascading) + " cascading, outside what the fix aimed at)"
                                              : std::string()) +
                                   ": " + broken.front() + (others.empty() ? std::string() : "; also " + name_list(others))};
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
