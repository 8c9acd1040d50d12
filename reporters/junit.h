#pragma once
// junit.xml: the attempt's tests, tiers and verdict as JUnit XML, for CI test readers (GitLab, Jenkins,
// GitHub actions that read JUnit). Pure: a string out.
#include <string>

#include "gate/results/attempt_result.h"

namespace autofix::reporters {

std::string attempt_junit(const AttemptResult& result);

}  // namespace autofix::reporters
