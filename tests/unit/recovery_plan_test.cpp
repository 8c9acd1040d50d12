// SPDX-License-Identifier: MIT
// Recovery plans (gate/policy/recovery_plan.h): the matrix, the exact commands, and the lanes.
#include "gate/policy/recovery_plan.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

TestRecord record_of(const std::string& name, RunStatus status) {
  TestRecord r;
  r.name = name;
  r.status = status;
  return r;
}

using Steps = std::vector<RecoveryStep>;

AttemptResult attempt_with(std::vector<std::string> command) {
  AttemptResult r;
  r.verdict = Verdict::rejected;
  r.mode = "attempt";
  r.snapshot = "20261207T193000Z-abc123";
  r.command = std::move(command);
  r.build.ran = true;
  r.build.ok = true;
  return r;
}

std::vector<std::string> actions(const Steps& steps) {
  std::vector<std::string> out;
  for (const RecoveryStep& s : steps) out.emplace_back(to_string(s.action));
  return out;
}

TEST(RecoveryPlan, ABuildTimeoutIsRetriedWithTwiceTheLimitBeforeTheFixersDashes) {
  AttemptResult r = attempt_with({"autofix-gate", "attempt", "--json", "--", "./agent", "--timeout", "5"});
  r.verdict = Verdict::error;
  r.build = {true, false, 600, {}, "build timed out after 600 s", true};
  Steps plan = recovery_plan(r, {FailureType::timeout, "", {}});
  EXPECT_EQ(actions(plan), (std::vector<std::string>{"retry", "manual"}));
  EXPECT_EQ(plan[0].command, "autofix-gate attempt --json --timeout 1200 -- ./agent --timeout 5");

  r.command = {"autofix-gate", "attempt", "--timeout", "90", "--patch", "my fix.diff"};
  EXPECT_EQ(recovery_plan(r, {FailureType::timeout, "", {}})[0].command,
            "autofix-gate attempt --timeout 180 --patch 'my fix.diff'");
  r.command = {"autofix-gate", "verify", "--timeout=45"};
  EXPECT_EQ(recovery_plan(r, {FailureType::timeout, "", {}})[0].command, "autofix-gate verify --timeout=90");
}

TEST(RecoveryPlan, ATestTimeoutDoublesTheTestLimitAndNamesTheTests) {
  AttemptResult r = attempt_with({"autofix-gate", "attempt", "--patch", "f.diff"});
  TestOutcome t;
  t.name = t.ctest_test = "hangs";
  t.transition = Transition::PASS_TO_FAIL;
  t.baseline = record_of("hangs", RunStatus::passed);
  t.after = record_of("hangs", RunStatus::timeout);
  r.tests.push_back(t);
  Steps plan = recovery_plan(r, {FailureType::timeout, "", {}});
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].command, "autofix-gate attempt --patch f.diff --test-timeout 600");
  EXPECT_EQ(plan[0].why,
            "tests reached their time limit (hangs); retry with twice the limit, or set test_timeout in "
            "autofix-gate.json or the tests' TIMEOUT property");
}

TEST(RecoveryPlan, ARegressionSaysTheRollbackIsDoneAndWhereTheBrokenTestsFail) {
  AttemptResult r = attempt_with({"autofix-gate", "attempt", "--patch", "f.diff"});
  TestOutcome t;
  t.name = t.ctest_test = "math";
  t.transition = Transition::PASS_TO_FAIL;
  t.baseline = record_of("math", RunStatus::passed);
  t.after = record_of("math", RunStatus::failed);
  t.first_failure = FailedAssertion{{"tests/math_test.cpp", 12}, "Expected equality"};
  r.tests.push_back(t);
  Steps plan = recovery_plan(r, {FailureType::test_regression, "", {}});
  EXPECT_EQ(plan, (Steps{{RecoveryAction::rollback, "",
                          "already done: the tree was restored to snapshot 20261207T193000Z-abc123 and verified (what "
                          "you changed meanwhile was kept)"},
                         {RecoveryAction::skip, "", "drop this fix, or send it back to the fixer with the failing tests"},
                         {RecoveryAction::manual, "",
                          "look at the broken tests and where they fail: math (tests/math_test.cpp:12)"}}));
}

TEST(RecoveryPlan, ABuildFailureNamesTheFilesOfItsErrors) {
  AttemptResult r = attempt_with({"autofix-gate", "attempt", "--patch", "f.diff"});
  r.build.ok = false;
  r.build.errors = {"src/a.cpp:2:5: error: x", "src/a.cpp:9:1: error: y", "ninja: build stopped: subcommand failed."};
  Steps plan = recovery_plan(r, {FailureType::build_failure, "", {}});
  EXPECT_EQ(actions(plan), (std::vector<std::string>{"rollback", "skip", "manual"}));
  EXPECT_EQ(plan[2].why, "look at the build errors at src/a.cpp:2:5, src/a.cpp:9:1");
}

TEST(RecoveryPlan, EnvironmentFailuresAreRetriedAfterWhatMustBeDone) {
  AttemptResult r = attempt_with({"autofix-gate", "attempt", "--patch", "f.diff"});
  Steps network = recovery_plan(r, {FailureType::network, "", {"Could not resolve host: github.com"}});
  EXPECT_EQ(actions(network), (std::vector<std::string>{"retry", "manual"}));
  EXPECT_EQ(network[0].command, "autofix-gate attempt --patch f.diff");
  EXPECT_EQ(network[0].why, "a download failed (Could not resolve host: github.com): usually transient");
  Steps disk = recovery_plan(r, {FailureType::resource_exhaustion, "", {"No space left on device"}});
  EXPECT_EQ(disk[0].command, "df -h . && autofix-gate snapshots prune --keep 10 && autofix-gate attempt --patch f.diff");
  // A report that does not say which command ran: the clean-up alone.
  r.command.clear();
  EXPECT_EQ(recovery_plan(r, {FailureType::resource_exhaustion, "", {}})[0].command,
            "df -h . && autofix-gate snapshots prune --keep 10");
}

TEST(RecoveryPlan, TamperingNeedsAPersonThenMayBeRetriedWithTestEditsAllowed) {
  AttemptResult r = attempt_with({"autofix-gate", "attempt", "--", "./agent", "fix"});
  Steps plan = recovery_plan(r, {FailureType::tampering, "", {"disabled a (CMakeLists.txt)"}});
  EXPECT_EQ(actions(plan), (std::vector<std::string>{"manual", "retry"}));
  EXPECT_EQ(plan[1].command, "autofix-gate attempt --allow-test-edits -- ./agent fix");
  r.command = {"autofix-gate", "attempt", "--allow-test-edits", "--patch", "f.diff"};
  EXPECT_EQ(actions(recovery_plan(r, {FailureType::tampering, "", {}})), std::vector<std::string>{"manual"});
}

TEST(RecoveryPlan, QualityGatesArSkippedGitErrorsCheckedUnfinishedOperationsRecovered) {
  AttemptResult r = attempt_with({"autofix-gate", "attempt", "--patch", "f.diff"});
  EXPECT_EQ(actions(recovery_plan(r, {FailureType::quality_gate, "", {"tier static: 1 new finding"}})),
            (std::vector<std::string>{"skip", "manual"}));
  Steps git = recovery_plan(r, {FailureType::git_error, "", {}});
  EXPECT_EQ(git[0].command, "autofix-gate status && git status");
  EXPECT_EQ(actions(recovery_plan(r, {FailureType::patch_refused, "", {}})), (std::vector<std::string>{"manual", "skip"}));
  r.error_kind = "busy";
  Steps busy = recovery_plan(r, {FailureType::unknown, "", {}});
  EXPECT_EQ(busy.front(), (RecoveryStep{RecoveryAction::resume, "autofix-gate recover",
                                        "an unfinished operation holds the tree: recover restores it, then retry"}));
}

TEST(RecoveryPlan, TheDocsLaneRetriesFirstAndTheHeavyLaneEndsWithAFullRevalidation) {
  AttemptResult r = attempt_with({"autofix-gate", "attempt", "--patch", "f.diff"});
  r.lane.lane = Lane::docs;
  EXPECT_EQ(actions(recovery_plan(r, {FailureType::quality_gate, "", {}})),
            (std::vector<std::string>{"retry", "skip", "manual"}));
  r.lane.lane = Lane::heavy;
  Steps heavy = recovery_plan(r, {FailureType::quality_gate, "", {}});
  EXPECT_EQ(actions(heavy), (std::vector<std::string>{"skip", "manual", "retry"}));
  EXPECT_EQ(heavy.back().command, "autofix-gate baseline && autofix-gate attempt --patch f.diff");
}

TEST(RecoveryPlan, ExplainOutcomeSetsBothOrNeither) {
  AttemptResult r = attempt_with({"autofix-gate", "attempt", "--patch", "f.diff"});
  r.reason = "the patch was refused: does not apply";
  r.patch_refused = true;
  explain_outcome(r);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->type, FailureType::patch_refused);
  EXPECT_EQ(actions(r.recovery), (std::vector<std::string>{"manual", "skip"}));
  r.verdict = Verdict::accepted;
  explain_outcome(r);
  EXPECT_FALSE(r.failure);
  EXPECT_TRUE(r.recovery.empty());
}

TEST(RecoveryPlan, AnOpenBreakerSaysWhyWhenItHalfOpensAndHowToResetIt) {
  AttemptResult r = attempt_with({"autofix-gate", "attempt", "--patch", "fix.diff"});
  r.verdict = Verdict::refused_breaker_open;
  r.snapshot.clear();
  r.lane.lane = Lane::heavy;  // a refused attempt has no lane: no full re-validation either
  r.breaker = BreakerRefusal{"/work/r|main|any", "rejected: the build failed\ntest A", 4, "2026-12-07T20:00:00Z",
                             "2026-12-08T20:00:00Z", "autofix-gate breaker reset /work/r\\|main\\|any"};
  explain_outcome(r);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, (Failure{FailureType::breaker_open, "rejected: the build failed\ntest A",
                                 {"breaker /work/r|main|any open since 2026-12-07T20:00:00Z after 4 consecutive rejections"}}));
  EXPECT_EQ(r.recovery,
            (Steps{{RecoveryAction::manual, "",
                    "the same target was rejected 4 times in a row (last failure: rejected: the build failed): look at why "
                    "(the rejected attempts' summary.md) before another attempt"},
                   {RecoveryAction::retry, "",
                    "wait: the breaker half-opens at 2026-12-08T20:00:00Z, then one attempt may run again"},
                   {RecoveryAction::retry, "autofix-gate breaker reset /work/r\\|main\\|any",
                    "or reset the breaker now, once the cause is fixed (recorded in the history)"}}));
}

}  // namespace
}  // namespace autofix
