// SPDX-License-Identifier: MIT
#include "gate/policy/batch_plan.h"
#include "tests/unit/batch_plan_fakes.h"

#include <cmath>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace autofix {
namespace {

using testing::independent;
using testing::run;
using testing::with;

// A judge that knows which fixes are bad: a set fails when it holds a bad fix or both fixes of an
// interacting pair; a fix does not apply after its `conflicts` partner. Counts the build+test runs.
struct FakeJudge {
  std::set<std::size_t> bad;
  std::vector<std::pair<std::size_t, std::size_t>> interacting;
  std::vector<std::pair<std::size_t, std::size_t>> conflicts;  // {first, second}: second does not apply after first
  std::size_t runs = 0;

  StepOutcome operator()(const std::vector<std::size_t>& set) {
    std::set<std::size_t> applied;
    for (std::size_t i : set) {
      for (auto [first, second] : conflicts)
        if (second == i && applied.contains(first)) return {StepOutcome::Kind::not_applied, i, "hunk 1 fails"};
      applied.insert(i);
    }
    ++runs;
    for (std::size_t i : set)
      if (bad.contains(i)) return {StepOutcome::Kind::failed, 0, "test t" + std::to_string(i) + " broke"};
    for (auto [a, b] : interacting)
      if (applied.contains(a) && applied.contains(b)) return {StepOutcome::Kind::failed, 0, "test pair broke"};
    return {StepOutcome::Kind::passed, 0, ""};
  }
};




std::size_t bound(std::size_t k, std::size_t n) {
  return 1 + 2 * k * static_cast<std::size_t>(std::ceil(std::log2(static_cast<double>(n))));
}

// Every placement of k bad fixes among 16: the culprits exactly, every other fix accepted, and the runs
// within 1 + 2·k·⌈log2 n⌉.
void check_every_placement(std::size_t k) {
  constexpr std::size_t n = 16;
  std::size_t worst = 0, placements = 0;
  std::vector<std::size_t> bad(k);
  std::function<void(std::size_t, std::size_t)> place = [&](std::size_t from, std::size_t depth) {
    if (depth == k) {
      FakeJudge judge;
      judge.bad.insert(bad.begin(), bad.end());
      BatchPlan plan = run(independent(n, BatchStrategy::best_effort), judge);
      EXPECT_EQ(with(plan, FixVerdict::rejected), judge.bad);
      EXPECT_EQ(with(plan, FixVerdict::accepted).size(), n - k);
      EXPECT_EQ(plan.accepted.size(), n - k);
      EXPECT_EQ(plan.runs, judge.runs);
      EXPECT_LE(plan.runs, bound(k, n)) << "bad fixes starting at " << bad.front();
      worst = std::max(worst, plan.runs);
      ++placements;
      return;
    }
    for (std::size_t i = from; i < n; ++i) {
      bad[depth] = i;
      place(i + 1, depth + 1);
    }
  };
  place(0, 0);
  EXPECT_GT(placements, 0u);
  ::testing::Test::RecordProperty("worst_runs", static_cast<int>(worst));
}

TEST(Bisection, OneBadFixAmongSixteen) { check_every_placement(1); }
TEST(Bisection, TwoBadFixesAmongSixteen) { check_every_placement(2); }
TEST(Bisection, ThreeBadFixesAmongSixteen) { check_every_placement(3); }

TEST(Bisection, OneBadFixTakesExactlyTheRunsOfItsPath) {
  // f15 bad: all (fail), then the left halves 0-7, 8-11, 12-13 and f14 pass; f15 is known to fail on
  // them, and is judged once more alone (it could fail only with one of them: an interaction).
  FakeJudge judge;
  judge.bad = {15};
  BatchPlan plan = run(independent(16, BatchStrategy::best_effort), judge);
  EXPECT_EQ(plan.runs, 6u);
  EXPECT_EQ(plan.steps.back().set, std::vector<std::size_t>{15});
  EXPECT_EQ(plan.steps.back().purpose, "confirm alone");
  EXPECT_EQ(plan.decisions[15].reason, "test t15 broke (step 6)");
  EXPECT_EQ(plan.decisions[15].step, 5u);
  // f0 bad: all, f0-7, f0-3, f0-1, f0 fail; then f1, f2-3, f4-7, f8-15 pass: 9 runs, the bound.
  FakeJudge first;
  first.bad = {0};
  EXPECT_EQ(run(independent(16, BatchStrategy::best_effort), first).runs, 9u);
}

TEST(Bisection, NoBadFixTakesOneRun) {
  FakeJudge judge;
  BatchPlan plan = run(independent(16, BatchStrategy::best_effort), judge);
  EXPECT_EQ(plan.runs, 1u);
  EXPECT_EQ(plan.one_by_one_runs, 16u);
  EXPECT_EQ(with(plan, FixVerdict::accepted).size(), 16u);
  EXPECT_EQ(plan.decisions[3].reason, "passes with the accepted set (step 1)");
}

TEST(Bisection, AnInteractionNamesThePair) {
  FakeJudge judge;
  judge.interacting = {{3, 12}};
  BatchPlan plan = run(independent(16, BatchStrategy::best_effort), judge);
  EXPECT_EQ(with(plan, FixVerdict::interaction), (std::set<std::size_t>{12}));
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{}));
  EXPECT_EQ(plan.decisions[12].partner, 3u);
  EXPECT_TRUE(plan.decisions[12].reason.find("fails together with f3") != std::string::npos) << plan.decisions[12].reason;
  EXPECT_EQ(with(plan, FixVerdict::accepted).size(), 15u);
  // The accepted set was verified as a whole: its last passing step holds exactly it.
  std::vector<std::size_t> last_passing;
  for (const PlanStep& s : plan.steps)
    if (s.outcome.kind == StepOutcome::Kind::passed) last_passing = s.set;
  EXPECT_EQ(last_passing, plan.accepted);
}

TEST(Bisection, EveryInteractingPairAmongSixteenIsReportedAsSuch) {
  for (std::size_t a = 0; a < 16; ++a)
    for (std::size_t b = a + 1; b < 16; ++b) {
      FakeJudge judge;
      judge.interacting = {{a, b}};
      BatchPlan plan = run(independent(16, BatchStrategy::best_effort), judge);
      EXPECT_EQ(with(plan, FixVerdict::interaction), (std::set<std::size_t>{b})) << a << "+" << b;
      EXPECT_EQ(plan.decisions[b].partner, a) << a << "+" << b;
      EXPECT_EQ(with(plan, FixVerdict::accepted).size(), 15u) << a << "+" << b;
    }
}

TEST(Bisection, AnInteractionInsideOneHalf) {
  FakeJudge judge;
  judge.interacting = {{1, 2}};
  BatchPlan plan = run(independent(8, BatchStrategy::best_effort), judge);
  EXPECT_EQ(with(plan, FixVerdict::interaction), (std::set<std::size_t>{2}));
  EXPECT_EQ(plan.decisions[2].partner, 1u);
  EXPECT_EQ(with(plan, FixVerdict::accepted), (std::set<std::size_t>{0, 1, 3, 4, 5, 6, 7}));
}

TEST(Bisection, DependentsOfACulpritAreDropped) {
  BatchPlanInput in = independent(8, BatchStrategy::best_effort);
  in.deps[5] = {2};
  in.deps[6] = {5};
  FakeJudge judge;
  judge.bad = {2};
  BatchPlan plan = run(in, judge);
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{2}));
  EXPECT_EQ(with(plan, FixVerdict::skipped), (std::set<std::size_t>{5, 6}));
  EXPECT_EQ(plan.decisions[5].reason, "depends on f2, which was rejected");
  EXPECT_EQ(plan.decisions[6].reason, "depends on f2, which was rejected");
  EXPECT_EQ(plan.accepted, (std::vector<std::size_t>{0, 1, 3, 4, 7}));
  // No judged set ever held a fix without what it depends on.
  for (const PlanStep& s : plan.steps)
    for (std::size_t p = 0; p < s.set.size(); ++p) {
      for (std::size_t d : in.deps[s.set[p]])
        EXPECT_NE(std::find(s.set.begin(), s.set.begin() + static_cast<std::ptrdiff_t>(p), d),
                  s.set.begin() + static_cast<std::ptrdiff_t>(p));
    }
}

TEST(Bisection, DependencyOrderIsTheOrderApplied) {
  BatchPlanInput in = independent(3, BatchStrategy::best_effort);
  in.deps[0] = {2};
  FakeJudge judge;
  BatchPlan plan = run(in, judge);
  EXPECT_EQ(plan.accepted, (std::vector<std::size_t>{1, 2, 0}));
  EXPECT_EQ(plan.steps.front().set, (std::vector<std::size_t>{1, 2, 0}));
}

TEST(Bisection, AFixThatDoesNotApplyAfterAnotherIsSkipped) {
  FakeJudge judge;
  judge.conflicts = {{1, 4}};
  BatchPlanInput in = independent(6, BatchStrategy::best_effort);
  in.deps[5] = {4};
  BatchPlan plan = run(in, judge);
  EXPECT_EQ(with(plan, FixVerdict::skipped), (std::set<std::size_t>{4, 5}));
  EXPECT_EQ(plan.decisions[4].reason, "does not apply after f0, f1, f2 and f3: hunk 1 fails");
  EXPECT_EQ(plan.decisions[5].reason, "depends on f4, which was skipped");
  EXPECT_EQ(plan.accepted, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(plan.runs, 1u);  // a set that does not apply is not built
  EXPECT_EQ(plan.steps.size(), 2u);
}

TEST(Bisection, RefusedFixesAndTheirDependentsAreNeverJudged) {
  BatchPlanInput in = independent(4, BatchStrategy::best_effort);
  in.refused = {std::nullopt, std::string("the patch does not apply: hunk 1 of a.cpp"), std::nullopt, std::nullopt};
  in.deps[3] = {1};
  FakeJudge judge;
  BatchPlan plan = run(in, judge);
  EXPECT_EQ(plan.decisions[1].verdict, FixVerdict::refused);
  EXPECT_EQ(plan.decisions[3].reason, "depends on f1, which was refused");
  EXPECT_EQ(plan.steps.front().set, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(plan.one_by_one_runs, 3u);
}

// ---- each strategy's accepted set ----------------------------------------------------------------------

// Eight fixes: f2 and f5 bad, f6 depends on f2, f7 does not apply after f3.
BatchPlanInput eight(BatchStrategy strategy) {
  BatchPlanInput in = independent(8, strategy);
  in.deps[6] = {2};
  return in;
}
FakeJudge eight_judge() {
  FakeJudge judge;
  judge.bad = {2, 5};
  judge.conflicts = {{3, 7}};
  return judge;
}

TEST(BatchStrategies, AllOrNothingLandsNothingAndNamesTheCulprits) {
  FakeJudge judge = eight_judge();
  BatchPlan plan = run(eight(BatchStrategy::all_or_nothing), judge);
  EXPECT_TRUE(plan.accepted.empty());
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{2, 5}));
  EXPECT_EQ(with(plan, FixVerdict::skipped), (std::set<std::size_t>{0, 1, 3, 4, 6, 7}));
  EXPECT_EQ(plan.decisions[0].reason, "not landed: the batch is all_or_nothing and f2 and f5 fail");
  EXPECT_EQ(plan.decisions[6].reason, "depends on f2, which was rejected");
  EXPECT_EQ(plan.decisions[7].reason, "does not apply after f0, f1, f2, f3, f4 and 2 more: hunk 1 fails");
}

TEST(BatchStrategies, AllOrNothingLandsAllWhenAllPass) {
  FakeJudge judge;
  BatchPlan plan = run(independent(5, BatchStrategy::all_or_nothing), judge);
  EXPECT_EQ(plan.accepted, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(plan.runs, 1u);
}

TEST(BatchStrategies, BestEffortLandsTheLargestPassingSet) {
  FakeJudge judge = eight_judge();
  BatchPlan plan = run(eight(BatchStrategy::best_effort), judge);
  EXPECT_EQ(plan.accepted, (std::vector<std::size_t>{0, 1, 3, 4}));
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{2, 5}));
  EXPECT_EQ(with(plan, FixVerdict::skipped), (std::set<std::size_t>{6, 7}));
}

TEST(BatchStrategies, CheckpointVerifiesGroupsInOrder) {
  FakeJudge judge = eight_judge();
  BatchPlanInput in = eight(BatchStrategy::checkpoint);
  in.checkpoint_every = 3;
  BatchPlan plan = run(in, judge);
  EXPECT_EQ(plan.accepted, (std::vector<std::size_t>{0, 1, 3, 4}));
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{2, 5}));
  ASSERT_EQ(plan.checkpoints.size(), 2u);
  EXPECT_EQ(plan.checkpoints[0].fixes, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(plan.checkpoints[1].fixes, (std::vector<std::size_t>{0, 1, 3, 4}));
  EXPECT_EQ(plan.steps.front().set, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(plan.steps.front().purpose, "checkpoint 1");
}

TEST(BatchStrategies, ContinueOnErrorJudgesEachFixAlone) {
  FakeJudge judge = eight_judge();
  BatchPlan plan = run(eight(BatchStrategy::continue_on_error), judge);
  // Alone, f7 applies (f3 is not there): it passes.
  EXPECT_EQ(plan.accepted, (std::vector<std::size_t>{0, 1, 3, 4, 7}));
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{2, 5}));
  EXPECT_EQ(with(plan, FixVerdict::skipped), (std::set<std::size_t>{6}));
  EXPECT_EQ(plan.runs, 7u);
  for (const PlanStep& s : plan.steps) EXPECT_EQ(s.set.size(), 1u);
}

TEST(BatchStrategies, ContinueOnErrorJudgesAFixWithWhatItDependsOn) {
  BatchPlanInput in = independent(3, BatchStrategy::continue_on_error);
  in.deps[2] = {0};
  FakeJudge judge;
  BatchPlan plan = run(in, judge);
  EXPECT_EQ(plan.steps.back().set, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(plan.accepted, (std::vector<std::size_t>{0, 1, 2}));
}

}  // namespace
}  // namespace autofix
