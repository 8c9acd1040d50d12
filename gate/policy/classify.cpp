// SPDX-License-Identifier: MIT
#include "gate/policy/classify.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "gate/policy/observations.h"

namespace autofix {

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
    inferred.first_failure.reset();
    inferred.reruns.clear();
    return inferred;
  }
};

// Where the test is defined, and the first failing assertion of the run that shows the change (see
// TestOutcome): the run with the fix when it reported one, else the baseline's.
void locate(TestOutcome& o) {
  for (const std::optional<TestRecord>* r : {&o.after, &o.baseline})
    if (*r && (*r)->defined_at.known()) {
      o.defined_at = (*r)->defined_at;
      break;
    }
  for (const std::optional<TestRecord>* r : {&o.after, &o.baseline})
    if (*r && (*r)->first_failure) {
      o.first_failure = (*r)->first_failure;
      break;
    }
}

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
  for (TestOutcome& o : out) locate(o);
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
}  // namespace autofix
