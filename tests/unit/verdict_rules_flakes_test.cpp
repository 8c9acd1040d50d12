// SPDX-License-Identifier: MIT
// The verdict rules about tests whose result changes from run to run (gate/judge/judge.cpp settle_flakes,
// gate/policy/observations.h), through a FakeToolchain: flaky at the baseline, flaky with the change,
// tests earlier attempts saw flaking (the flake store), and a baseline flake the change breaks for good.
// Each asserts the verdict, its reason, every test's transition and what was run how often.
#include <gtest/gtest.h>

#include "gate/state/flake_store.h"
#include "tests/support/judge_bench.h"

namespace autofix::testing {
namespace {

// Two tests, "a" (target a_test) and "b" (b_test); the change edits src/lib.cpp.
void two_tests(JudgeBench& b) {
  b.fake.tests = {discovered_test("a", b.build_dir(), "a_test"), discovered_test("b", b.build_dir(), "b_test")};
  b.write("CMakeLists.txt", "project(p)\n");
  b.write("src/lib.cpp", "int lib() { return 1; }\n");
}

void change_lib(JudgeBench& b) { b.write("src/lib.cpp", "int lib() { return 2; }\n"); }

TEST(VerdictRulesFlakes, AFailureTheBaselineDoesNotRepeatIsFlakyNotFixed) {
  JudgeBench b;
  two_tests(b);
  b.fake.statuses["a"] = {F, P};  // fails once without the change, passes every run after that
  const BaselineRecord& baseline = b.compute_baseline();
  EXPECT_EQ(baseline.flaky, Calls{"a"});
  // One re-run (it disagreed at once); re-runs look the test up again first.
  EXPECT_EQ(b.fake.calls, (Calls{"build", "build", "discover", "ctest", "discover", "ctest a"}));

  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(r.reason, "the build passed, no test regressed");
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "FLAKY"}, {"b", "PASS_TO_PASS"}}));
  const TestOutcome& a = outcome_of(r, "a");
  EXPECT_TRUE(a.baseline_flaky);
  EXPECT_EQ(a.observed, "passed 1 of 2 runs without the fix, passed 9 of 9 runs with it");
  // A baseline flake gets twice the re-runs (2 x 4) with the change.
  Calls expected{"build", "graph", "discover", "ctest", "discover"};
  expected.insert(expected.end(), 8, "ctest a");
  EXPECT_EQ(calls_from(b.fake, mark), expected);
  EXPECT_EQ(b.fake.runs["a"], 11);
  EXPECT_EQ(b.fake.runs["b"], 2);
  EXPECT_EQ(tiers_of(r), Calls{"tests passed: 2 test(s), 0 regression(s), 0 fixed, 1 flaky"});
  EXPECT_EQ(a.known_flakes, 1) << "recorded in the flake store";
}

TEST(VerdictRulesFlakes, AFailureWithTheChangeThatDoesNotRepeatIsFlakyNotARegression) {
  JudgeBench b;
  two_tests(b);
  b.fake.statuses["a"] = {P, F, F, P};  // passes without the change; with it: fails, fails, passes
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(r.reason, "the build passed, no test regressed");
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "FLAKY"}, {"b", "PASS_TO_PASS"}}));
  const TestOutcome& a = outcome_of(r, "a");
  EXPECT_FALSE(a.baseline_flaky);
  EXPECT_EQ(a.reruns, (std::vector<RunStatus>{RunStatus::failed, RunStatus::passed}));  // stopped at the first pass
  EXPECT_EQ(a.observed, "passed 1 of 1 run without the fix, passed 1 of 3 runs with it");
  EXPECT_EQ(calls_from(b.fake, mark), (Calls{"build", "graph", "discover", "ctest", "discover", "ctest a", "ctest a"}));
  EXPECT_EQ(tiers_of(r), Calls{"tests passed: 2 test(s), 0 regression(s), 0 fixed, 1 flaky"});
  std::map<std::string, FlakeEntry> store = FlakeStore(b.repo().state_dir()).load();
  ASSERT_EQ(store.size(), 1u);
  EXPECT_EQ(store["a"].flakes, 1);
}

TEST(VerdictRulesFlakes, AFailureThatRepeatsOnEveryRerunIsARegression) {
  JudgeBench b;
  two_tests(b);
  b.fake.statuses["a"] = {P, F};  // fails every run with the change
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.reason,
            "1 test(s) broken by the fix: a passed without the fix and fails with it (passed 1 of 1 run without the "
            "fix, failed 5 of 5 runs with it)");
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "PASS_TO_FAIL"}, {"b", "PASS_TO_PASS"}}));
  EXPECT_EQ(b.fake.runs["a"], 6);  // 1 without the change, 1 + 4 re-runs with it
  EXPECT_FALSE(std::filesystem::exists(FlakeStore(b.repo().state_dir()).file())) << "no flake to record";
}

TEST(VerdictRulesFlakes, ABaselineFlakeThatTheChangeMakesFailEveryRunIsARegression) {
  JudgeBench b;
  two_tests(b);
  b.fake.statuses["a"] = {F, P, F};  // mixed without the change, failing every run with it
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.reason,
            "1 test(s) broken by the fix: a passed without the fix and fails with it (passed 1 of 2 runs without the "
            "fix, failed 9 of 9 runs with it)");
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "PASS_TO_FAIL"}, {"b", "PASS_TO_PASS"}}));
  EXPECT_TRUE(outcome_of(r, "a").baseline_flaky);
}

TEST(VerdictRulesFlakes, AKnownFlakeGetsTwiceTheRerunsButTheRunsDecide) {
  JudgeBench b;
  two_tests(b);
  write_file(b.repo().state_dir() / "flaky.json",
             R"({"format": 1, "tests": {"a": {"flakes": 3, "last_seen": "2026-12-01T00:00:00Z"}}})");
  b.fake.statuses["a"] = {P, F};
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.reason,
            "1 test(s) broken by the fix: a passed without the fix and fails with it (passed 1 of 1 run without the "
            "fix, failed 9 of 9 runs with it)");
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "PASS_TO_FAIL"}, {"b", "PASS_TO_PASS"}}));
  EXPECT_EQ(b.fake.runs["a"], 10);  // 1 without the change, 1 + 2 x 4 re-runs with it
  EXPECT_EQ(outcome_of(r, "a").known_flakes, 3);
}

// A test that hangs on every run on both trees, seen flaking by earlier attempts on other trees, next to
// the test the change fixes: still FAIL_TO_FAIL (never "passed before the fix"), no regression, accepted.
// A timeout is re-run once on each tree, however often it flaked elsewhere.
TEST(VerdictRulesFlakes, AFlakeHistoryFromOtherTreesNeverRewritesWhatTheBaselineShowed) {
  JudgeBench b;
  b.fake.tests = {discovered_test("halvings", b.build_dir(), "halvings"), discovered_test("digits", b.build_dir(), "digits")};
  b.write("src/lib.cpp", "int lib() { return 1; }\n");
  write_file(b.repo().state_dir() / "flaky.json",
             R"({"format": 1, "tests": {"halvings": {"flakes": 3, "last_seen": "2026-12-01T00:00:00Z"}}})");
  b.fake.statuses["halvings"] = {T};
  b.fake.statuses["digits"] = {F, F, F, F, F, P};  // fails 1 + 4 runs without the change, passes with it
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(r.reason, "the build passed, no test regressed, 1 test(s) fixed");
  EXPECT_EQ(transitions_of(r), (Transitions{{"digits", "FAIL_TO_PASS"}, {"halvings", "FAIL_TO_FAIL"}}));
  const TestOutcome& halvings = outcome_of(r, "halvings");
  EXPECT_EQ(halvings.known_flakes, 3);
  EXPECT_EQ(halvings.observed, "failed 2 of 2 runs without the fix, failed 2 of 2 runs with it");
  EXPECT_TRUE(halvings.new_failures.empty());
  // A fix is confirmed by one re-run: digits failed all of its 5 runs without it.
  EXPECT_EQ(outcome_of(r, "digits").observed, "failed 5 of 5 runs without the fix, passed 2 of 2 runs with it");
  EXPECT_EQ(b.fake.runs["halvings"], 4);
  EXPECT_EQ(r.regressions(), Calls{});
}

}  // namespace
}  // namespace autofix::testing
