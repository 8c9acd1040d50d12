// SPDX-License-Identifier: MIT
#pragma once
// The verdict of an attempt from its results: accepted, rejected or needs review, and why.
#include <string>

#include "gate/results/attempt_result.h"

namespace autofix {

struct Decision {
  Verdict verdict;
  std::string reason;
};

// Accepted when the build passed, no test regressed or went missing, and every required test was fixed.
Decision decide(const AttemptResult& result);

}  // namespace autofix
