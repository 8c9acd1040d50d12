#include "gate/attempt_result.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

TestRecord rec(const std::string& name, RunStatus s) { return {name, s, 0.1, ""}; }

TEST(ClassifyTest, EveryTransition) {
  std::vector<TestRecord> before = {rec("fixed", RunStatus::failed),  rec("kept", RunStatus::passed),
                                    rec("broken", RunStatus::passed), rec("still", RunStatus::timeout),
                                    rec("gone", RunStatus::passed),   rec("skipped_now", RunStatus::passed)};
  std::vector<TestRecord> after = {rec("fixed", RunStatus::passed),  rec("kept", RunStatus::passed),
                                   rec("broken", RunStatus::failed), rec("still", RunStatus::failed),
                                   rec("added", RunStatus::passed),  rec("skipped_now", RunStatus::skipped)};
  std::vector<TestOutcome> out = classify(before, after);
  std::map<std::string, Transition> got;
  for (const auto& o : out) got[o.name] = o.transition;
  std::map<std::string, Transition> want = {
      {"fixed", Transition::FAIL_TO_PASS}, {"kept", Transition::PASS_TO_PASS},
      {"broken", Transition::PASS_TO_FAIL}, {"still", Transition::FAIL_TO_FAIL},
      {"gone", Transition::MISSING},        {"added", Transition::NEW},
      {"skipped_now", Transition::PASS_TO_FAIL}};
  EXPECT_EQ(got, want);
  // Sorted by name, baseline and after records kept.
  EXPECT_EQ(out.front().name, "added");
  EXPECT_FALSE(out.front().baseline.has_value());
  const TestOutcome& gone = *std::find_if(out.begin(), out.end(), [](auto& o) { return o.name == "gone"; });
  EXPECT_FALSE(gone.after.has_value());
  EXPECT_EQ(gone.baseline->status, RunStatus::passed);
}

TEST(ClassifyTest, DuplicateNamesCountOnce) {
  std::vector<TestOutcome> out =
      classify({rec("a", RunStatus::passed)}, {rec("a", RunStatus::passed), rec("a", RunStatus::failed)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].transition, Transition::PASS_TO_PASS);
}

AttemptResult built_and_tested(std::vector<TestRecord> before, std::vector<TestRecord> after) {
  AttemptResult r;
  r.build = {true, true, 1.0, {}, ""};
  r.tests = classify(before, after);
  return r;
}

TEST(DecideTest, AcceptsAFixThatBreaksNothing) {
  AttemptResult r = built_and_tested({rec("a", RunStatus::failed), rec("b", RunStatus::passed)},
                                     {rec("a", RunStatus::passed), rec("b", RunStatus::passed)});
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::accepted);
  EXPECT_EQ(d.reason, "the build passed, no test regressed, 1 test(s) fixed");
}

TEST(DecideTest, RejectsARegression) {
  Decision d = decide(built_and_tested({rec("a", RunStatus::failed), rec("b", RunStatus::passed)},
                                       {rec("a", RunStatus::passed), rec("b", RunStatus::failed)}));
  EXPECT_EQ(d.verdict, Verdict::rejected);
  EXPECT_EQ(d.reason, "1 test(s) passed before the fix and fail with it: b");
}

TEST(DecideTest, AMissingTestNeedsReview) {
  Decision d = decide(built_and_tested({rec("a", RunStatus::failed), rec("b", RunStatus::passed)},
                                       {rec("b", RunStatus::passed)}));
  EXPECT_EQ(d.verdict, Verdict::needs_review);
  EXPECT_EQ(d.reason, "the fix weakens tests (1): missing a");
}

TierResult tier(const std::string& name, const std::string& kind, bool required, TierStatus status) {
  TierResult t;
  t.name = name;
  t.kind = kind;
  t.required = required;
  t.status = status;
  t.reason = "why";
  return t;
}

AttemptResult green() {
  AttemptResult r = built_and_tested({rec("a", RunStatus::failed), rec("b", RunStatus::passed)},
                                     {rec("a", RunStatus::passed), rec("b", RunStatus::passed)});
  r.tiers.push_back(tier("tests", "ctest", true, TierStatus::passed));
  return r;
}

TEST(DecideTest, ARequiredTierThatFailedRejects) {
  AttemptResult r = green();
  r.tiers.push_back(tier("static", "clang-tidy", true, TierStatus::failed));
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::rejected);
  EXPECT_EQ(d.reason, "required tier 'static' (clang-tidy) failed: why");
}

TEST(DecideTest, ARequiredTierThatCouldNotRunIsAnErrorNeverAnAccept) {
  AttemptResult r = green();
  r.tiers.push_back(tier("asan", "sanitizers", true, TierStatus::error));
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::error);
  EXPECT_EQ(d.reason, "required tier 'asan' could not run: why");
}

TEST(DecideTest, AnAdvisoryTierReportsButDoesNotRejectUnlessTheChangeIsHighRisk) {
  AttemptResult r = green();
  r.tiers.push_back(tier("lint", "command", false, TierStatus::failed));
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::accepted);
  EXPECT_EQ(d.reason, "the build passed, no test regressed, 1 test(s) fixed; advisory tier(s) failed (reported only): lint");
  r.risk = {"high", "CMakeLists.txt", "CMakeLists.txt"};
  d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::rejected);
  EXPECT_EQ(d.reason, "high-risk change (CMakeLists.txt matches CMakeLists.txt) and advisory tier(s) failed: lint");
  r.tiers.back().status = TierStatus::passed;
  EXPECT_EQ(decide(r).verdict, Verdict::accepted);
}

TEST(DecideTest, ACriticalPathNeedsReview) {
  AttemptResult r = green();
  r.risk = {"critical", ".github/**", ".github/workflows/ci.yml"};
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::needs_review);
  EXPECT_EQ(d.reason, "the fix changes a critical path: .github/workflows/ci.yml (matches .github/**)");
}

TEST(DecideTest, TamperingNeedsReviewUnlessDowngraded) {
  AttemptResult r = green();
  r.tampering.push_back({"test_source_edited", "tests/a_test.cpp", 3, "", "edited", false});
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::needs_review);
  EXPECT_EQ(d.reason, "the fix weakens tests (1): test_source_edited tests/a_test.cpp");
  r.tampering.back().downgraded = true;
  EXPECT_EQ(decide(r).verdict, Verdict::accepted);
}

TEST(DecideTest, ARegressionRejectsBeforeAnythingNeedsReview) {
  AttemptResult r = built_and_tested({rec("a", RunStatus::passed), rec("b", RunStatus::passed)},
                                     {rec("a", RunStatus::failed), rec("b", RunStatus::passed)});
  r.tampering.push_back({"disabled", "b_test.cpp", 3, "b", "", false});
  r.risk = {"critical", "x", "y"};
  r.cascading.push_back({"a", "cascading", "src/x.cpp", {"a_test", "x", "src/x.cpp"}});
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::rejected);
  EXPECT_EQ(d.reason, "1 test(s) passed before the fix and fail with it (1 cascading, outside what the fix aimed at): a");
}

TEST(DecideTest, ATestTheFixDisabledNeedsReviewAndIsNoRegression) {
  AttemptResult r = built_and_tested({rec("a", RunStatus::failed), rec("b", RunStatus::passed)},
                                     {rec("a", RunStatus::passed), rec("b", RunStatus::skipped)});
  EXPECT_EQ(decide(r).verdict, Verdict::rejected);  // skipped with no explanation: a regression
  r.tampering.push_back({"disabled", "b_test.cpp", 11, "b", "TEST(S, b) renamed to DISABLED_b", false});
  EXPECT_EQ(r.regressions(), std::vector<std::string>{});
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::needs_review);
  EXPECT_EQ(d.reason, "the fix weakens tests (1): disabled b");
  // A finding about the test does not excuse a test that ran and failed.
  r.tests[1].after->status = RunStatus::failed;
  EXPECT_EQ(r.regressions(), std::vector<std::string>{"b"});
  EXPECT_EQ(decide(r).verdict, Verdict::rejected);
}

TEST(DecideTest, FlakyTestsAreNeitherFixedNorBroken) {
  AttemptResult r = green();
  r.tests[0].transition = Transition::FLAKY;  // "a" was failing and passes now, but not every run
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::accepted);
  EXPECT_EQ(d.reason, "the build passed, no test regressed");
  r.require_fixed = {"a"};
  EXPECT_EQ(decide(r).reason, "required test 'a' is FLAKY, not FAIL_TO_PASS");
}

TEST(DecideTest, ADocsOnlyChangeIsJudgedWithoutABuild) {
  AttemptResult r;
  r.lane = {"docs", "docs only"};
  r.tiers.push_back(tier("secrets", "secrets", true, TierStatus::passed));
  r.tiers.push_back(tier("tests", "ctest", true, TierStatus::skipped));
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::accepted);
  EXPECT_EQ(d.reason, "documentation-only change: nothing to build, every tier passed");
  r.tiers[0].status = TierStatus::failed;
  EXPECT_EQ(decide(r).verdict, Verdict::rejected);
}

TEST(DecideTest, AShardJudgesOnlyWhatItRan) {
  AttemptResult r;
  r.build = {true, true, 1.0, {}, ""};
  r.shard = "2/3";
  r.tiers.push_back(tier("tests", "ctest", true, TierStatus::skipped));
  r.require_fixed = {"elsewhere"};
  EXPECT_EQ(decide(r).verdict, Verdict::accepted);  // no test in this shard: `merge` decides
  r.shard.reset();
  EXPECT_EQ(decide(r).verdict, Verdict::error);
}

TEST(DecideTest, RejectsABrokenBuild) {
  AttemptResult r;
  r.build = {true, false, 1.0, {"a.cpp:1:1: error: expected ';'"}, "build failed (exit code 1)"};
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::rejected);
  EXPECT_EQ(d.reason, "the build failed with the fix: a.cpp:1:1: error: expected ';'");
}

TEST(DecideTest, NoTestsIsAnErrorNeverAnAccept) {
  AttemptResult r = built_and_tested({rec("a", RunStatus::failed)}, {});
  r.tests.clear();
  EXPECT_EQ(decide(r).verdict, Verdict::error);
}

TEST(DecideTest, RequiredTestMustGoFromFailToPass) {
  AttemptResult r = built_and_tested({rec("a", RunStatus::failed), rec("b", RunStatus::failed)},
                                     {rec("a", RunStatus::passed), rec("b", RunStatus::failed)});
  r.require_fixed = {"a"};
  EXPECT_EQ(decide(r).verdict, Verdict::accepted);
  r.require_fixed = {"a", "b"};
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::rejected);
  EXPECT_EQ(d.reason, "required test 'b' is FAIL_TO_FAIL, not FAIL_TO_PASS");
  r.require_fixed = {"nope"};
  EXPECT_EQ(decide(r).reason, "required test 'nope' did not run");
}

TEST(VerdictTest, ExitCodes) {
  EXPECT_EQ(exit_code_for(Verdict::accepted), 0);
  EXPECT_EQ(exit_code_for(Verdict::rejected), 1);
  EXPECT_EQ(exit_code_for(Verdict::needs_review), 3);
  EXPECT_EQ(exit_code_for(Verdict::error), 4);
  EXPECT_EQ(exit_code_for(Verdict::planned), 5);
  EXPECT_STREQ(to_string(Verdict::planned), "planned");
}

}  // namespace
}  // namespace autofix
