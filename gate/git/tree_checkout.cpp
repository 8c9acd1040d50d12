#include "gate/git/tree_checkout.h"

#include "gate/git/handles.h"
#include "gate/git/hash_text.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void cannot(const std::string& what, const fs::path& path, const std::error_code& ec) {
  throw Error(ErrorKind::io, "cannot " + what + " '" + path.string() + "': " + ec.message(),
              "the work tree is put back from the snapshot when the gate ends; free the path and run again");
}

bool is_directory_itself(const fs::path& p) {  // a directory, not a link to one
  std::error_code ec;
  return fs::symlink_status(p, ec).type() == fs::file_type::directory;
}

bool exists_itself(const fs::path& p) {  // anything, a dangling link included
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found && !ec;
}

void remove_entry(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
  if (ec) cannot("remove", p, ec);
}

// Every ancestor of `rel` below `root` becomes a directory: a file or link in the way goes (the tree
// holds a directory there; a commit that turned a file into a directory is the common case).
void make_parent_directories(const fs::path& root, const fs::path& rel) {
  fs::path at = root;
  for (const fs::path& part : rel.parent_path()) {
    at /= part;
    if (exists_itself(at) && !is_directory_itself(at)) remove_entry(at);
    if (!exists_itself(at)) {
      std::error_code ec;
      fs::create_directory(at, ec);
      if (ec) cannot("create the directory", at, ec);
    }
  }
}

}  // namespace

void materialize_paths(const git::Repository& repo, const git_oid& tree_oid, const std::vector<std::string>& paths) {
  git::TreePtr tree;
  git::check(git_tree_lookup(git::out(tree), repo.get(), &tree_oid), "cannot read tree " + git::to_hex(tree_oid));
  struct Wanted {
    std::string path;
    git_filemode_t mode;
    git_oid blob;
  };
  std::vector<Wanted> wanted;
  // First what the tree does not hold as a file or link: so a directory can take a file's place and a
  // file a directory's, in either order of `paths`.
  for (const std::string& path : paths) {
    const fs::path target = repo.workdir() / path;
    git::TreeEntryPtr entry;
    if (git_tree_entry_bypath(git::out(entry), tree.get(), path.c_str()) < 0) {
      git_error_clear();
      // A directory stays: the paths below it are in the list themselves.
      if (exists_itself(target) && !is_directory_itself(target)) remove_entry(target);
      continue;
    }
    git_filemode_t mode = git_tree_entry_filemode(entry.get());
    if (mode == GIT_FILEMODE_TREE) {
      if (exists_itself(target) && !is_directory_itself(target)) remove_entry(target);
    } else if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK) {
      wanted.push_back({path, mode, *git_tree_entry_id(entry.get())});
    }  // a submodule (GIT_FILEMODE_COMMIT) is left alone: the gate never checks one out
  }
  for (const Wanted& w : wanted) {
    const fs::path target = repo.workdir() / w.path;
    git::BlobPtr blob;
    git::check(git_blob_lookup(git::out(blob), repo.get(), &w.blob), "cannot read " + w.path);
    std::string content(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                        static_cast<size_t>(git_blob_rawsize(blob.get())));
    make_parent_directories(repo.workdir(), fs::path(w.path));
    if (is_directory_itself(target) || (w.mode == GIT_FILEMODE_LINK && exists_itself(target))) remove_entry(target);
    if (w.mode == GIT_FILEMODE_LINK) {
      std::error_code ec;
      fs::create_symlink(content, target, ec);  // a link's blob is its target, as git stores it
      if (ec) cannot("create the link", target, ec);
    } else {
      write_file_atomically(target, content, w.mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644, Durability::cache);
    }
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
}  // namespace autofix
