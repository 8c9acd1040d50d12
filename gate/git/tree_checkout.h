// SPDX-License-Identifier: MIT
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

// Moves the work tree from `from` (what it holds now, as worktree_tree_now sees it) to `to` by writing
// only the paths the two trees differ in (content or mode; a path `to` lacks is removed), so that every
// other file keeps its mtime and an incremental build redoes only what differs (a batch's steps).
// Returns those paths, in the diff's order.
std::vector<std::string> move_worktree(const git::Repository& repo, const git_oid& from, const git_oid& to);

}  // namespace autofix
