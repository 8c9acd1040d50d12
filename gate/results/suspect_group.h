// SPDX-License-Identifier: MIT
#pragma once
// A broken test of a failed batch step and the fixes of the step's set (indices) that can reach it
// through the build: the suspects that culprit bisection narrows to (gate/policy/bisection.h). Kept with
// each step in the batch's record (gate/state/batch_record.h), so that a resumed batch replays them.
#include <cstddef>
#include <string>
#include <vector>

namespace autofix {

struct SuspectGroup {
  std::string test;
  std::vector<std::size_t> fixes;
  bool operator==(const SuspectGroup&) const = default;
};

}  // namespace autofix
