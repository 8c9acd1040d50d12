// SPDX-License-Identifier: MIT
#pragma once
// What to do after a result that was not accepted: an ordered plan of actions, each with the exact command
// to run (or none, when a person must look first) and why (docs/recovery.md, "Recovery plans").
#include <vector>

#include "gate/results/attempt_result.h"
#include "gate/results/recovery.h"

namespace autofix {

// The plan for `failure` of `result`, most recommended first. The matrix: timeout -> retry with a longer
// limit, then manual; network -> retry, then manual (dependencies available offline); resource exhaustion
// -> clean up and retry (naming what to clean), then manual; quality gate -> skip, then manual (the
// findings); test regression and build failure -> rollback (done), skip, manual (the tests, files and
// errors); tampering -> manual (the weakened tests), then retry with --allow-test-edits when deliberate;
// patch refused -> manual (regenerate), skip; git error -> manual status check, then manual; unknown ->
// manual. A docs-lane result starts with a retry (it builds nothing, a retry is cheap); a heavy-lane one
// ends with a full re-validation (a fresh baseline, then the retry).
std::vector<RecoveryStep> recovery_plan(const AttemptResult& result, const Failure& failure);

// Sets result.failure and result.recovery (both empty for accepted results and dry runs).
void explain_outcome(AttemptResult& result);

}  // namespace autofix
