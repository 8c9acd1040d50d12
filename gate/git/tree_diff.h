// SPDX-License-Identifier: MIT
#pragma once
// What a change did to the tree: the files two trees differ in.
#include <string>
#include <vector>

#include "gate/git/handles.h"
#include "gate/git/repository.h"
#include "gate/results/attempt_result.h"

namespace autofix {

git::DiffPtr diff_trees(const git::Repository& repo, const git_oid& before, const git_oid& after);
std::vector<FileChange> changed_files(git_diff* diff);
// What turns tree `before` into `after`, as a git patch (`diff --git` headers, binary files in git's binary
// form) that git::apply_patch and apply_patch_to_tree take back: a fixer's change, kept as a patch.
std::string patch_between(const git::Repository& repo, const git_oid& before, const git_oid& after);

}  // namespace autofix
