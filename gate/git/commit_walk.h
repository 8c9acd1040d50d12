// SPDX-License-Identifier: MIT
#pragma once
// Reading a branch's recent history: the commits after a given one on the first-parent line, with what
// their messages' trailers say (an emergency rollback picks the autofix commits by their trailers).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gate/git/handles.h"
#include "gate/git/repository.h"

namespace autofix::git {

struct WalkedCommit {
  git_oid id{};
  git_oid tree{};
  std::optional<git_oid> first_parent;  // nullopt: a root commit
  unsigned parents = 0;
  std::string summary;                  // the first line of the message
  std::string message;                  // all of it
  std::vector<std::pair<std::string, std::string>> trailers;  // "Key: value" lines at the message's end
  std::int64_t time = 0;                // committer time, seconds since the epoch
};

// Whether `ancestor` is `descendant` itself or one of its ancestors.
bool is_ancestor(const Repository& repo, const git_oid& ancestor, const git_oid& descendant);

// The commits on `head`'s first-parent line after `since` (which is excluded), newest first. Throws
// Error(usage) naming both when `since` is not on that line (not an ancestor, or reached only through a
// merge's second parent), and Error(git) when a commit cannot be read.
std::vector<WalkedCommit> first_parent_commits_since(const Repository& repo, const git_oid& since, const git_oid& head);

// The commit `id` as the walk above describes it. Throws Error(git) naming it when it cannot be read.
WalkedCommit read_walked_commit(const Repository& repo, const git_oid& id);

}  // namespace autofix::git
