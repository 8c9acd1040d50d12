// SPDX-License-Identifier: MIT
#pragma once
// How the runs of a test on both trees decide what the change did to it. Pure: the runs are already in
// the outcome (baseline.reruns, reruns) and nothing is run here.
//   consistent on both trees   the first runs' transition stands
//   mixed on either tree       FLAKY, except: mixed without the change and failing every run with it (two
//                              runs at least) is PASS_TO_FAIL: broken by the change
// A flake history from other trees is not an observation: it buys a test more runs (see judge.cpp),
// never another transition.
#include <string>
#include <vector>

#include "gate/results/attempt_result.h"

namespace autofix {

// Sets t.transition (for PASS_TO_PASS, PASS_TO_FAIL, FAIL_TO_PASS and FAIL_TO_FAIL outcomes), t.observed
// ("failed 5 of 5 runs without the fix, passed 3 of 3 runs with it", when there was more than one run)
// and t.new_failures (FAIL_TO_FAIL only, and only when `compare_failure_lines`: a CTest test without
// cases on either tree). A NEW test whose runs with the change disagree is FLAKY. Other transitions are
// left as they are.
void judge_by_runs(TestOutcome& t, bool compare_failure_lines);

// A CTest test that failed only because of cases that all turned out FLAKY is FLAKY itself; so is a fixed
// one (FAIL_TO_PASS, not re-run itself because its cases were) when a case its fix rests on turned out
// FLAKY.
void settle_ctest_tests_by_their_cases(std::vector<TestOutcome>& tests);

// The failure lines every failing run printed: `first` and those of `reruns` that failed.
std::vector<std::string> lines_in_every_failing_run(const TestRecord& first, const std::vector<TestRecord>& reruns);

// Lines of `after` that `before` does not account for, as a multiset: printed twice now and once before
// counts once.
std::vector<std::string> added_failure_lines(const std::vector<std::string>& before, const std::vector<std::string>& after);

}  // namespace autofix
