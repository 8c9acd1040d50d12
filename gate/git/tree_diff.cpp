// SPDX-License-Identifier: MIT
#include "gate/git/tree_diff.h"

namespace autofix {

git::DiffPtr diff_trees(const git::Repository& repo, const git_oid& before, const git_oid& after) {
  git::TreePtr a, b;
  git::check(git_tree_lookup(git::out(a), repo.get(), &before), "cannot read the tree before the change");
  git::check(git_tree_lookup(git::out(b), repo.get(), &after), "cannot read the tree with the change");
  git::DiffPtr diff;
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  git::check(git_diff_tree_to_tree(git::out(diff), repo.get(), a.get(), b.get(), &opts), "cannot compare the trees");
  return diff;
}

std::string patch_between(const git::Repository& repo, const git_oid& before, const git_oid& after) {
  git::TreePtr a, b;
  git::check(git_tree_lookup(git::out(a), repo.get(), &before), "cannot read the tree before the change");
  git::check(git_tree_lookup(git::out(b), repo.get(), &after), "cannot read the tree with the change");
  git::DiffPtr diff;
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags |= GIT_DIFF_SHOW_BINARY;  // a binary file's content, not "Binary files differ": it must apply
  git::check(git_diff_tree_to_tree(git::out(diff), repo.get(), a.get(), b.get(), &opts), "cannot compare the trees");
  git_buf buf = GIT_BUF_INIT;
  struct Release {
    git_buf* b;
    ~Release() { git_buf_dispose(b); }
  } release{&buf};
  git::check(git_diff_to_buf(&buf, diff.get(), GIT_DIFF_FORMAT_PATCH), "cannot write the change as a patch");
  return std::string(buf.ptr ? buf.ptr : "", buf.size);
}

std::vector<FileChange> changed_files(git_diff* diff) {
  std::vector<FileChange> out;
  size_t n = git_diff_num_deltas(diff);
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff, i);
    FileStatus status = d->status == GIT_DELTA_ADDED     ? FileStatus::added
                        : d->status == GIT_DELTA_DELETED ? FileStatus::deleted
                                                         : FileStatus::modified;
    out.push_back({d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path, status});
  }
  return out;
}
}  // namespace autofix
