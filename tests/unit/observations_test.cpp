// SPDX-License-Identifier: MIT
#include "gate/policy/classify.h"
#include "gate/policy/observations.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

using Lines = std::vector<std::string>;
constexpr RunStatus P = RunStatus::passed;
constexpr RunStatus F = RunStatus::failed;
constexpr RunStatus T = RunStatus::timeout;

TestRecord run(RunStatus first, std::vector<RunStatus> reruns = {}, Lines failures = {}) {
  TestRecord r{"t", first, 1.0, ""};
  r.reruns = std::move(reruns);
  r.failures = std::move(failures);
  return r;
}

// An outcome as classify() gives it from the first runs, with the re-runs added.
TestOutcome outcome(TestRecord before, TestRecord after, std::vector<RunStatus> after_reruns = {}) {
  TestOutcome o;
  o.name = o.ctest_test = "t";
  bool was = before.status == P, is = after.status == P;
  o.transition = was ? (is ? Transition::PASS_TO_PASS : Transition::PASS_TO_FAIL)
                     : (is ? Transition::FAIL_TO_PASS : Transition::FAIL_TO_FAIL);
  o.baseline = std::move(before);
  o.after = std::move(after);
  o.reruns = std::move(after_reruns);
  return o;
}

Transition judged(TestOutcome o, bool lines = true) {
  judge_by_runs(o, lines);
  return o.transition;
}

TEST(JudgeByRuns, ConsistentRunsKeepTheFirstRunsTransition) {
  EXPECT_EQ(judged(outcome(run(F, {F, F, F, F}), run(P), {P, P, P, P})), Transition::FAIL_TO_PASS);
  EXPECT_EQ(judged(outcome(run(P), run(F), {F, F, F, F})), Transition::PASS_TO_FAIL);
  EXPECT_EQ(judged(outcome(run(F, {F}), run(F), {F})), Transition::FAIL_TO_FAIL);
  EXPECT_EQ(judged(outcome(run(P), run(P))), Transition::PASS_TO_PASS);
  EXPECT_EQ(judged(outcome(run(T, {T}), run(P), {P})), Transition::FAIL_TO_PASS);  // a hang, fixed
}

TEST(JudgeByRuns, MixedRunsAreFlaky) {
  EXPECT_EQ(judged(outcome(run(P), run(F), {F, P})), Transition::FLAKY);
  EXPECT_EQ(judged(outcome(run(F, {F, P}), run(P), {P, P})), Transition::FLAKY);
  // A fixed test that still fails now and then is not fixed: it is flaky.
  EXPECT_EQ(judged(outcome(run(F, {F, F, F, F}), run(F), {F, P})), Transition::FLAKY);
}

TEST(JudgeByRuns, AFlakyTestThatNowFailsEveryRunIsBroken) {
  EXPECT_EQ(judged(outcome(run(F, {P}), run(F), {F, F, F})), Transition::PASS_TO_FAIL);
  // One run with the change proves nothing.
  EXPECT_EQ(judged(outcome(run(F, {P}), run(F))), Transition::FLAKY);
}

TEST(JudgeByRuns, ABaselineThatFailedEveryRunIsNeverCalledAPass) {
  // The reported case: 5 of 5 failures at baseline, failures with the change: not "passed before the fix".
  TestOutcome o = outcome(run(F, {F, F, F, F}), run(F), {F, F, F, F, F, F, F, F});
  judge_by_runs(o, true);
  EXPECT_EQ(o.transition, Transition::FAIL_TO_FAIL);
  EXPECT_EQ(o.observed, "failed 5 of 5 runs without the fix, failed 9 of 9 runs with it");
}

TEST(JudgeByRuns, SaysWhatWasObserved) {
  TestOutcome o = outcome(run(F, {F, F, F, F}), run(F), {F, P});
  judge_by_runs(o, true);
  EXPECT_EQ(o.observed, "failed 5 of 5 runs without the fix, passed 1 of 3 runs with it");
  o = outcome(run(P), run(F));
  judge_by_runs(o, true);
  EXPECT_EQ(o.observed, "");  // one run each: nothing to add to the transition
}

TEST(JudgeByRuns, FailingBeforeAndAfterComparesFailureLines) {
  TestOutcome worse = outcome(run(F, {F}, {"check 3 failed", "2 of 10 failed"}),
                              run(F, {}, {"check 7 failed", "2 of 10 failed"}));
  judge_by_runs(worse, true);
  EXPECT_EQ(worse.transition, Transition::FAIL_TO_FAIL);
  EXPECT_EQ(worse.new_failures, Lines{"check 7 failed"});
  // With cases on either tree, the cases tell: no line comparison.
  TestOutcome with_cases = outcome(run(F, {}, {"a"}), run(F, {}, {"b"}));
  judge_by_runs(with_cases, false);
  EXPECT_TRUE(with_cases.new_failures.empty());
  // Fewer failures is no regression.
  TestOutcome better = outcome(run(F, {}, {"check 3 failed", "check 7 failed"}), run(F, {}, {"check 7 failed"}));
  judge_by_runs(better, true);
  EXPECT_TRUE(better.new_failures.empty());
}

TEST(JudgeByRuns, ANewTestThatFlakesIsFlaky) {
  TestOutcome o;
  o.name = o.ctest_test = "n";
  o.transition = Transition::NEW;
  o.after = run(F);
  o.reruns = {F, P};
  judge_by_runs(o, true);
  EXPECT_EQ(o.transition, Transition::FLAKY);
  EXPECT_EQ(o.observed, "passed 1 of 3 runs with the fix");
  o.transition = Transition::NEW;
  o.reruns = {F, F};
  judge_by_runs(o, true);
  EXPECT_EQ(o.transition, Transition::NEW);
}

TEST(FailureLinesOfRuns, OnlyLinesEveryFailingRunPrintedCount) {
  TestRecord first = run(F, {}, {"a", "b", "b", "c"});
  std::vector<TestRecord> reruns = {run(F, {}, {"b", "a", "d"}), run(P, {}, {"ignored"}), run(F, {}, {"a", "b", "b"})};
  EXPECT_EQ(lines_in_every_failing_run(first, reruns), (Lines{"a", "b"}));
  EXPECT_EQ(lines_in_every_failing_run(run(P), {run(F, {}, {"x"})}), Lines{"x"});
  EXPECT_EQ(added_failure_lines({"a", "b"}, {"b", "b", "c"}), (Lines{"b", "c"}));
}

TEST(CTestTestsByTheirCases, FailingOnlyThroughFlakyCasesIsFlaky) {
  auto whole = [](Transition t) {
    TestOutcome o;
    o.name = o.ctest_test = "suite::all";
    o.transition = t;
    o.after = TestRecord{o.name, F, 0, ""};
    return o;
  };
  auto a_case = [](const std::string& name, RunStatus after, Transition t) {
    TestOutcome o;
    o.ctest_test = "suite::all";
    o.case_name = name;
    o.name = "suite::all::" + name;
    o.after = TestRecord{o.name, after, 0, ""};
    o.transition = t;
    return o;
  };
  std::vector<TestOutcome> tests = {whole(Transition::PASS_TO_FAIL), a_case("A.x", F, Transition::FLAKY),
                                    a_case("A.y", P, Transition::PASS_TO_PASS)};
  settle_ctest_tests_by_their_cases(tests);
  EXPECT_EQ(tests[0].transition, Transition::FLAKY);
  tests = {whole(Transition::PASS_TO_FAIL), a_case("A.x", F, Transition::FLAKY), a_case("A.z", F, Transition::PASS_TO_FAIL)};
  settle_ctest_tests_by_their_cases(tests);
  EXPECT_EQ(tests[0].transition, Transition::PASS_TO_FAIL);
  // No failing case at all: the binary failed on its own (a crash at exit, a leak check): it stands.
  tests = {whole(Transition::PASS_TO_FAIL), a_case("A.y", P, Transition::PASS_TO_PASS)};
  settle_ctest_tests_by_their_cases(tests);
  EXPECT_EQ(tests[0].transition, Transition::PASS_TO_FAIL);
}

// A fixed CTest test is not re-run when its cases are (gate/judge/test_runs.h): the cases its fix rests on
// (failing without the fix, passing with it) decide; one of them flaky makes the whole test flaky.
TEST(CTestTestsByTheirCases, FixedOnlyThroughAFlakyCaseIsFlaky) {
  auto whole = [](Transition t) {
    TestOutcome o;
    o.name = o.ctest_test = "suite";
    o.transition = t;
    o.baseline = TestRecord{o.name, F, 0, ""};
    o.after = TestRecord{o.name, P, 0, ""};
    return o;
  };
  auto a_case = [](const std::string& name, RunStatus before, Transition t) {
    TestOutcome o;
    o.ctest_test = "suite";
    o.case_name = name;
    o.name = "suite::" + name;
    o.baseline = TestRecord{o.name, before, 0, ""};
    o.after = TestRecord{o.name, P, 0, ""};
    o.transition = t;
    return o;
  };
  std::vector<TestOutcome> tests = {whole(Transition::FAIL_TO_PASS), a_case("A.x", F, Transition::FLAKY),
                                    a_case("A.y", F, Transition::FAIL_TO_PASS), a_case("A.z", P, Transition::PASS_TO_PASS)};
  settle_ctest_tests_by_their_cases(tests);
  EXPECT_EQ(tests[0].transition, Transition::FLAKY);
  EXPECT_EQ(tests[0].observed, "its fix rests on cases that turned out flaky");
  tests = {whole(Transition::FAIL_TO_PASS), a_case("A.x", F, Transition::FAIL_TO_PASS), a_case("A.z", P, Transition::PASS_TO_PASS)};
  settle_ctest_tests_by_their_cases(tests);
  EXPECT_EQ(tests[0].transition, Transition::FAIL_TO_PASS);
  // A case that passed on both trees is no part of the fix, whatever its transition says.
  tests = {whole(Transition::FAIL_TO_PASS), a_case("A.z", P, Transition::FLAKY)};
  settle_ctest_tests_by_their_cases(tests);
  EXPECT_EQ(tests[0].transition, Transition::FAIL_TO_PASS);
  // A fixed test that was re-run itself is judged by its own runs.
  tests = {whole(Transition::FAIL_TO_PASS), a_case("A.x", F, Transition::FLAKY)};
  tests[0].reruns = {RunStatus::passed};
  settle_ctest_tests_by_their_cases(tests);
  EXPECT_EQ(tests[0].transition, Transition::FAIL_TO_PASS);
}

}  // namespace
}  // namespace autofix
