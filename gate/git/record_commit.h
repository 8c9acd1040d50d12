// SPDX-License-Identifier: MIT
#pragma once
// Commits the gate writes as records of a state (a batch's checkpoints, docs/batch.md#checkpoints): a
// commit of a given tree under a ref of its own, read back, and checked for objects gone missing.
#include <optional>
#include <string>
#include <vector>

#include "gate/git/handles.h"
#include "gate/git/repository.h"
#include "gate/git/signature.h"

namespace autofix::git {

// Writes a commit of `tree` with `parent` (nullopt: a root commit) and `message`; no ref names it yet.
// Throws Error(git) naming what failed.
git_oid write_record_commit(const Repository& repo, const git_oid& tree, const std::optional<git_oid>& parent,
                            const std::string& message, const CommitIdentity& identity);

// Creates the ref `name` (a full name) at `target`; throws Error(git) when it exists already (never moves one).
void create_new_reference(const Repository& repo, const std::string& name, const git_oid& target,
                          const std::string& log_message);

// What the direct ref `name` points at; nullopt when there is no such ref. Throws Error(git) when it
// cannot be read, or is symbolic.
std::optional<git_oid> reference_target(const Repository& repo, const std::string& name);

struct RecordCommit {
  git_oid tree{};
  std::string message;
};
// The commit `id`'s tree and message; nullopt when the object is missing (or is no commit).
std::optional<RecordCommit> read_record_commit(const Repository& repo, const git_oid& id);

// The objects under `tree` that the object database lacks, as "<path> (<hex id>)" ("" for the tree itself),
// in tree order; at most `limit` of them. Submodule entries (commits of another repository) are not objects
// of this one and are skipped.
std::vector<std::string> missing_objects(const Repository& repo, const git_oid& tree, std::size_t limit = 20);

}  // namespace autofix::git
