#pragma once
// What a change did to the tree: the files two trees differ in.
#include <vector>

#include "gate/git/handles.h"
#include "gate/git/repository.h"
#include "gate/results/attempt_result.h"

namespace autofix {

git::DiffPtr diff_trees(const git::Repository& repo, const git_oid& before, const git_oid& after);
std::vector<FileChange> changed_files(git_diff* diff);

}  // namespace autofix
