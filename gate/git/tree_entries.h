// SPDX-License-Identifier: MIT
#pragma once
// What one tree holds at a path, looked up many times (the static tier keys its stored analyses by the
// blob ids of the files a translation unit includes, in the tree without the change).
#include <git2.h>

#include <optional>
#include <string>

#include "gate/git/handles.h"
#include "gate/git/repository.h"

namespace autofix::git {

struct TreeEntryAt {
  enum class Kind { file, absent, other };  // other: a symbolic link, a directory, a submodule
  Kind kind = Kind::absent;
  git_oid blob{};  // the file's blob id (its content's hash) when kind is file
};

class TreeReader {
 public:
  // Throws Error(git) "cannot read tree <id>" when the tree cannot be read.
  TreeReader(const Repository& repo, const git_oid& tree);
  // `path` repository-relative with '/'. A regular file (executable or not) is a file; a path the tree
  // does not hold (or that runs through a file or link) is absent.
  TreeEntryAt at(const std::string& path) const;

 private:
  TreePtr tree_;
};

}  // namespace autofix::git
