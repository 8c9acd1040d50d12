// SPDX-License-Identifier: MIT
#pragma once
// New trees made from old ones without a work tree or an index: some paths of one tree taken from another
// (a rollback of chosen paths to an earlier commit).
#include <string>
#include <vector>

#include "gate/git/handles.h"
#include "gate/git/repository.h"

namespace autofix::git {

// `base` with each of `paths` (files, '/'-separated, repository-relative) as `source` has it: its blob and
// mode, or removed when `source` lacks it. Written to the object database; returns the new tree's id.
// Throws Error(git) naming the path libgit2 refused.
git_oid tree_with_paths_from(const Repository& repo, const git_oid& base, const git_oid& source,
                             const std::vector<std::string>& paths);

}  // namespace autofix::git
