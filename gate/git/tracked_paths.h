// SPDX-License-Identifier: MIT
#pragma once
// What git knows of the files below one directory of the work tree: the paths the index tracks, and
// the untracked files .gitignore does not ignore.
#include <string>
#include <vector>

#include "gate/git/repository.h"

namespace autofix::git {

// The index's paths below `dir` (relative to the work tree, no trailing slash), in the index's order,
// each once whatever its stages. The index is read from disk first.
std::vector<std::string> tracked_paths_under(const Repository& repo, const std::string& dir);

// The files below `dir` that are neither in the index nor ignored, every level of directories searched.
std::vector<std::string> untracked_paths_under(const Repository& repo, const std::string& dir);

}  // namespace autofix::git
