// SPDX-License-Identifier: MIT
#pragma once
// `autofix-gate health`: re-judges the autofix commits that landed on the branch in a window, on the
// branch as it is now (docs/rollback.md#health): for each, the branch with it against the branch without
// it, so a fix that breaks only together with later work is caught; with --revert, the unhealthy ones are
// reverted (commits with Autofix-Health: <id>) and the result checked.
#include <string>

#include "gate/results/health_result.h"
#include "gate/run/session.h"

namespace autofix {

struct HealthOptions {
  SessionOptions common;
  std::string since = "24h";  // a duration (90s, 30m, 12h, 7d, 2w), a date, or a commit of the branch
  bool revert = false;
};

struct HealthOutcome {
  HealthResult result;
  std::filesystem::path report_dir;
  int exit_code = 0;  // 0 every fix healthy (or the unhealthy reverted and checked), 1 unhealthy left, 4 error
};

HealthOutcome run_health(const HealthOptions& options, reporters::Progress& progress);

}  // namespace autofix
