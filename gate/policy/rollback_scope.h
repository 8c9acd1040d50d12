// SPDX-License-Identifier: MIT
#pragma once
// What an emergency rollback undoes at each level (docs/rollback.md), decided from the commits after the
// version it goes back to: pure rules, the git work is gate/run/rollback's.
#include <string>
#include <utility>
#include <vector>

#include "gate/results/rollback_result.h"

namespace autofix {

using Trailers = std::vector<std::pair<std::string, std::string>>;

// A commit the gate landed: an accepted attempt's or a batch's (their trailers, docs/attempt.md).
bool is_autofix_commit(const Trailers& trailers);

struct RollbackRequest {
  RollbackLevel level = RollbackLevel::autofix;
  RollbackStrategy strategy = RollbackStrategy::revert;
  std::vector<std::string> globs;           // paths level
  std::vector<RollbackCommit> since;        // the commits after the version, newest first
  std::vector<std::string> differing_paths; // files that differ between the version and HEAD
  bool has_upstream = false;                // the branch tracks a remote one
  bool force = false;
  // autofix level: only these commits (hex ids) among the autofix ones (a health check's unhealthy fixes);
  // empty: all of them.
  std::vector<std::string> only;
};

struct RollbackScope {
  std::vector<RollbackCommit> undone;  // complete: every commit since; autofix: the autofix ones, newest first
  std::vector<std::string> paths;      // paths level: the differing files the globs match, sorted
};

// Throws Error(usage) saying what to do when there is nothing to roll back (HEAD is the version, no
// autofix commit since it, globs that match no differing file), when --paths comes without the paths
// level or the paths level without --paths, when reset is asked for another level than complete, or for
// a branch with an upstream without --force (it rewrites shared history).
RollbackScope scope_rollback(const RollbackRequest& request);

// The message of one rollback commit: complete and paths write one commit, autofix one revert per commit
// (`reverted`). Each ends with the trailers Autofix-Rollback: <id> and Autofix-Rollback-To: <to_commit>,
// so that a rollback can itself be found and rolled back.
// `health_id` (a health check's id, or empty) adds the trailer Autofix-Health: <id>.
std::string rollback_commit_message(RollbackLevel level, const std::string& rollback_id, const std::string& to_commit,
                                    const RollbackScope& plan, const RollbackCommit* reverted,
                                    const std::string& reason, const std::string& health_id = "");

}  // namespace autofix
