// SPDX-License-Identifier: MIT
#pragma once
// summary.md: an attempt's result for people (a CI job summary, a merge-request note). Pure: a string out.
#include <string>

#include "gate/results/attempt_result.h"

namespace autofix::reporters {

std::string attempt_summary(const AttemptResult& result);

}  // namespace autofix::reporters
