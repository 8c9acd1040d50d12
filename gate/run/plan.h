// SPDX-License-Identifier: MIT
#pragma once
// `autofix-gate plan`: what to do after a run that was not accepted, read back from its report.json
// (docs/recovery.md). A report written before recovery plans existed gets its plan computed now.
#include <filesystem>
#include <optional>

#include "gate/results/attempt_result.h"
#include "gate/run/session.h"

namespace autofix {

struct PlanOptions {
  SessionOptions common;                         // directory, build and report dirs, config: where --last looks
  std::optional<std::filesystem::path> report;   // a report.json; unset: the newest run's (--last)
};

struct PlanOutcome {
  std::filesystem::path report;  // the report read
  AttemptResult result;          // with failure and recovery set (none for an accepted run)
};

// Reads the named report, or the newest one of the repository's report directory: Error(usage) naming
// where it looked when there is none, and the report reader's errors for a damaged one.
PlanOutcome read_plan(const PlanOptions& options);

}  // namespace autofix
