// SPDX-License-Identifier: MIT
#pragma once
// Resuming a batch (`autofix-gate batch --resume ID`, docs/batch.md): plan_batch() takes the same
// decisions from the same step outcomes in the same order, so a batch that was interrupted continues by
// replaying the steps its record holds and judging live from there. Pure: the record is data, the live
// judge a function.
#include <cstddef>
#include <string>
#include <vector>

#include "gate/policy/batch_plan.h"
#include "gate/policy/bisection.h"

namespace autofix {

// A step the interrupted run finished: the set it judged (fix indices, in the order applied) and what it gave.
struct RecordedStep {
  std::vector<std::size_t> set;
  StepOutcome outcome;
};

// A judge that answers the first `recorded.size()` questions from the record and asks `live` after
// that. A question that is not the recorded step's set throws Error(usage) naming both sets: the record
// does not belong to this plan (another version of the gate, a changed record).
class ReplayingJudge {
 public:
  ReplayingJudge(std::vector<RecordedStep> recorded, std::vector<std::string> ids, JudgeSet live);

  StepOutcome operator()(const std::vector<std::size_t>& set);

  std::size_t replayed() const noexcept { return next_ < recorded_.size() ? next_ : recorded_.size(); }
  std::size_t judged_now() const noexcept { return judged_now_; }

 private:
  std::vector<RecordedStep> recorded_;
  std::vector<std::string> ids_;
  JudgeSet live_;
  std::size_t next_ = 0;
  std::size_t judged_now_ = 0;
};

// How far the record takes the plan, without judging anything: the number of recorded steps the plan
// asks for in order (all of them when the record is consistent), and whether the plan is complete with
// them (nothing is left to judge). Throws what ReplayingJudge throws when a step does not match, and
// Error(usage) when the plan ends before using every recorded step.
struct ReplayCheck {
  std::size_t steps = 0;
  bool complete = false;
};
ReplayCheck check_replay(const BatchPlanInput& input, const std::vector<RecordedStep>& recorded);

}  // namespace autofix
