// SPDX-License-Identifier: MIT
#include "gate/git/commit.h"

#include "gate/util/error.h"

namespace autofix::git {

namespace {

// The fix (the snapshot's work tree against the tree after it) as a diff that can be applied elsewhere:
// with the content of binary files, which a plain diff leaves out ("Binary files differ").
DiffPtr applicable_diff(const Repository& repo, const git_oid& before, const git_oid& after) {
  TreePtr a, b;
  check(git_tree_lookup(out(a), repo.get(), &before), "cannot read the tree before the fix");
  check(git_tree_lookup(out(b), repo.get(), &after), "cannot read the tree with the fix");
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags |= GIT_DIFF_SHOW_BINARY;
  DiffPtr diff;
  check(git_diff_tree_to_tree(out(diff), repo.get(), a.get(), b.get(), &opts), "cannot compare the trees");
  return diff;
}

}  // namespace

git_oid commit_fix(const Repository& repo, const std::optional<git_oid>& head, const git_oid& before,
                   const git_oid& after, const std::string& message, const CommitIdentity& identity) {
  git_repository* r = repo.get();
  DiffPtr fix = applicable_diff(repo, before, after);
  CommitPtr parent;
  TreePtr base;
  if (head) {
    check(git_commit_lookup(out(parent), r, &*head), "cannot read HEAD's commit");
    check(git_commit_tree(out(base), parent.get()), "cannot read HEAD's tree");
  } else {
    git_oid empty;
    check(git_tree_create_updated(&empty, r, nullptr, 0, nullptr), "cannot write the empty tree");
    check(git_tree_lookup(out(base), r, &empty), "cannot read the empty tree");
  }
  IndexPtr applied;
  int rc = git_apply_to_tree(out(applied), r, base.get(), fix.get(), nullptr);
  if (rc < 0)
    throw Error(ErrorKind::usage,
                std::string("the fix overlaps uncommitted changes, so it cannot be committed on its own: ") +
                    (git_error_last() ? git_error_last()->message : "apply failed"),
                "commit or stash your work first, or use --on-accept keep");
  git_oid tree_oid;
  check(git_index_write_tree_to(&tree_oid, applied.get(), r), "cannot write the fixed tree");
  TreePtr tree;
  check(git_tree_lookup(out(tree), r, &tree_oid), "cannot read the fixed tree");
  SignaturePtr author = make_signature(identity.author);
  SignaturePtr committer = make_signature(identity.committer);
  const git_commit* parents[] = {parent.get()};
  git_oid commit;
  check(git_commit_create(&commit, r, nullptr, author.get(), committer.get(), nullptr, message.c_str(), tree.get(),
                          parent ? 1 : 0, parents),
        "cannot write the fix commit");
  return commit;
}

void create_branch(const Repository& repo, const std::string& name, const git_oid& commit,
                   const std::string& log_message) {
  ReferencePtr ref;
  check(git_reference_create(out(ref), repo.get(), ("refs/heads/" + name).c_str(), &commit, 0, log_message.c_str()),
        "cannot create branch " + name);
}

void commit_on_current_branch(const Repository& repo, const std::optional<std::string>& branch, const git_oid& commit,
                              const std::vector<FileChange>& files, const std::string& log_message) {
  git_repository* r = repo.get();
  ReferencePtr ref;
  if (!branch)
    check(git_repository_set_head_detached(r, &commit), "cannot move HEAD to the fix commit");
  else
    check(git_reference_create(out(ref), r, branch->c_str(), &commit, 1, log_message.c_str()),
          "cannot move " + *branch + " to the fix commit");
  CommitPtr c;
  check(git_commit_lookup(out(c), r, &commit), "cannot read the fix commit");
  TreePtr tree;
  check(git_commit_tree(out(tree), c.get()), "cannot read the fix commit's tree");
  IndexPtr index;
  check(git_repository_index(out(index), r), "cannot open the index");
  for (const FileChange& f : files) {
    TreeEntryPtr entry;
    if (git_tree_entry_bypath(out(entry), tree.get(), f.path.c_str()) == 0) {
      git_index_entry e{};
      e.path = f.path.c_str();
      e.mode = git_tree_entry_filemode(entry.get());
      e.id = *git_tree_entry_id(entry.get());
      check(git_index_add(index.get(), &e), "cannot stage " + f.path);
    } else {
      git_error_clear();
      git_index_remove_bypath(index.get(), f.path.c_str());
    }
  }
  check(git_index_write(index.get()), "cannot write the index");
}

}  // namespace autofix::git
