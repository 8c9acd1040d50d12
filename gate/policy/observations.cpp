// SPDX-License-Identifier: MIT
#include "gate/policy/observations.h"

#include <algorithm>
#include <map>
#include <string_view>

namespace autofix {

namespace {

size_t count_passed(RunStatus first, const std::vector<RunStatus>& reruns) {
  return (first == RunStatus::passed ? 1 : 0) +
         static_cast<size_t>(std::count(reruns.begin(), reruns.end(), RunStatus::passed));
}

std::string side(const TestRecord& r, const std::vector<RunStatus>& reruns, const char* where) {
  size_t runs = 1 + reruns.size(), passed = count_passed(r.status, reruns);
  std::string of = " of " + std::to_string(runs) + (runs == 1 ? " run " : " runs ") + where;
  if (passed == 0) return "failed " + std::to_string(runs) + of;
  return "passed " + std::to_string(passed) + of;
}

}  // namespace

void judge_by_runs(TestOutcome& t, bool compare_failure_lines) {
  if (t.transition == Transition::NEW && t.after && !t.reruns.empty()) {
    size_t runs = 1 + t.reruns.size(), passed = count_passed(t.after->status, t.reruns);
    t.observed = side(*t.after, t.reruns, "with the fix");
    if (passed != 0 && passed != runs) t.transition = Transition::FLAKY;
    return;
  }
  bool judged = t.transition == Transition::FAIL_TO_PASS || t.transition == Transition::PASS_TO_FAIL ||
                t.transition == Transition::FAIL_TO_FAIL || t.transition == Transition::PASS_TO_PASS;
  if (!judged || !t.baseline || !t.after) return;
  const std::vector<RunStatus>& before_reruns = t.baseline->reruns;
  if (!t.reruns.empty() || !before_reruns.empty())
    t.observed = side(*t.baseline, before_reruns, "without the fix") + ", " + side(*t.after, t.reruns, "with it");
  size_t before_runs = 1 + before_reruns.size(), before_passed = count_passed(t.baseline->status, before_reruns);
  size_t after_runs = 1 + t.reruns.size(), after_passed = count_passed(t.after->status, t.reruns);
  bool before_mixed = before_passed != 0 && before_passed != before_runs;
  bool after_mixed = after_passed != 0 && after_passed != after_runs;
  if (before_mixed && after_passed == 0 && after_runs >= 2) t.transition = Transition::PASS_TO_FAIL;
  else if (before_mixed || after_mixed) t.transition = Transition::FLAKY;
  t.new_failures.clear();
  if (t.transition == Transition::FAIL_TO_FAIL && compare_failure_lines)
    t.new_failures = added_failure_lines(t.baseline->failures, t.after->failures);
}

void settle_ctest_tests_by_their_cases(std::vector<TestOutcome>& tests) {
  for (TestOutcome& t : tests) {
    bool broken = t.transition == Transition::PASS_TO_FAIL;
    // A fixed CTest test whose cases were re-run was not re-run itself: its cases speak for it.
    bool fixed = t.transition == Transition::FAIL_TO_PASS && t.reruns.empty();
    if (!t.case_name.empty() || !(broken || fixed)) continue;
    bool any_case = false, all_flaky = true, any_flaky = false;
    for (const TestOutcome& c : tests) {
      if (c.case_name.empty() || c.ctest_test != t.ctest_test || !c.after || c.after->status == RunStatus::skipped)
        continue;
      // The cases that carry the change: failing with it (broken), or failing without it and passing with it (fixed).
      bool carries = broken ? c.after->status != RunStatus::passed
                            : c.after->status == RunStatus::passed && c.baseline &&
                                  c.baseline->status != RunStatus::passed && c.baseline->status != RunStatus::skipped;
      if (!carries) continue;
      any_case = true;
      all_flaky = all_flaky && c.transition == Transition::FLAKY;
      any_flaky = any_flaky || c.transition == Transition::FLAKY;
    }
    // Broken: one confirmed broken case is enough to break the test. Fixed: the test passes only when
    // every case does, so one case that passes now and then makes its fix flaky too.
    if (broken ? any_case && all_flaky : any_flaky) {
      t.transition = Transition::FLAKY;
      t.observed = broken ? "failed only through cases that turned out flaky" : "its fix rests on cases that turned out flaky";
    }
  }
}

std::vector<std::string> lines_in_every_failing_run(const TestRecord& first, const std::vector<TestRecord>& reruns) {
  bool any = first.status != RunStatus::passed;
  std::vector<std::string> lines = any ? first.failures : std::vector<std::string>{};
  for (const TestRecord& r : reruns) {
    if (r.status == RunStatus::passed) continue;
    if (!any) {
      lines = r.failures;
      any = true;
      continue;
    }
    std::vector<std::string> kept, pool = r.failures;
    for (const std::string& l : lines)
      if (auto it = std::find(pool.begin(), pool.end(), l); it != pool.end()) {
        kept.push_back(l);
        pool.erase(it);
      }
    lines = std::move(kept);
  }
  return lines;
}

std::vector<std::string> added_failure_lines(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  std::map<std::string_view, size_t> known;
  for (const std::string& l : before) ++known[l];
  std::vector<std::string> added;
  for (const std::string& l : after) {
    auto it = known.find(l);
    if (it != known.end() && it->second > 0) --it->second;
    else added.push_back(l);
  }
  return added;
}

}  // namespace autofix
