// SPDX-License-Identifier: MIT
#pragma once
// The line-level difference between two trees: what the fix added and removed, file by file. The input
// of every check that reads the fix's text (secrets, tampered tests, lanes).
#include <git2.h>

#include <optional>
#include <string>
#include <vector>

#include "gate/git/repository.h"
#include "gate/results/file_status.h"

namespace autofix::git {

struct LineChange {
  char origin = '+';  // '+' added (new_line set), '-' removed (old_line set)
  int old_line = 0;   // 1-based in the old file; 0 for an added line
  int new_line = 0;   // 1-based in the new file; 0 for a removed line
  std::string text;   // without the line break
};

struct FileDiff {
  std::string path;      // the new path (the old one for a deletion)
  std::string old_path;  // differs from path only for a rename
  FileStatus status = FileStatus::modified;
  bool binary = false;   // no lines for binary files
  std::vector<LineChange> lines;
};

// Compares two trees (no rename detection: a rename is a deletion plus an addition). Paths are
// repository-relative with '/'. `context` lines are not reported.
std::vector<FileDiff> diff_lines(const Repository& repo, const git_oid& old_tree, const git_oid& new_tree);

// The full text of `path` in `tree`, or nullopt when the tree has no such blob.
std::optional<std::string> read_blob_at(const Repository& repo, const git_oid& tree, const std::string& path);

}  // namespace autofix::git
