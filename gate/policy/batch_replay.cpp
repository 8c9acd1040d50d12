// SPDX-License-Identifier: MIT
#include "gate/policy/batch_replay.h"

#include <utility>

#include "gate/util/error.h"

namespace autofix {

namespace {

std::string names_of(const std::vector<std::size_t>& set, const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i : set) out += (out.empty() ? "" : ", ") + (i < ids.size() ? ids[i] : "#" + std::to_string(i));
  return "{" + out + "}";
}

const char* kStartAgain = "start the batch again from its file: autofix-gate batch FILE";

// Thrown by check_replay's live judge: the record ends here.
struct RecordEnds {};

}  // namespace

ReplayingJudge::ReplayingJudge(std::vector<RecordedStep> recorded, std::vector<std::string> ids, JudgeSet live)
    : recorded_(std::move(recorded)), ids_(std::move(ids)), live_(std::move(live)) {}

StepOutcome ReplayingJudge::operator()(const std::vector<std::size_t>& set) {
  if (next_ < recorded_.size()) {
    const RecordedStep& step = recorded_[next_];
    if (step.set != set)
      throw Error(ErrorKind::usage,
                  "the batch's record does not match its plan: step " + std::to_string(next_ + 1) + " judged " +
                      names_of(step.set, ids_) + ", the plan now asks for " + names_of(set, ids_),
                  kStartAgain);
    ++next_;
    return step.outcome;
  }
  ++next_;
  ++judged_now_;
  return live_(set);
}

ReplayCheck check_replay(const BatchPlanInput& input, const std::vector<RecordedStep>& recorded) {
  ReplayingJudge judge(recorded, input.ids, [](const std::vector<std::size_t>&) -> StepOutcome { throw RecordEnds{}; });
  ReplayCheck check;
  try {
    plan_batch(input, [&judge](const std::vector<std::size_t>& set) { return judge(set); });
    check.complete = true;
  } catch (const RecordEnds&) {
    check.complete = false;
  }
  check.steps = judge.replayed();
  if (check.steps != recorded.size())
    throw Error(ErrorKind::usage,
                "the batch's record does not match its plan: it holds " + std::to_string(recorded.size()) +
                    " steps, the plan ends after " + std::to_string(check.steps),
                kStartAgain);
  return check;
}

}  // namespace autofix
