// SPDX-License-Identifier: MIT
#pragma once
// What the batch planning tests share: n independent fixes, a plan run through any fake judge, and the
// fixes a plan gave one verdict.
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "gate/policy/batch_plan.h"

namespace autofix::testing {

inline BatchPlanInput independent(std::size_t n, BatchStrategy strategy = BatchStrategy::best_effort) {
  BatchPlanInput in;
  for (std::size_t i = 0; i < n; ++i) in.ids.push_back("f" + std::to_string(i));
  in.deps.assign(n, {});
  in.strategy = strategy;
  return in;
}

template <class Judge>
BatchPlan run(const BatchPlanInput& in, Judge& judge) {
  return plan_batch(in, [&](const std::vector<std::size_t>& set) { return judge(set); });
}

inline std::set<std::size_t> with(const BatchPlan& plan, FixVerdict v) {
  std::set<std::size_t> out;
  for (std::size_t i = 0; i < plan.decisions.size(); ++i)
    if (plan.decisions[i].verdict == v) out.insert(i);
  return out;
}

}  // namespace autofix::testing
