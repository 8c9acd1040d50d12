// SPDX-License-Identifier: MIT
#pragma once
// Opening a repository the gate may work on, and refusing the ones it must not touch.
#include <filesystem>
#include <optional>
#include <string>

#include "gate/git/handles.h"

namespace autofix::git {

class Repository {
 public:
  // Opens the repository whose work tree contains `dir` (searching upwards like git does).
  // Throws Error(repository_state) when there is none, or it is bare.
  static Repository open(const std::filesystem::path& dir);

  git_repository* get() const noexcept { return repo_.get(); }
  // Absolute work tree root, without a trailing slash.
  const std::filesystem::path& workdir() const noexcept { return workdir_; }
  // The repository's .git directory (for a linked work tree, its own private directory).
  const std::filesystem::path& git_dir() const noexcept { return git_dir_; }
  // Where the gate keeps its state: <git_dir>/autofix, created on demand.
  std::filesystem::path state_dir() const;

  // Throws Error(repository_state) when a merge, rebase, cherry-pick, revert, bisect or am is in
  // progress, or .git/index.lock exists: the gate must not change a tree another operation owns.
  void require_idle() const;

  // Name of the operation in progress ("merge", "rebase", ...), or nullopt when idle.
  std::optional<std::string> operation_in_progress() const;

 private:
  Library library_;
  RepositoryPtr repo_;
  std::filesystem::path workdir_;
  std::filesystem::path git_dir_;
};

// The libgit2 this binary runs with, "1.5.1" (`autofix-gate --version`).
std::string libgit2_version();

}  // namespace autofix::git
