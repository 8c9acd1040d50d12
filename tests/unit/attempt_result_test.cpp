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

TEST(DecideTest, RejectsAMissingTest) {
  Decision d = decide(built_and_tested({rec("a", RunStatus::failed), rec("b", RunStatus::passed)},
                                       {rec("b", RunStatus::passed)}));
  EXPECT_EQ(d.verdict, Verdict::rejected);
  EXPECT_EQ(d.reason, "1 test(s) ran before the fix and are gone with it: a");
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
}

}  // namespace
}  // namespace autofix
