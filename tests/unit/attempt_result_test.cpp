// SPDX-License-Identifier: MIT
#include "gate/policy/decide.h"
#include "gate/policy/classify.h"
#include "gate/results/attempt_result.h"
#include "gate/results/test_names.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <stdexcept>

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

// A case of a CTest test, named as reports show it.
TestRecord case_rec(const std::string& ctest, const std::string& name, RunStatus s, std::vector<std::string> failures = {}) {
  TestRecord r{test_name(ctest, name), s, 0.1, ""};
  r.ctest_test = ctest;
  r.case_name = name;
  r.failures = std::move(failures);
  return r;
}

TestRecord whole(const std::string& ctest, RunStatus s, std::vector<std::string> failures = {}) {
  TestRecord r{ctest, s, 0.1, ""};
  r.ctest_test = ctest;
  r.failures = std::move(failures);
  return r;
}

const TestOutcome& find(const std::vector<TestOutcome>& out, const std::string& ctest, const std::string& case_name) {
  auto it = std::find_if(out.begin(), out.end(), [&](const TestOutcome& o) {
    return o.ctest_test == ctest && o.case_name == case_name;
  });
  if (it == out.end()) throw std::runtime_error("no outcome for " + ctest + " / " + case_name);
  return *it;
}

TEST(ClassifyTest, CTestNamesWithColonsAreNoCases) {
  // CTest test "project::test" (one GoogleTest binary) and its case "Suite.A" versus CTest test
  // "project" and its case "test::Suite.A": the same text, two different tests.
  std::vector<TestRecord> before = {whole("project::test", RunStatus::failed),
                                    case_rec("project::test", "Suite.A", RunStatus::failed),
                                    whole("project", RunStatus::passed),
                                    case_rec("project", "test::Suite.A", RunStatus::passed)};
  std::vector<TestRecord> after = {whole("project::test", RunStatus::passed),
                                   case_rec("project::test", "Suite.A", RunStatus::passed),
                                   whole("project", RunStatus::passed),
                                   case_rec("project", "test::Suite.A", RunStatus::passed)};
  std::vector<TestOutcome> out = classify(before, after);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(find(out, "project::test", "Suite.A").transition, Transition::FAIL_TO_PASS);
  EXPECT_EQ(find(out, "project", "test::Suite.A").transition, Transition::PASS_TO_PASS);
  EXPECT_EQ(find(out, "project::test", "").transition, Transition::FAIL_TO_PASS);
}

TEST(ClassifyTest, SkippedOnBothTreesIsNeitherAFailureNorAPass) {
  // GoogleTest's DISABLED_ cases: they never ran.
  std::vector<TestOutcome> out = classify({case_rec("suite", "A.DISABLED_x", RunStatus::skipped)},
                                          {case_rec("suite", "A.DISABLED_x", RunStatus::skipped)});
  EXPECT_EQ(out[0].transition, Transition::SKIPPED);
  AttemptResult r;
  r.tests = out;
  EXPECT_TRUE(r.regressions().empty());
  EXPECT_EQ(r.names_with(Transition::FAIL_TO_FAIL).size(), 0u);
  // Skipped before, run now: new, whatever it does.
  out = classify({rec("t", RunStatus::skipped)}, {rec("t", RunStatus::failed)});
  EXPECT_EQ(out[0].transition, Transition::NEW);
}

TEST(ClassifyTest, CasesReadOnlyOnFailureArePassesWhereTheirBinaryPassed) {
  // A Catch2 binary registered as one test: its cases are read only when it fails.
  std::vector<TestRecord> before = {whole("catch", RunStatus::failed), case_rec("catch", "new case", RunStatus::failed),
                                    case_rec("catch", "old case", RunStatus::passed)};
  std::vector<TestRecord> after = {whole("catch", RunStatus::passed)};
  std::vector<TestOutcome> out = classify(before, after);
  EXPECT_EQ(find(out, "catch", "new case").transition, Transition::FAIL_TO_PASS);
  EXPECT_EQ(find(out, "catch", "old case").transition, Transition::PASS_TO_PASS);
  // The other way round: passing at baseline (no cases read), a case failing now.
  out = classify(after, {whole("catch", RunStatus::failed), case_rec("catch", "old case", RunStatus::failed)});
  EXPECT_EQ(find(out, "catch", "old case").transition, Transition::PASS_TO_FAIL);
  // A side that did read cases and lacks one: the case is missing, never inferred.
  out = classify(before, {whole("catch", RunStatus::failed), case_rec("catch", "new case", RunStatus::failed)});
  EXPECT_EQ(find(out, "catch", "old case").transition, Transition::MISSING);
  // Its CTest test failed there: nothing to infer either.
  out = classify({whole("catch", RunStatus::failed)}, {whole("catch", RunStatus::failed), case_rec("catch", "x", RunStatus::failed)});
  EXPECT_EQ(find(out, "catch", "x").transition, Transition::NEW);
}

TEST(ClassifyTest, FailingBeforeAndAfterWithNewFailureLinesIsARegression) {
  // One binary with its own checks: the fix repairs check 3 and breaks check 7.
  std::vector<TestOutcome> out = classify({whole("selftest", RunStatus::failed, {"check 3 failed", "1 of 9 checks failed"})},
                                          {whole("selftest", RunStatus::failed, {"check 7 failed", "1 of 9 checks failed"})});
  EXPECT_EQ(out[0].transition, Transition::FAIL_TO_FAIL);
  EXPECT_EQ(out[0].new_failures, std::vector<std::string>{"check 7 failed"});
  AttemptResult r;
  r.build.ok = true;
  r.tests = out;
  EXPECT_EQ(r.regressions(), std::vector<std::string>{"selftest"});
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::rejected);
  EXPECT_EQ(d.reason, "1 test(s) broken by the fix: selftest failed without the fix and fails with it in new ways: "
                      "check 7 failed");
  // Binaries with cases compare cases, not lines.
  out = classify({whole("g", RunStatus::failed, {"a"}), case_rec("g", "A.a", RunStatus::failed)},
                 {whole("g", RunStatus::failed, {"b"}), case_rec("g", "A.a", RunStatus::failed)});
  EXPECT_TRUE(find(out, "g", "").new_failures.empty());
}

TEST(ClassifyTest, ANewTestThatFailsIsARegression) {
  AttemptResult r;
  r.build.ok = true;
  r.tests = classify({rec("old", RunStatus::passed)}, {rec("old", RunStatus::passed), rec("added", RunStatus::failed)});
  EXPECT_EQ(r.regressions(), std::vector<std::string>{"added"});
  EXPECT_EQ(decide(r).reason, "1 test(s) broken by the fix: added is new with the fix and failed");
  r.tests = classify({rec("old", RunStatus::passed)}, {rec("old", RunStatus::passed), rec("added", RunStatus::skipped)});
  EXPECT_TRUE(r.regressions().empty());
}

TEST(ClassifyTest, ABinaryWhoseCasesNameTheRegressionIsNotCountedTwice) {
  AttemptResult r;
  r.build.ok = true;
  r.tests = classify({whole("suite", RunStatus::passed), case_rec("suite", "A.x", RunStatus::passed)},
                     {whole("suite", RunStatus::failed), case_rec("suite", "A.x", RunStatus::failed)});
  EXPECT_EQ(r.regressions(), std::vector<std::string>{"suite::A.x"});
  // No case failed: the binary itself is the regression (it crashed at exit, a leak check failed, ...).
  r.tests = classify({whole("suite", RunStatus::passed), case_rec("suite", "A.x", RunStatus::passed)},
                     {whole("suite", RunStatus::failed), case_rec("suite", "A.x", RunStatus::passed)});
  EXPECT_EQ(r.regressions(), std::vector<std::string>{"suite"});
}

// Readers that go by the test (the SARIF log) get the same reason as readers that go by the name.
TEST(ClassifyTest, TheReasonOfOneTestIsTheReasonTheListGives) {
  AttemptResult r;
  r.build.ok = true;
  r.tests = classify({whole("suite", RunStatus::passed), case_rec("suite", "A.x", RunStatus::passed), rec("kept", RunStatus::passed)},
                     {whole("suite", RunStatus::failed), case_rec("suite", "A.x", RunStatus::failed), rec("kept", RunStatus::passed)});
  ASSERT_EQ(r.tests.size(), 3u);
  std::vector<std::string> reasons;
  for (const TestOutcome& t : r.tests) reasons.push_back(r.regression_reason_of(t));
  EXPECT_EQ(reasons, (std::vector<std::string>{"", "", "suite::A.x passed without the fix and fails with it"}));
  EXPECT_EQ(r.regression_reasons(), std::vector<std::string>{reasons[2]});
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
  EXPECT_EQ(d.reason, "1 test(s) broken by the fix: b passed without the fix and fails with it");
}

TEST(DecideTest, AMissingTestNeedsReview) {
  Decision d = decide(built_and_tested({rec("a", RunStatus::failed), rec("b", RunStatus::passed)},
                                       {rec("b", RunStatus::passed)}));
  EXPECT_EQ(d.verdict, Verdict::needs_review);
  EXPECT_EQ(d.reason, "the fix weakens tests (1): missing a");
}

TierResult tier(const std::string& name, TierKind kind, bool required, TierStatus status) {
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
  r.tiers.push_back(tier("tests", TierKind::ctest, true, TierStatus::passed));
  return r;
}

TEST(DecideTest, ARequiredTierThatFailedRejects) {
  AttemptResult r = green();
  r.tiers.push_back(tier("static", TierKind::clang_tidy, true, TierStatus::failed));
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::rejected);
  EXPECT_EQ(d.reason, "required tier 'static' (clang-tidy) failed: why");
}

TEST(DecideTest, ARequiredTierThatCouldNotRunIsAnErrorNeverAnAccept) {
  AttemptResult r = green();
  r.tiers.push_back(tier("asan", TierKind::sanitizers, true, TierStatus::error));
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::error);
  EXPECT_EQ(d.reason, "required tier 'asan' could not run: why");
}

TEST(DecideTest, AnAdvisoryTierReportsButDoesNotRejectUnlessTheChangeIsHighRisk) {
  AttemptResult r = green();
  r.tiers.push_back(tier("lint", TierKind::command, false, TierStatus::failed));
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::accepted);
  EXPECT_EQ(d.reason, "the build passed, no test regressed, 1 test(s) fixed; advisory tier(s) failed (reported only): lint");
  r.risk = {RiskLevel::high, "CMakeLists.txt", "CMakeLists.txt"};
  d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::rejected);
  EXPECT_EQ(d.reason, "high-risk change (CMakeLists.txt matches CMakeLists.txt) and advisory tier(s) failed: lint");
  r.tiers.back().status = TierStatus::passed;
  EXPECT_EQ(decide(r).verdict, Verdict::accepted);
}

TEST(DecideTest, ACriticalPathNeedsReview) {
  AttemptResult r = green();
  r.risk = {RiskLevel::critical, ".github/**", ".github/workflows/ci.yml"};
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::needs_review);
  EXPECT_EQ(d.reason, "the fix changes a critical path: .github/workflows/ci.yml (matches .github/**)");
}

TEST(DecideTest, TamperingNeedsReviewUnlessDowngraded) {
  AttemptResult r = green();
  r.tampering.push_back({TamperKind::test_source_edited, "tests/a_test.cpp", 3, "", "edited", false});
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::needs_review);
  EXPECT_EQ(d.reason, "the fix weakens tests (1): test_source_edited tests/a_test.cpp");
  r.tampering.back().downgraded = true;
  EXPECT_EQ(decide(r).verdict, Verdict::accepted);
}

TEST(DecideTest, ARegressionRejectsBeforeAnythingNeedsReview) {
  AttemptResult r = built_and_tested({rec("a", RunStatus::passed), rec("b", RunStatus::passed)},
                                     {rec("a", RunStatus::failed), rec("b", RunStatus::passed)});
  r.tampering.push_back({TamperKind::disabled, "b_test.cpp", 3, "b", "", false});
  r.risk = {RiskLevel::critical, "x", "y"};
  r.cascading.push_back({"a", CascadeKind::cascading, "src/x.cpp", {"a_test", "x", "src/x.cpp"}});
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::rejected);
  EXPECT_EQ(d.reason, "1 test(s) broken by the fix (1 cascading, outside what the fix aimed at): a passed without the fix and fails with it");
}

TEST(DecideTest, ATestTheFixDisabledNeedsReviewAndIsNoRegression) {
  AttemptResult r = built_and_tested({rec("a", RunStatus::failed), rec("b", RunStatus::passed)},
                                     {rec("a", RunStatus::passed), rec("b", RunStatus::skipped)});
  EXPECT_EQ(decide(r).verdict, Verdict::rejected);  // skipped with no explanation: a regression
  r.tampering.push_back({TamperKind::disabled, "b_test.cpp", 11, "b", "TEST(S, b) renamed to DISABLED_b", false});
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
  r.lane = {Lane::docs, "docs only"};
  r.tiers.push_back(tier("secrets", TierKind::secrets, true, TierStatus::passed));
  r.tiers.push_back(tier("tests", TierKind::ctest, true, TierStatus::skipped));
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
  r.tiers.push_back(tier("tests", TierKind::ctest, true, TierStatus::skipped));
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

TEST(DecideTest, ABuildThatRanOutOfTimeIsAnErrorNotARejection) {
  AttemptResult r;
  r.build = {true, false, 300.0, {}, "build failed (timed out after 300 s)", true};
  Decision d = decide(r);
  EXPECT_EQ(d.verdict, Verdict::error);
  EXPECT_EQ(d.reason, "the build with the fix did not finish in time (build failed (timed out after 300 s)): that says "
                      "nothing about the fix; raise --timeout");
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
