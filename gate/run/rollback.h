// SPDX-License-Identifier: MIT
#pragma once
// `autofix-gate rollback`: an emergency rollback of landed work to an earlier version of the branch, at
// one of three levels (docs/rollback.md), as ordinary commits carrying Autofix-Rollback trailers, under the
// same protection as an attempt (lock, journal, snapshot: the user's uncommitted work survives), then
// checked: the result must be at least as green as the version it went back to.
#include <optional>
#include <string>
#include <vector>

#include "gate/results/rollback_result.h"
#include "gate/run/session.h"

namespace autofix {

struct RollbackOptions {
  SessionOptions common;            // directory, build/report dirs, config, jobs, timeouts (for the check)
  std::string to;                   // --to REF
  RollbackLevel level = RollbackLevel::autofix;
  RollbackStrategy strategy = RollbackStrategy::revert;
  std::vector<std::string> globs;   // --paths
  std::string reason;               // --reason
  bool dry_run = false;
  bool verify = true;               // false: --no-verify
  bool force = false;               // --force: reset a branch that has an upstream
  // A health check's reverts (gate/run/health.h): only these autofix commits, each revert carrying
  // Autofix-Health: <health_id>.
  std::vector<std::string> only;
  std::string health_id;
};

struct RollbackOutcome {
  RollbackResult result;
  std::filesystem::path report_dir;  // where rollback-report.md and report.json went (empty for a dry run)
  int exit_code = 0;
};

// Throws Error(usage) before anything changes for a bad REF, a REF that is not on the branch's
// first-parent line, nothing to roll back, a path the rollback must write that holds uncommitted work,
// or an unfinished operation; Error(git/io) for what failed underneath (the snapshot is then restored).
RollbackOutcome run_rollback(const RollbackOptions& options, reporters::Progress& progress);

}  // namespace autofix
