// SPDX-License-Identifier: MIT
#pragma once
// What a change did to each test: the runs without and with it, compared test by test.
#include <vector>

#include "gate/results/attempt_result.h"

namespace autofix {

// Compares two runs test by test, keyed by (CTest test, case). Passed is a pass; failed, timeout and
// not-run are failures; skipped on both trees is SKIPPED; a passing test that is now skipped is
// PASS_TO_FAIL (a weakened test, see regressions()).
// A case that one side lacks while the other has it is MISSING or NEW, except when the side that lacks
// it has no per-case results for its CTest test at all and that CTest test passed there: then the case
// passed too (frameworks whose cases are read only when their binary fails; see runners/case_results.h).
// FAIL_TO_FAIL tests without per-case results on both sides get new_failures.
// Each outcome gets defined_at and first_failure from its records (see TestOutcome).
std::vector<TestOutcome> classify(const std::vector<TestRecord>& baseline, const std::vector<TestRecord>& after);

}  // namespace autofix
