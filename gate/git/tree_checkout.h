#pragma once
// Putting chosen paths of a tree into the work tree for a moment (the tree without the fix for the static
// tier's baseline, a base commit for `verify`).
#include <string>
#include <vector>

#include "gate/git/repository.h"

namespace autofix {

// Writes `paths` as they are in `tree` into the work tree (git_checkout_tree, index untouched, no filters):
// files with their mode as new files, symbolic links, and directories where the tree has one (a file or
// link in the way is removed); a file or link at a path the tree lacks is removed. Used to put the tree
// without the fix back for a moment (static analysis of the baseline) and to check out a base. Throws
// Error(io) naming the path when the file system refuses.
void materialize_paths(const git::Repository& repo, const git_oid& tree, const std::vector<std::string>& paths);

// The same, only for the paths whose file is still exactly as `expected` has it (content and executable
// bit; absent where it has none): a file someone edited meanwhile is left as it is. Returns the paths
// written.
std::vector<std::string> materialize_unchanged_paths(const git::Repository& repo, const git_oid& tree,
                                                     const std::vector<std::string>& paths, const git_oid& expected);

}  // namespace autofix
