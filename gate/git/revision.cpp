// SPDX-License-Identifier: MIT
#include "gate/git/revision.h"

namespace autofix::git {

RevisionLookup lookup_commit(const Repository& repo, const std::string& spec) {
  RevisionLookup found;
  ObjectPtr object;
  if (git_revparse_single(out(object), repo.get(), spec.c_str()) < 0) {
    found.outcome = RevisionLookup::Outcome::not_found;
    found.reason = git_error_last() ? git_error_last()->message : "not found";
    git_error_clear();
    return found;
  }
  ObjectPtr peeled;
  if (git_object_peel(out(peeled), object.get(), GIT_OBJECT_COMMIT) < 0) {
    git_error_clear();
    found.outcome = RevisionLookup::Outcome::not_a_commit;
    return found;
  }
  CommitPtr commit;
  check(git_commit_lookup(out(commit), repo.get(), git_object_id(peeled.get())), "cannot read " + spec);
  found.outcome = RevisionLookup::Outcome::commit;
  found.commit.id = *git_commit_id(commit.get());
  found.commit.tree = *git_commit_tree_id(commit.get());
  found.commit.parents = git_commit_parentcount(commit.get());
  return found;
}

bool revision_exists(const Repository& repo, const std::string& spec) {
  ObjectPtr object;
  int rc = git_revparse_single(out(object), repo.get(), spec.c_str());
  if (rc < 0) git_error_clear();
  return rc == 0;
}

git_oid tree_of_commit(const Repository& repo, const git_oid& commit, const std::string& what) {
  CommitPtr c;
  check(git_commit_lookup(out(c), repo.get(), &commit), "cannot read " + what);
  return *git_commit_tree_id(c.get());
}

std::optional<git_oid> merge_base(const Repository& repo, const git_oid& a, const git_oid& b) {
  git_oid base;
  if (git_merge_base(&base, repo.get(), &a, &b) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  return base;
}

}  // namespace autofix::git
