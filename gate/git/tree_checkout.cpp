// SPDX-License-Identifier: MIT
#include "gate/git/tree_checkout.h"

#include "gate/git/handles.h"
#include "gate/git/hash_text.h"
#include "gate/git/tree_diff.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

const char* const kFreeThePath = "the work tree is put back from the snapshot when the gate ends; free the path and run again";

[[noreturn]] void cannot(const std::string& what, const fs::path& path, const std::error_code& ec) {
  throw Error(ErrorKind::io, "cannot " + what + " '" + path.string() + "': " + ec.message(), kFreeThePath);
}

bool is_directory_itself(const fs::path& p) {  // a directory, not a link to one
  std::error_code ec;
  return fs::symlink_status(p, ec).type() == fs::file_type::directory;
}

bool exists_itself(const fs::path& p) {  // anything, a dangling link included
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found && !ec;
}

// Removes a file or link; a directory stays.
void remove_unless_directory(const fs::path& p) {
  if (!exists_itself(p) || is_directory_itself(p)) return;
  std::error_code ec;
  fs::remove(p, ec);
  if (ec) cannot("remove", p, ec);
}

}  // namespace

// libgit2 writes the files; what it cannot do exactly is done here first. libgit2 1.5 writes a file that
// exists into the same inode (open with O_TRUNC): through a hard link into a file outside the work tree,
// and through a symbolic link when a link becomes a file (into the link's target, or "Is a directory").
// It also refuses to create a directory where a file or link stands ("directory exists"). So every file
// or link at a listed path, and every one standing where a parent directory goes, is removed first:
// libgit2 then only creates. A directory at a listed path the tree lacks (or holds as a directory) stays,
// as do the paths below it that are not listed.
void materialize_paths(const git::Repository& repo, const git_oid& tree_oid, const std::vector<std::string>& paths) {
  git::TreePtr tree;
  git::check(git_tree_lookup(git::out(tree), repo.get(), &tree_oid), "cannot read tree " + git::to_hex(tree_oid));
  std::vector<const char*> written;  // the paths the tree holds as a file or link
  for (const std::string& path : paths) {
    git::TreeEntryPtr entry;
    if (git_tree_entry_bypath(git::out(entry), tree.get(), path.c_str()) < 0) {
      git_error_clear();
      remove_unless_directory(repo.workdir() / path);
      continue;
    }
    git_filemode_t mode = git_tree_entry_filemode(entry.get());
    if (mode == GIT_FILEMODE_COMMIT) continue;  // a submodule is left alone: the gate never checks one out
    if (mode == GIT_FILEMODE_TREE) {
      remove_unless_directory(repo.workdir() / path);
      continue;
    }
    fs::path at = repo.workdir();
    for (const fs::path& part : fs::path(path).parent_path()) remove_unless_directory(at /= part);
    remove_unless_directory(repo.workdir() / path);
    written.push_back(path.c_str());
  }
  if (written.empty()) return;
  // Against an empty baseline every listed path is new to libgit2, so it writes each one: neither HEAD nor
  // the index's stat cache decides what is "unchanged". A directory where the tree has a file goes with all
  // it holds. The index is neither read again, changed nor written, and no filter (CRLF, ident) runs: the
  // blob's bytes go to disk as stored, as the snapshot and its restore keep them.
  git::IndexPtr nothing;
  git::check(git_index_new(git::out(nothing)), "cannot create an empty index");
  git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
  opts.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH | GIT_CHECKOUT_DONT_UPDATE_INDEX |
                           GIT_CHECKOUT_DONT_WRITE_INDEX | GIT_CHECKOUT_NO_REFRESH;
  opts.disable_filters = 1;
  opts.baseline_index = nothing.get();
  opts.paths = {const_cast<char**>(written.data()), written.size()};
  if (git_checkout_tree(repo.get(), reinterpret_cast<const git_object*>(tree.get()), &opts) < 0) {
    const git_error* e = git_error_last();
    throw Error(ErrorKind::io,
                "cannot write tree " + git::to_hex(tree_oid) + " into the work tree: " +
                    (e && e->message ? e->message : "libgit2 gave no reason"),
                kFreeThePath);
  }
}

std::vector<std::string> materialize_unchanged_paths(const git::Repository& repo, const git_oid& tree,
                                                     const std::vector<std::string>& paths, const git_oid& expected) {
  git::TreePtr want;
  git::check(git_tree_lookup(git::out(want), repo.get(), &expected), "cannot read tree " + git::to_hex(expected));
  std::vector<std::string> unchanged;
  for (const std::string& path : paths) {
    git::TreeEntryPtr entry;
    bool in_tree = git_tree_entry_bypath(git::out(entry), want.get(), path.c_str()) == 0;
    if (!in_tree) git_error_clear();
    fs::path target = repo.workdir() / path;
    std::error_code ec;
    fs::file_status st = fs::symlink_status(target, ec);
    bool on_disk = fs::exists(st);
    if (!in_tree || !on_disk) {
      if (!in_tree && !on_disk) unchanged.push_back(path);
      continue;
    }
    git_filemode_t mode = git_tree_entry_filemode(entry.get());
    if (!fs::is_regular_file(st) || (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)) continue;
    bool executable = (st.permissions() & fs::perms::owner_exec) != fs::perms::none;
    if (executable != (mode == GIT_FILEMODE_BLOB_EXECUTABLE)) continue;
    std::string content = read_file(target);
    const git_oid oid = git::hash_text(content, "'" + target.string() + "'");
    if (git_oid_equal(&oid, git_tree_entry_id(entry.get()))) unchanged.push_back(path);
  }
  materialize_paths(repo, tree, unchanged);
  return unchanged;
}
std::vector<std::string> move_worktree(const git::Repository& repo, const git_oid& from, const git_oid& to) {
  std::vector<std::string> differing;
  for (const FileChange& f : changed_files(diff_trees(repo, from, to).get())) differing.push_back(f.path);
  if (!differing.empty()) materialize_paths(repo, to, differing);
  return differing;
}

}  // namespace autofix
