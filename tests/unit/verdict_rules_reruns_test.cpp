// SPDX-License-Identifier: MIT
// The re-run rules (gate/judge/test_runs.h rerun_plan and rerun_until_disagreement, gate/judge/judge.cpp
// settle_flakes), through a FakeToolchain that records every run: what runs again, how, and how often.
//   - a case inside a binary runs again alone (GoogleTest: ctest with GTEST_FILTER naming exactly it;
//     Catch2 and doctest: the gate with their own filter), never its whole CTest test
//   - a test that passed on both trees never runs again
//   - a fixed test (FAIL_TO_PASS) runs again once, unless it has a flake history (2 x flaky_reruns)
//   - names GoogleTest's filter reserves characters of are written so the filter selects exactly them;
//     when none can, the binary runs whole and the case is read by name
// Each asserts the exact calls and run counts.
#include <gtest/gtest.h>

#include "gate/judge/test_runs.h"
#include "gate/results/test_names.h"
#include "tests/support/judge_bench.h"

namespace autofix::testing {
namespace {

// One CTest test "suite" running a GoogleTest binary with `cases`; the change edits src/lib.cpp.
void one_binary(JudgeBench& b, const Strings& cases, runners::TestFramework framework = runners::TestFramework::googletest) {
  b.fake.tests = {discovered_test("suite", b.build_dir(), "suite_test")};
  b.fake.cases["suite"] = cases;
  b.fake.frameworks["suite"] = framework;
  b.write("src/lib.cpp", "int lib() { return 1; }\n");
}

void change_lib(JudgeBench& b) { b.write("src/lib.cpp", "int lib() { return 2; }\n"); }

Calls repeated(const std::string& call, size_t times) { return Calls(times, call); }

Calls concat(Calls a, const Calls& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// ---- rerun_plan: what runs again ----------------------------------------------------------------------------

TestRecord record(const std::string& ctest_test, const std::string& case_name, RunStatus status, double seconds = 0.1) {
  TestRecord r;
  r.name = test_name(ctest_test, case_name);
  r.ctest_test = ctest_test;
  r.case_name = case_name;
  r.status = status;
  r.duration_s = seconds;
  return r;
}

std::vector<std::string> described(const RerunPlan& plan) {
  std::vector<std::string> out;
  for (const RerunTarget& t : plan.targets)
    out.push_back(test_name(t.key.ctest_test, t.key.case_name) + " " + to_string(t.first) + " x" + std::to_string(t.rounds));
  return out;
}

TEST(RerunPlan, ACTestTestIsNotRerunWhenItsCasesAre) {
  using enum RunStatus;
  std::vector<TestRecord> records = {record("suite", "", passed, 6.0),   record("suite", "A.Fixed", passed),
                                     record("suite", "A.Same", passed),  record("plain", "", failed),
                                     record("slow", "", failed, 50.0),   record("hang", "", timeout),
                                     record("broken", "", failed),       record("broken", "B.Fails", failed),
                                     record("broken", "B.Passes", passed)};
  std::map<std::string, int> budget = {{"suite", 4}, {"suite::A.Fixed", 1}, {"plain", 4}, {"slow", 4}, {"hang", 4},
                                       {"broken", 4}, {"broken::B.Fails", 4}};
  RerunPlan plan = rerun_plan(records, [&](const TestRecord& r) { return budget.count(r.name) ? budget[r.name] : 0; });
  // suite: its fixed case runs instead of it; broken: its failing case. slow: 120 s of its own time fit
  // twice; hang: a timeout runs once. Nothing without a budget (A.Same, B.Passes) runs.
  EXPECT_EQ(described(plan), (Strings{"suite::A.Fixed passed x1", "plain failed x4", "slow failed x2", "hang timeout x1",
                                      "broken::B.Fails failed x4"}));
  EXPECT_EQ(plan.cases_of, (std::map<std::string, Strings>{{"suite", {"A.Fixed", "A.Same"}},
                                                           {"broken", {"B.Fails", "B.Passes"}}}));
  // Without a budget for its case, a CTest test that moved runs again itself.
  budget.erase("suite::A.Fixed");
  EXPECT_EQ(described(rerun_plan(records, [&](const TestRecord& r) { return budget.count(r.name) ? budget[r.name] : 0; }))
                .front(),
            "suite passed x4");
}

// ---- GoogleTest cases inside one CTest test -------------------------------------------------------------------

// The issue's case: a multi-case binary in which the fix flips one case. Before, the whole binary ran 4
// more times (the CTest test was FAIL_TO_PASS too) beside 4 filtered runs of the case.
TEST(VerdictRulesReruns, AFixedCaseRunsAloneOnceAndTheRestOfItsBinaryNever) {
  JudgeBench b;
  one_binary(b, {"Math.Adds", "Math.Divides", "Math.Means"});
  b.fake.statuses["suite::Math.Means"] = {F, F, F, F, F, P};  // fails 1 + 4 runs without the change, passes with it
  b.compute_baseline();
  // Without the change the failing case runs again alone, up to 4 times; its CTest test does not.
  EXPECT_EQ(b.fake.calls, concat({"build", "build", "discover", "ctest", "discover"},
                                 repeated("ctest suite GTEST_FILTER=Math.Means", 4)));
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(r.reason, "the build passed, no test regressed, 2 test(s) fixed");
  EXPECT_EQ(transitions_of(r), (Transitions{{"suite", "FAIL_TO_PASS"}, {"suite::Math.Adds", "PASS_TO_PASS"},
                                            {"suite::Math.Divides", "PASS_TO_PASS"}, {"suite::Math.Means", "FAIL_TO_PASS"}}));
  EXPECT_EQ(calls_from(b.fake, mark),
            (Calls{"build", "graph", "discover", "ctest", "discover", "ctest suite GTEST_FILTER=Math.Means"}));
  EXPECT_EQ(b.fake.runs["suite::Math.Means"], 7);  // 1 + 4 without the change, 1 + 1 with it
  EXPECT_EQ(b.fake.runs["suite::Math.Adds"], 2);   // once on each tree: it passed on both
  EXPECT_EQ(b.fake.runs["suite::Math.Divides"], 2);
  EXPECT_EQ(outcome_of(r, "suite::Math.Means").observed, "failed 5 of 5 runs without the fix, passed 2 of 2 runs with it");
  EXPECT_EQ(outcome_of(r, "suite").reruns, std::vector<RunStatus>{});
}

// A binary seen flaking as a whole passes its history on to its cases.
TEST(VerdictRulesReruns, AFixedCaseOfABinaryWithAFlakeHistoryGetsTwiceTheReruns) {
  JudgeBench b;
  one_binary(b, {"Math.Adds", "Math.Means"});
  write_file(b.repo().state_dir() / "flaky.json",
             R"({"format": 1, "tests": {"suite": {"flakes": 1, "last_seen": "2026-12-01T00:00:00Z"}}})");
  b.fake.statuses["suite::Math.Means"] = {F, F, F, F, F, P};
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(transitions_of(r), (Transitions{{"suite", "FAIL_TO_PASS"}, {"suite::Math.Adds", "PASS_TO_PASS"},
                                            {"suite::Math.Means", "FAIL_TO_PASS"}}));
  EXPECT_EQ(calls_from(b.fake, mark), concat({"build", "graph", "discover", "ctest", "discover"},
                                             repeated("ctest suite GTEST_FILTER=Math.Means", 8)));
  EXPECT_EQ(b.fake.runs["suite::Math.Adds"], 2);
}

TEST(VerdictRulesReruns, AFixedCaseThatFailsItsRerunMakesItsCTestTestFlakyToo) {
  JudgeBench b;
  one_binary(b, {"Math.Adds", "Math.Means"});
  b.fake.statuses["suite::Math.Means"] = {F, F, F, F, F, P, F};  // with the change: passes, then fails
  b.require_fixed = {"suite"};
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.reason, "required test 'suite' is FLAKY, not FAIL_TO_PASS");
  EXPECT_EQ(transitions_of(r), (Transitions{{"suite", "FLAKY"}, {"suite::Math.Adds", "PASS_TO_PASS"},
                                            {"suite::Math.Means", "FLAKY"}}));
  EXPECT_EQ(outcome_of(r, "suite").observed, "its fix rests on cases that turned out flaky");
  EXPECT_EQ(b.fake.runs["suite::Math.Means"], 7);
  EXPECT_EQ(b.fake.runs["suite::Math.Adds"], 2);
}

TEST(VerdictRulesReruns, ABrokenCaseRunsAloneUntilItDisagreesAndItsNeighboursNever) {
  JudgeBench b;
  one_binary(b, {"Math.Adds", "Math.Divides", "Math.Means"});
  b.fake.statuses["suite::Math.Divides"] = {P, F};  // broken for good by the change
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(transitions_of(r), (Transitions{{"suite", "PASS_TO_FAIL"}, {"suite::Math.Adds", "PASS_TO_PASS"},
                                            {"suite::Math.Divides", "PASS_TO_FAIL"}, {"suite::Math.Means", "PASS_TO_PASS"}}));
  EXPECT_EQ(calls_from(b.fake, mark), concat({"build", "graph", "discover", "ctest", "discover"},
                                             repeated("ctest suite GTEST_FILTER=Math.Divides", 4)));
  EXPECT_EQ(b.fake.runs["suite::Math.Divides"], 6);
  EXPECT_EQ(b.fake.runs["suite::Math.Adds"], 2);
  EXPECT_EQ(b.fake.runs["suite::Math.Means"], 2);
}

// ---- names GoogleTest's filter cannot take as they are ---------------------------------------------------------

TEST(VerdictRulesReruns, NamesWithReservedCharactersAreFilteredExactly) {
  JudgeBench b;
  one_binary(b, {"Typed/std::string.Holds", "Typed/stdXXstring.Holds", "Ns::Fixture.with-dash", "Ns::Fixture.with_dash",
                 "Plain.with space"});
  b.fake.statuses["suite::Ns::Fixture.with-dash"] = {F, F, F, F, F, P};  // fixed by the change
  b.fake.statuses["suite::Typed/std::string.Holds"] = {P, F};           // broken by it
  b.compute_baseline();
  EXPECT_EQ(calls_from(b.fake, 5), repeated("ctest suite GTEST_FILTER=Ns??Fixture.with?dash-Ns??Fixture.with_dash", 4));
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.regressions(), Strings{"suite::Typed/std::string.Holds"});
  EXPECT_EQ(transitions_of(r)["suite::Ns::Fixture.with-dash"], "FAIL_TO_PASS");
  // Round 1 runs both moved cases, then only the broken one is left (the fixed one gets one re-run).
  EXPECT_EQ(calls_from(b.fake, mark),
            concat({"build", "graph", "discover", "ctest", "discover",
                    "ctest suite GTEST_FILTER=Ns??Fixture.with?dash:Typed/std??string.Holds"
                    "-Ns??Fixture.with_dash:Typed/stdXXstring.Holds"},
                   repeated("ctest suite GTEST_FILTER=Typed/std??string.Holds-Typed/stdXXstring.Holds", 3)));
  EXPECT_EQ(b.fake.runs["suite::Typed/stdXXstring.Holds"], 2);
  EXPECT_EQ(b.fake.runs["suite::Ns::Fixture.with_dash"], 2);
  EXPECT_EQ(b.fake.runs["suite::Plain.with space"], 2);
  EXPECT_EQ(b.fake.runs["suite::Typed/std::string.Holds"], 6);
  EXPECT_EQ(b.fake.runs["suite::Ns::Fixture.with-dash"], 7);
}

// "a*b" beside "a?b" and "axb": the filter has no pattern that selects the one and not the others, so the
// binary runs whole (every case runs again) and the case is read by name.
TEST(VerdictRulesReruns, ANameNoFilterCanSelectAloneRerunsTheWholeBinary) {
  JudgeBench b;
  one_binary(b, {"Glob.a*b", "Glob.a?b", "Glob.axb"});
  b.fake.statuses["suite::Glob.a*b"] = {P, F};
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.regressions(), Strings{"suite::Glob.a*b"});
  EXPECT_EQ(transitions_of(r), (Transitions{{"suite", "PASS_TO_FAIL"}, {"suite::Glob.a*b", "PASS_TO_FAIL"},
                                            {"suite::Glob.a?b", "PASS_TO_PASS"}, {"suite::Glob.axb", "PASS_TO_PASS"}}));
  EXPECT_EQ(calls_from(b.fake, mark), concat({"build", "graph", "discover", "ctest", "discover"}, repeated("ctest suite", 4)));
  EXPECT_EQ(b.fake.runs["suite::Glob.a*b"], 6);
  EXPECT_EQ(b.fake.runs["suite::Glob.a?b"], 6);
}

// ---- Catch2 and doctest cases ------------------------------------------------------------------------------

TEST(VerdictRulesReruns, AFixedCatch2CaseRunsOnceThroughItsOwnFilterAndItsCTestTestNever) {
  JudgeBench b;
  one_binary(b, {"clamp, above the range", "clamp below the range/far below"}, runners::TestFramework::catch2);
  b.fake.statuses["suite::clamp, above the range"] = {F, F, F, F, F, P};
  b.compute_baseline();
  EXPECT_EQ(calls_from(b.fake, 5), repeated("cases suite: clamp, above the range", 4));
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(transitions_of(r), (Transitions{{"suite", "FAIL_TO_PASS"}, {"suite::clamp, above the range", "FAIL_TO_PASS"},
                                            {"suite::clamp below the range/far below", "PASS_TO_PASS"}}));
  EXPECT_EQ(calls_from(b.fake, mark),
            (Calls{"build", "graph", "discover", "ctest", "discover", "cases suite: clamp, above the range"}));
  EXPECT_EQ(b.fake.runs["suite::clamp below the range/far below"], 2);
}

// ---- how often a fixed test runs again ---------------------------------------------------------------------

void two_tests(JudgeBench& b) {
  b.fake.tests = {discovered_test("a", b.build_dir(), "a_test"), discovered_test("b", b.build_dir(), "b_test")};
  b.write("src/lib.cpp", "int lib() { return 1; }\n");
}

TEST(VerdictRulesReruns, AFixedTestRunsAgainOnceAndATestThatPassedOnBothTreesNever) {
  JudgeBench b;
  two_tests(b);
  b.fake.statuses["a"] = {F, F, F, F, F, P};
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "FAIL_TO_PASS"}, {"b", "PASS_TO_PASS"}}));
  EXPECT_EQ(calls_from(b.fake, mark), (Calls{"build", "graph", "discover", "ctest", "discover", "ctest a"}));
  EXPECT_EQ(b.fake.runs["a"], 7);  // 1 + 4 without the change, 1 + 1 with it
  EXPECT_EQ(b.fake.runs["b"], 2);
}

TEST(VerdictRulesReruns, AFixedTestWithAFlakeHistoryGetsTwiceTheReruns) {
  JudgeBench b;
  two_tests(b);
  write_file(b.repo().state_dir() / "flaky.json",
             R"({"format": 1, "tests": {"a": {"flakes": 2, "last_seen": "2026-12-01T00:00:00Z"}}})");
  b.fake.statuses["a"] = {F, F, F, F, F, P};
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "FAIL_TO_PASS"}, {"b", "PASS_TO_PASS"}}));
  EXPECT_EQ(calls_from(b.fake, mark), concat({"build", "graph", "discover", "ctest", "discover"}, repeated("ctest a", 8)));
  EXPECT_EQ(b.fake.runs["a"], 14);  // 1 + 4 without the change, 1 + 2 x 4 with it
  EXPECT_EQ(b.fake.runs["b"], 2);
}

TEST(VerdictRulesReruns, NoRerunsAtAllWhenFlakyRerunsIsZero) {
  JudgeBench b;
  two_tests(b);
  b.settings.flaky_reruns = 0;
  b.fake.statuses["a"] = {F, P};
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "FAIL_TO_PASS"}, {"b", "PASS_TO_PASS"}}));
  EXPECT_EQ(calls_from(b.fake, mark), (Calls{"build", "graph", "discover", "ctest"}));
  EXPECT_EQ(b.fake.runs["a"], 2);
}

}  // namespace
}  // namespace autofix::testing
