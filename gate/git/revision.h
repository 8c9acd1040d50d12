// SPDX-License-Identifier: MIT
#pragma once
// Naming commits: what a revision (`git rev-parse` syntax: an id, a branch, a tag, HEAD~1, ...) names,
// whether it names anything, a commit's tree, and where two histories meet.
#include <optional>
#include <string>

#include "gate/git/handles.h"
#include "gate/git/repository.h"

namespace autofix::git {

struct CommitInfo {
  git_oid id{};
  git_oid tree{};
  unsigned parents = 0;
};

// What a revision names, peeled through tags to a commit.
struct RevisionLookup {
  enum class Outcome { commit, not_found, not_a_commit };
  Outcome outcome = Outcome::not_found;
  CommitInfo commit;   // when outcome is commit
  std::string reason;  // libgit2's words, when outcome is not_found
};

// Throws Error(git) "cannot read SPEC: ..." only when the commit it names cannot be read.
RevisionLookup lookup_commit(const Repository& repo, const std::string& spec);

// Whether `spec` names any object here.
bool revision_exists(const Repository& repo, const std::string& spec);

// The tree of `commit`. Throws Error(git) "cannot read <what>: ..." (what: "HEAD's commit", ...).
git_oid tree_of_commit(const Repository& repo, const git_oid& commit, const std::string& what);

// The best common ancestor of two commits; nullopt when they have none (or libgit2 cannot find it).
std::optional<git_oid> merge_base(const Repository& repo, const git_oid& a, const git_oid& b);

}  // namespace autofix::git
