// SPDX-License-Identifier: MIT
#pragma once
// The four strategies of a batch over an abstract judge (docs/batch.md): which sets of fixes are judged,
// in which order, and what each fix's verdict is. Pure: the judge is a function (gate/policy/bisection.h).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gate/policy/bisection.h"
#include "gate/policy/fix_graph.h"
#include "gate/results/batch_strategy.h"

namespace autofix {

struct BatchPlanInput {
  std::vector<std::string> ids;
  FixDeps deps;
  BatchStrategy strategy = BatchStrategy::best_effort;
  std::size_t checkpoint_every = 3;  // checkpoint: fixes per group
  // Fixes refused before any step (a patch that applies nowhere): the reason; nullopt for the others.
  std::vector<std::optional<std::string>> refused;
};

struct BatchCheckpoint {
  std::vector<std::size_t> fixes;  // the verified set, in order
  std::size_t step = 0;            // the step that verified it
};

struct BatchPlan {
  std::vector<FixDecision> decisions;  // one per fix, none pending
  std::vector<PlanStep> steps;
  std::vector<std::size_t> accepted;  // in the order applied
  std::vector<BatchCheckpoint> checkpoints;
  std::size_t runs = 0;             // build+test runs used
  std::size_t one_by_one_runs = 0;  // what judging each fix alone would have used
};

// Runs `input.strategy` to the end. The judge is asked only about sets in dependency order.
BatchPlan plan_batch(const BatchPlanInput& input, const JudgeSet& judge);

}  // namespace autofix
