// SPDX-License-Identifier: MIT
#include "gate/git/tree_edit.h"

#include "gate/util/error.h"

namespace autofix::git {

git_oid tree_with_paths_from(const Repository& repo, const git_oid& base, const git_oid& source,
                             const std::vector<std::string>& paths) {
  TreePtr base_tree, source_tree;
  check(git_tree_lookup(out(base_tree), repo.get(), &base), "cannot read tree " + to_hex(base));
  check(git_tree_lookup(out(source_tree), repo.get(), &source), "cannot read tree " + to_hex(source));
  std::vector<git_tree_update> updates;
  std::vector<TreeEntryPtr> entries;  // own what the updates point into until the tree is written
  updates.reserve(paths.size());
  for (const std::string& path : paths) {
    TreeEntryPtr entry;
    int rc = git_tree_entry_bypath(out(entry), source_tree.get(), path.c_str());
    git_tree_update u{};
    u.path = path.c_str();
    if (rc == GIT_ENOTFOUND) {
      git_error_clear();
      TreeEntryPtr in_base;
      if (git_tree_entry_bypath(out(in_base), base_tree.get(), path.c_str()) == GIT_ENOTFOUND) {
        git_error_clear();
        continue;  // in neither tree: nothing to do
      }
      u.action = GIT_TREE_UPDATE_REMOVE;
    } else {
      check(rc, "cannot read " + path + " in tree " + to_hex(source));
      u.action = GIT_TREE_UPDATE_UPSERT;
      u.id = *git_tree_entry_id(entry.get());
      u.filemode = git_tree_entry_filemode(entry.get());
      entries.push_back(std::move(entry));
    }
    updates.push_back(u);
  }
  git_oid result;
  check(git_tree_create_updated(&result, repo.get(), base_tree.get(), updates.size(), updates.data()),
        "cannot write the tree with the chosen paths of " + to_hex(source));
  return result;
}

}  // namespace autofix::git
