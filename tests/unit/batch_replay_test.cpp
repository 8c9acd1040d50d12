// SPDX-License-Identifier: MIT
// Resuming a batch: a plan that replays the first m recorded steps and judges the rest live takes the
// same decisions, steps, checkpoints and accepted set as the uninterrupted run, for every m and every
// strategy, and asks the live judge only about the steps after m.
#include "gate/policy/batch_replay.h"

#include <iostream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "gate/util/error.h"

namespace autofix {
namespace {

// A set fails when it holds a bad fix or both fixes of the interacting pair; f6 does not apply after f5.
struct FakeJudge {
  std::set<std::size_t> bad{2, 9};
  std::pair<std::size_t, std::size_t> interacting{4, 11};
  std::size_t calls = 0;
  bool suspects = false;  // a failure names its suspects (each bad fix; the pair), as the live judge traces them

  StepOutcome operator()(const std::vector<std::size_t>& set) {
    StepOutcome o = judged(set);
    if (suspects && o.kind == StepOutcome::Kind::failed) {
      o.suspects.emplace();
      std::set<std::size_t> in(set.begin(), set.end());
      for (std::size_t i : set)
        if (bad.contains(i)) o.suspects->push_back({"t" + std::to_string(i), {i}});
      if (in.contains(interacting.first) && in.contains(interacting.second))
        o.suspects->push_back({"pair", {interacting.first, interacting.second}});
    }
    return o;
  }

  StepOutcome judged(const std::vector<std::size_t>& set) {
    ++calls;
    std::set<std::size_t> applied;
    for (std::size_t i : set) {
      if (i == 6 && applied.contains(5)) return {StepOutcome::Kind::not_applied, 6, "hunk 1 fails"};
      applied.insert(i);
    }
    for (std::size_t i : set)
      if (bad.contains(i)) return {StepOutcome::Kind::failed, 0, "test t" + std::to_string(i) + " broke"};
    if (applied.contains(interacting.first) && applied.contains(interacting.second))
      return {StepOutcome::Kind::failed, 0, "test pair broke"};
    return {StepOutcome::Kind::passed, 0, ""};
  }
};

// Twelve fixes: f3 depends on f2 (bad), f8 on f7; the rest independent.
BatchPlanInput twelve(BatchStrategy strategy) {
  BatchPlanInput in;
  for (std::size_t i = 0; i < 12; ++i) in.ids.push_back("f" + std::to_string(i));
  in.deps.assign(12, {});
  in.deps[3] = {2};
  in.deps[8] = {7};
  in.strategy = strategy;
  in.checkpoint_every = 3;
  return in;
}

void expect_same_plan(const BatchPlan& a, const BatchPlan& b, const std::string& where) {
  ASSERT_EQ(a.decisions.size(), b.decisions.size()) << where;
  for (std::size_t i = 0; i < a.decisions.size(); ++i) {
    EXPECT_EQ(a.decisions[i].verdict, b.decisions[i].verdict) << where << " f" << i;
    EXPECT_EQ(a.decisions[i].reason, b.decisions[i].reason) << where << " f" << i;
    EXPECT_EQ(a.decisions[i].step, b.decisions[i].step) << where << " f" << i;
    EXPECT_EQ(a.decisions[i].partner, b.decisions[i].partner) << where << " f" << i;
  }
  ASSERT_EQ(a.steps.size(), b.steps.size()) << where;
  for (std::size_t s = 0; s < a.steps.size(); ++s) {
    EXPECT_EQ(a.steps[s].set, b.steps[s].set) << where << " step " << s;
    EXPECT_EQ(a.steps[s].purpose, b.steps[s].purpose) << where << " step " << s;
    EXPECT_EQ(a.steps[s].outcome.kind, b.steps[s].outcome.kind) << where << " step " << s;
    EXPECT_EQ(a.steps[s].outcome.reason, b.steps[s].outcome.reason) << where << " step " << s;
  }
  EXPECT_EQ(a.accepted, b.accepted) << where;
  ASSERT_EQ(a.checkpoints.size(), b.checkpoints.size()) << where;
  for (std::size_t c = 0; c < a.checkpoints.size(); ++c) {
    EXPECT_EQ(a.checkpoints[c].fixes, b.checkpoints[c].fixes) << where;
    EXPECT_EQ(a.checkpoints[c].step, b.checkpoints[c].step) << where;
  }
  EXPECT_EQ(a.runs, b.runs) << where;
  EXPECT_EQ(a.one_by_one_runs, b.one_by_one_runs) << where;
}

std::vector<RecordedStep> first_steps(const BatchPlan& plan, std::size_t m) {
  std::vector<RecordedStep> out;
  for (std::size_t s = 0; s < m; ++s) out.push_back({plan.steps[s].set, plan.steps[s].outcome});
  return out;
}

class Replay : public ::testing::TestWithParam<BatchStrategy> {};

void check_resuming_after_any_step(BatchStrategy strategy, bool suspects) {
  const BatchPlanInput in = twelve(strategy);
  FakeJudge whole;
  whole.suspects = suspects;
  const BatchPlan expected = plan_batch(in, [&](const std::vector<std::size_t>& s) { return whole(s); });
  ASSERT_GE(expected.steps.size(), 4u) << "the scenario must take several steps";
  ASSERT_EQ(whole.calls, expected.steps.size());
  std::cout << "[ replayed ] " << to_string(strategy) << ": " << expected.steps.size() << " steps, resumed after each of 0.."
            << expected.steps.size() << "\n";
  for (std::size_t m = 0; m <= expected.steps.size(); ++m) {
    const std::string where = std::string(to_string(strategy)) + ", resumed after " + std::to_string(m) + " steps";
    ReplayCheck check = check_replay(in, first_steps(expected, m));
    EXPECT_EQ(check.steps, m) << where;
    EXPECT_EQ(check.complete, m == expected.steps.size()) << where;

    FakeJudge live;
    live.suspects = suspects;
    ReplayingJudge judge(first_steps(expected, m), in.ids, [&](const std::vector<std::size_t>& s) { return live(s); });
    BatchPlan resumed = plan_batch(in, [&](const std::vector<std::size_t>& s) { return judge(s); });
    expect_same_plan(expected, resumed, where);
    EXPECT_EQ(live.calls, expected.steps.size() - m) << where << ": only the steps after the record are judged";
    EXPECT_EQ(judge.replayed(), m) << where;
    EXPECT_EQ(judge.judged_now(), expected.steps.size() - m) << where;
  }
}

TEST_P(Replay, ResumingAfterAnyStepEqualsTheUninterruptedRun) { check_resuming_after_any_step(GetParam(), false); }

// The suspects a failed step named come back from the record: the narrowed plan resumes the same way.
TEST_P(Replay, ResumingANarrowedPlanAfterAnyStepEqualsTheUninterruptedRun) {
  check_resuming_after_any_step(GetParam(), true);
}

INSTANTIATE_TEST_SUITE_P(EveryStrategy, Replay,
                         ::testing::Values(BatchStrategy::all_or_nothing, BatchStrategy::best_effort,
                                           BatchStrategy::checkpoint, BatchStrategy::continue_on_error),
                         [](const auto& param_info) { return std::string(to_string(param_info.param)); });

TEST(Replay, ARecordThatDoesNotMatchThePlanIsRefused) {
  const BatchPlanInput in = twelve(BatchStrategy::best_effort);
  FakeJudge whole;
  const BatchPlan expected = plan_batch(in, [&](const std::vector<std::size_t>& s) { return whole(s); });
  std::vector<RecordedStep> recorded = first_steps(expected, 2);
  recorded[1].set = {0, 1};
  try {
    check_replay(in, recorded);
    FAIL() << "a step with another set must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    std::string expected_set;
    for (std::size_t i : expected.steps[1].set) expected_set += (expected_set.empty() ? "f" : ", f") + std::to_string(i);
    EXPECT_EQ(std::string(e.what()), "the batch's record does not match its plan: step 2 judged {f0, f1}, the plan "
                                     "now asks for {" + expected_set + "}");
    EXPECT_EQ(e.hint(), "start the batch again from its file: autofix-gate batch FILE");
  }
}

TEST(Replay, ARecordLongerThanThePlanIsRefused) {
  const BatchPlanInput in = twelve(BatchStrategy::continue_on_error);
  FakeJudge whole;
  const BatchPlan expected = plan_batch(in, [&](const std::vector<std::size_t>& s) { return whole(s); });
  std::vector<RecordedStep> recorded = first_steps(expected, expected.steps.size());
  recorded.push_back(recorded.back());
  try {
    check_replay(in, recorded);
    FAIL() << "steps beyond the plan's end must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "the batch's record does not match its plan: it holds " +
                                         std::to_string(recorded.size()) + " steps, the plan ends after " +
                                         std::to_string(expected.steps.size()));
  }
}

}  // namespace
}  // namespace autofix
