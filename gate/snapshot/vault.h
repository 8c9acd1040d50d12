// SPDX-License-Identifier: MIT
#pragma once
// The rollback's own copy of what it needs, outside the repository: a fixer is unsandboxed code that
// can delete .git/autofix, the refs under refs/autofix/ and, with `git gc --prune=now`, the objects
// only those refs kept. While an operation is open, the gate keeps in a private directory
//
//   $XDG_STATE_HOME/autofix-gate/<key>/   (default ~/.local/state/autofix-gate/<key>/, mode 0700)
//     repository      the .git directory this copy belongs to (<key> is a hash of that path)
//     journal.json    a mirror of .git/autofix/journal.json, naming the snapshot and its commit
//     objects/        loose git objects: the snapshot commit and every object of its tree (work tree,
//                     index, saved .git files, manifest) that HEAD's tree does not hold
//
// The objects are content-addressed: every object read from the copy is hashed and compared with its
// name before it is used (libgit2's strict hash verification), so a damaged copy fails loudly instead
// of restoring wrong bytes. The directory exists only while an operation is open; it is removed when
// the operation ends (kept, or rolled back and verified) and by `recover`.
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gate/git/repository.h"

namespace autofix {

class Vault {
 public:
  // The copy of `repo` (not created yet). Without an absolute XDG_STATE_HOME or HOME there is no place
  // for it: dir() is then nullopt and create() throws.
  static Vault of(const git::Repository& repo);
  // Where copies of all repositories go: $XDG_STATE_HOME/autofix-gate (when absolute), else
  // $HOME/.local/state/autofix-gate; nullopt when neither is an absolute path.
  static std::optional<std::filesystem::path> state_home();

  const std::optional<std::filesystem::path>& dir() const noexcept { return dir_; }
  std::optional<std::filesystem::path> journal_path() const;
  std::optional<std::filesystem::path> objects_dir() const;

  // Creates the directory (mode 0700, owned by this user); throws Error(io) naming it when it cannot.
  void create() const;
  // Copies the closure of each root (a commit: the commit object and its tree, not its parents; a tree:
  // the tree and everything below it) into the copy, except what a base tree holds already: for each
  // (tree, base) of `shared`, an entry of `tree` equal to the base's entry of the same name is skipped,
  // recursively. The snapshot's work tree and index trees against HEAD's tree: the copy then costs what
  // the changes cost, and the rest is HEAD's history. Skips what the copy has. Returns the objects written.
  size_t keep(const git::Repository& repo, const std::vector<git_oid>& roots,
              const std::vector<std::pair<git_oid, git_oid>>& shared = {}) const;
  // Lets `repo` (this process's handle only, nothing is written to .git) read objects from the copy
  // when its own object store lacks them. Returns false when there is no copy.
  bool attach(const git::Repository& repo) const;
  // Writes back into the repository's own object store every object of the copy that it lacks (a fixer
  // pruned them), so that the restored index and snapshot ref point at objects that exist. Each object
  // is hashed as it is read. Returns the number of objects written back.
  size_t give_back(const git::Repository& repo) const;
  // Removes the directory and everything in it; a copy that is gone already is not an error.
  void remove() const;

 private:
  std::optional<std::filesystem::path> dir_;
  std::string repository_;  // the .git directory, as recorded in the `repository` file
};

}  // namespace autofix
