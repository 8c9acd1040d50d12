// SPDX-License-Identifier: MIT
// Culprit bisection with suspect narrowing (gate/policy/bisection.h, settle_failed): exact runs, steps
// and culprits through a fake judge that knows which files each fix changes and each test builds from.
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "gate/policy/batch_plan.h"
#include "tests/unit/batch_plan_fakes.h"

namespace autofix {
namespace {

using testing::independent;
using testing::run;
using testing::with;

// Fix i changes files[i]; test t builds from builds[t]. A set fails when it holds a fix of `breaks`
// (fix → the test it breaks) or both fixes of an interacting pair (→ the test they break together).
// The failure names, per broken test, the fixes of the set that change a file the test builds from,
// as the live judge traces them through the build graph; a test in `untraced` is broken without
// suspects (no graph for it), which leaves the whole failure unnarrowed.
struct GraphJudge {
  std::vector<std::set<std::string>> files;
  std::map<std::string, std::set<std::string>> builds;
  std::map<std::size_t, std::string> breaks;
  std::vector<std::tuple<std::size_t, std::size_t, std::string>> interacting;
  std::set<std::string> untraced;
  std::size_t runs = 0;

  StepOutcome operator()(const std::vector<std::size_t>& set) {
    ++runs;
    std::set<std::size_t> in(set.begin(), set.end());
    std::set<std::string> broken;
    for (std::size_t i : set)
      if (breaks.contains(i)) broken.insert(breaks.at(i));
    for (const auto& [a, b, test] : interacting)
      if (in.contains(a) && in.contains(b)) broken.insert(test);
    if (broken.empty()) return {StepOutcome::Kind::passed, 0, "", std::nullopt};
    std::string reason;
    for (const std::string& t : broken) reason += (reason.empty() ? "" : ", ") + t;
    StepOutcome out{StepOutcome::Kind::failed, 0, reason + " broke", std::vector<SuspectGroup>{}};
    for (const std::string& t : broken) {
      if (untraced.contains(t)) {
        out.suspects.reset();
        break;
      }
      SuspectGroup g{t, {}};
      for (std::size_t i : set)
        for (const std::string& f : files[i])
          if (builds[t].contains(f) && (g.fixes.empty() || g.fixes.back() != i)) g.fixes.push_back(i);
      out.suspects->push_back(std::move(g));
    }
    return out;
  }
};

// n fixes, fix i changes src/u<i>.cpp, test t<i> builds from it alone (the benchmark's project).
GraphJudge own_library_each(std::size_t n) {
  GraphJudge j;
  for (std::size_t i = 0; i < n; ++i) {
    j.files.push_back({"src/u" + std::to_string(i) + ".cpp"});
    j.builds["t" + std::to_string(i)] = {"src/u" + std::to_string(i) + ".cpp"};
  }
  return j;
}




std::vector<std::size_t> range_without(std::size_t n, std::set<std::size_t> left_out) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < n; ++i)
    if (!left_out.contains(i)) out.push_back(i);
  return out;
}

std::size_t bound(std::size_t k, std::size_t n) {
  return 1 + 2 * k * static_cast<std::size_t>(std::ceil(std::log2(static_cast<double>(n))));
}

TEST(BisectionSuspects, OneCulpritAmongThirtyTwoTakesTwoRuns) {
  GraphJudge judge = own_library_each(32);
  judge.breaks = {{7, "t7"}};
  BatchPlan plan = run(independent(32), judge);
  EXPECT_EQ(plan.runs, 2u);
  EXPECT_EQ(judge.runs, 2u);
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[1].purpose, "without the suspects");
  EXPECT_EQ(plan.steps[1].set, range_without(32, {7}));
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{7}));
  EXPECT_EQ(plan.decisions[7].reason,
            "t7 broke (step 1); of the set's fixes only it reaches t7 through the build; the set without the "
            "suspects passes (step 2)");
  EXPECT_EQ(plan.decisions[7].step, 0u);
  EXPECT_EQ(plan.accepted, range_without(32, {7}));
  EXPECT_EQ(plan.decisions[0].reason, "passes with the accepted set (step 2)");
}

TEST(BisectionSuspects, EveryPlacementOfUpToThreeCulpritsTakesTwoRuns) {
  constexpr std::size_t n = 16;
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = a + 1; b < n; ++b)
      for (std::size_t c = b + 1; c <= n; ++c) {  // c == n: only two culprits
        GraphJudge judge = own_library_each(n);
        judge.breaks = {{a, "t" + std::to_string(a)}, {b, "t" + std::to_string(b)}};
        std::set<std::size_t> bad{a, b};
        if (c < n) {
          judge.breaks[c] = "t" + std::to_string(c);
          bad.insert(c);
        }
        BatchPlan plan = run(independent(n), judge);
        ASSERT_EQ(with(plan, FixVerdict::rejected), bad);
        ASSERT_EQ(plan.runs, 2u);
        ASSERT_EQ(plan.accepted.size(), n - bad.size());
      }
}

TEST(BisectionSuspects, ASingleFixThatFailsIsRejectedWithoutAnotherRun) {
  GraphJudge judge = own_library_each(1);
  judge.breaks = {{0, "t0"}};
  BatchPlan plan = run(independent(1), judge);
  EXPECT_EQ(plan.runs, 1u);
  EXPECT_EQ(plan.decisions[0].verdict, FixVerdict::rejected);
  EXPECT_EQ(plan.decisions[0].reason, "t0 broke (step 1); of the set's fixes only it reaches t0 through the build");
}

TEST(BisectionSuspects, OnlyBrokenTestsNameSuspects) {
  GraphJudge judge = own_library_each(8);
  judge.builds["t1"].insert("src/u3.cpp");  // t1 builds from u1 and u3
  judge.breaks = {{3, "t3"}};
  // f3 breaks t3; t1 reaches f1 and f3, but it is not broken: one suspect.
  BatchPlan plan = run(independent(8), judge);
  EXPECT_EQ(plan.runs, 2u);
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{3}));
}

// t0 builds from the files of f0 and f1; f1 breaks it. The suspects are f0 and f1: the others join the
// base in one run, and only the two suspects are bisected (f0 passes; f1, known to fail, is judged once
// more without f0, since f0 joined during the bisection).
TEST(BisectionSuspects, ABrokenTestBuildingFromTwoFixesFilesBisectsOnlyThem) {
  GraphJudge judge = own_library_each(8);
  judge.builds["t0"] = {"src/u0.cpp", "src/u1.cpp"};
  judge.breaks = {{1, "t0"}};
  BatchPlan plan = run(independent(8), judge);
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{1}));
  EXPECT_EQ(plan.runs, 4u);
  ASSERT_EQ(plan.steps.size(), 4u);
  EXPECT_EQ(plan.steps[1].purpose, "without the suspects");
  EXPECT_EQ(plan.steps[1].set, (std::vector<std::size_t>{2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(plan.steps[2].set, (std::vector<std::size_t>{0, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(plan.steps[2].outcome.kind, StepOutcome::Kind::passed);
  EXPECT_EQ(plan.steps[3].purpose, "confirm alone");
  EXPECT_EQ(plan.steps[3].set, (std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(plan.decisions[1].reason, "t0 broke (step 4)");
  EXPECT_EQ(plan.accepted, (std::vector<std::size_t>{0, 2, 3, 4, 5, 6, 7}));
  // Without narrowing, the same batch takes 7 runs (all, f0-3, f0-1, f0, f1 alone, f2-3, f4-7).
  GraphJudge plain = judge;
  plain.untraced = {"t0"};
  plain.runs = 0;
  EXPECT_EQ(run(independent(8), plain).runs, 7u);
}

// f2 and f5 pass alone and break t2 together (t2 builds from both files): reported as an interaction,
// with its partner, in four runs.
TEST(BisectionSuspects, AnInteractionPairIsReportedAsSuch) {
  GraphJudge judge = own_library_each(8);
  judge.builds["t2"] = {"src/u2.cpp", "src/u5.cpp"};
  judge.interacting = {{2, 5, "t2"}};
  BatchPlan plan = run(independent(8), judge);
  EXPECT_EQ(with(plan, FixVerdict::interaction), (std::set<std::size_t>{5}));
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{}));
  EXPECT_EQ(plan.decisions[5].partner, 2u);
  EXPECT_EQ(plan.decisions[5].reason, "passes without the others (step 4) but fails together with f2 (step 1); f2 was kept");
  EXPECT_EQ(plan.runs, 4u);
  EXPECT_LE(plan.runs, bound(1, 8));
  EXPECT_EQ(plan.accepted, (std::vector<std::size_t>{0, 1, 2, 3, 4, 6, 7}));
}

// A failure the suspects do not explain (f9's broken test has no graph): the set without the suspects
// fails too, and both parts are bisected as usual.
TEST(BisectionSuspects, AFailureWithoutSuspectsFallsBackToBisection) {
  GraphJudge judge = own_library_each(16);
  judge.breaks = {{1, "t1"}, {9, "t9"}};
  judge.untraced = {"t9"};
  BatchPlan plan = run(independent(16), judge);
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{1, 9}));
  EXPECT_EQ(plan.runs, judge.runs);
  EXPECT_LE(plan.runs, bound(2, 16));
  EXPECT_EQ(plan.accepted.size(), 14u);
}

TEST(BisectionSuspects, AnUntracedFailureIsBisectedAsBefore) {
  // The broken test has no graph: plain bisection, the runs of a judge that names no suspects.
  GraphJudge judge = own_library_each(16);
  judge.breaks = {{15, "t15"}};
  judge.untraced = {"t15"};
  BatchPlan plan = run(independent(16), judge);
  EXPECT_EQ(plan.runs, 6u);  // as Bisection.OneBadFixTakesExactlyTheRunsOfItsPath
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{15}));
}

TEST(BisectionSuspects, DependentsOfASuspectAreLeftOutWithItAndSkipped) {
  GraphJudge judge = own_library_each(8);
  judge.breaks = {{3, "t3"}};
  BatchPlanInput in = independent(8);
  in.deps[4] = {3};
  BatchPlan plan = run(in, judge);
  EXPECT_EQ(plan.runs, 2u);
  EXPECT_EQ(plan.steps[1].set, (std::vector<std::size_t>{0, 1, 2, 5, 6, 7}));
  EXPECT_EQ(plan.decisions[3].verdict, FixVerdict::rejected);
  EXPECT_EQ(plan.decisions[4].verdict, FixVerdict::skipped);
  EXPECT_EQ(plan.decisions[4].reason, "depends on f3, which was rejected");
}

TEST(BisectionSuspects, ACheckpointGroupIsNarrowedOnItsBase) {
  GraphJudge judge = own_library_each(8);
  judge.breaks = {{6, "t6"}};
  BatchPlanInput in = independent(8, BatchStrategy::checkpoint);
  in.checkpoint_every = 4;
  BatchPlan plan = run(in, judge);
  // checkpoint 1 (f0-3) passes; checkpoint 2 (f0-7) fails naming f6; f0-5 and f7 pass without it.
  EXPECT_EQ(plan.runs, 3u);
  EXPECT_EQ(plan.steps[2].purpose, "without the suspects");
  EXPECT_EQ(plan.steps[2].set, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 7}));
  EXPECT_EQ(with(plan, FixVerdict::rejected), (std::set<std::size_t>{6}));
}

// Every fix shares its test with a neighbour (t<i> builds from the files of f<i> and f<i^1>): every
// placement of one or two culprits is found exactly, within the bound.
TEST(BisectionSuspects, SharedTestsStayWithinTheBound) {
  constexpr std::size_t n = 16;
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = a; b < n; ++b) {
      GraphJudge judge = own_library_each(n);
      for (std::size_t i = 0; i < n; ++i) judge.builds["t" + std::to_string(i)].insert("src/u" + std::to_string(i ^ 1) + ".cpp");
      judge.breaks = {{a, "t" + std::to_string(a)}, {b, "t" + std::to_string(b)}};
      std::set<std::size_t> bad{a, b};
      BatchPlan plan = run(independent(n), judge);
      ASSERT_EQ(with(plan, FixVerdict::rejected), bad) << a << " " << b;
      ASSERT_LE(plan.runs, bound(bad.size(), n)) << a << " " << b;
      ASSERT_EQ(plan.runs, judge.runs);
    }
}

}  // namespace
}  // namespace autofix
