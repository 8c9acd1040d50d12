// SPDX-License-Identifier: MIT
#include "gate/git/tree_entries.h"

namespace autofix::git {

TreeReader::TreeReader(const Repository& repo, const git_oid& tree) {
  check(git_tree_lookup(out(tree_), repo.get(), &tree), "cannot read tree " + to_hex(tree));
}

TreeEntryAt TreeReader::at(const std::string& path) const {
  TreeEntryAt found;
  TreeEntryPtr entry;
  if (path.empty() || git_tree_entry_bypath(out(entry), tree_.get(), path.c_str()) < 0) {
    git_error_clear();
    return found;
  }
  git_filemode_t mode = git_tree_entry_filemode(entry.get());
  if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
    found.kind = TreeEntryAt::Kind::file;
    found.blob = *git_tree_entry_id(entry.get());
  } else {
    found.kind = TreeEntryAt::Kind::other;
  }
  return found;
}

}  // namespace autofix::git
