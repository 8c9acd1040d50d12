// SPDX-License-Identifier: MIT
#pragma once
// The commits the gate writes for an accepted fix: the fix alone on top of HEAD, then either a branch
// for it or HEAD (its branch, or HEAD itself when detached) moved to it.
#include <optional>
#include <string>
#include <vector>

#include "gate/git/handles.h"
#include "gate/git/repository.h"
#include "gate/git/signature.h"
#include "gate/results/attempt_result.h"

namespace autofix::git {

// Commits the fix alone (not the user's uncommitted work) on top of `head` (nullopt: HEAD is unborn, a
// root commit): the change from tree `before` (right before the fix) to tree `after` (right after it),
// binary files included, applied to HEAD's tree, so that a fix touching a file the user changed too
// fails here, never takes the user's change along. Throws Error(usage) when it does not apply there.
// Returns the commit, which no reference names yet.
git_oid commit_fix(const Repository& repo, const std::optional<git_oid>& head, const git_oid& before,
                   const git_oid& after, const std::string& message, const CommitIdentity& identity);

// Creates refs/heads/<name> at `commit`; throws Error(git) when it exists.
void create_branch(const Repository& repo, const std::string& name, const git_oid& commit,
                   const std::string& log_message);

// --on-accept commit: `branch` (a full ref name; nullopt: HEAD is detached, and HEAD itself moves) is
// set to `commit`; the index takes `files` as the commit has them (as after `git commit` of those
// paths; a path the commit lacks leaves the index); the work tree is not touched.
void commit_on_current_branch(const Repository& repo, const std::optional<std::string>& branch, const git_oid& commit,
                              const std::vector<FileChange>& files, const std::string& log_message);

}  // namespace autofix::git
