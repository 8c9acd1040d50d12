// SPDX-License-Identifier: MIT
#include "gate/snapshot/vault.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>

#include <git2/sys/odb_backend.h>

#include "gate/git/hash_text.h"
#include "gate/git/stored_object.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"

namespace autofix {

namespace {

using OidSet = std::set<std::string>;  // raw 20-byte ids of the objects already handled

std::string raw(const git_oid& oid) { return std::string(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ); }

// The copy's object store: loose objects (written by keep_object), no fsync
// (like git's own objects, it must survive a killed process, not a power cut).
git::OdbPtr open_copy(const std::filesystem::path& objects) {
  git::OdbPtr odb;
  git::check(git_odb_new(git::out(odb)), "cannot create an object database");
  git_odb_backend* backend = nullptr;
  git::check(git_odb_backend_loose(&backend, objects.c_str(), 1, 0, 0700, 0400),
             "cannot open the rollback's object copy '" + objects.string() + "'");
  if (int rc = git_odb_add_backend(odb.get(), backend, 1); rc < 0) {
    backend->free(backend);
    git::check(rc, "cannot open the rollback's object copy '" + objects.string() + "'");
  }
  return odb;
}

// Walks the closure of trees and commits (a commit's tree, never its parents), children before
// parents, calling `visit` for every object. A tree that `shared` maps to a base tree is walked against
// it: an entry equal to the base's entry of the same name is skipped (the base holds it already), and
// a subtree that differs is walked against the base's subtree. `done(tree)` skips a whole tree.
class Closure {
 public:
  Closure(git_repository* repo, std::map<std::string, git_oid> shared, std::function<bool(const git_oid&)> done,
          std::function<void(const git_oid&)> visit)
      : repo_(repo), shared_(std::move(shared)), done_(std::move(done)), visit_(std::move(visit)) {}

  void root(const git_oid& oid) {
    git::ObjectPtr object;
    git::check(git_object_lookup(git::out(object), repo_, &oid, GIT_OBJECT_ANY), "cannot read object " + git::to_hex(oid));
    switch (git_object_type(object.get())) {
      case GIT_OBJECT_COMMIT:
        tree(*git_commit_tree_id(reinterpret_cast<git_commit*>(object.get())), nullptr);
        visit_(oid);
        break;
      case GIT_OBJECT_TREE: tree(oid, nullptr); break;
      default: visit_(oid); break;
    }
  }

 private:
  void tree(const git_oid& oid, const git_tree* base) {
    if (!seen_.insert(raw(oid)).second || done_(oid)) return;
    git::TreePtr shared_base;
    if (!base) {
      if (auto it = shared_.find(raw(oid)); it != shared_.end()) {
        if (git_oid_equal(&it->second, &oid)) return;  // the base is this very tree
        git::check(git_tree_lookup(git::out(shared_base), repo_, &it->second), "cannot read tree " + git::to_hex(it->second));
        base = shared_base.get();
      }
    }
    git::TreePtr tree;
    git::check(git_tree_lookup(git::out(tree), repo_, &oid), "cannot read tree " + git::to_hex(oid));
    size_t n = git_tree_entrycount(tree.get());
    for (size_t i = 0; i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
      const git_oid& child = *git_tree_entry_id(e);
      const git_tree_entry* same = base ? git_tree_entry_byname(base, git_tree_entry_name(e)) : nullptr;
      if (same && git_oid_equal(git_tree_entry_id(same), &child)) continue;  // the base holds it
      switch (git_tree_entry_type(e)) {
        case GIT_OBJECT_TREE: {
          git::TreePtr sub;
          if (same && git_tree_entry_type(same) == GIT_OBJECT_TREE)
            git::check(git_tree_lookup(git::out(sub), repo_, git_tree_entry_id(same)), "cannot read a tree");
          this->tree(child, sub.get());
          break;
        }
        case GIT_OBJECT_BLOB:
          if (seen_.insert(raw(child)).second) visit_(child);
          break;
        default: break;  // a submodule's commit belongs to another repository
      }
    }
    visit_(oid);
  }

  git_repository* repo_;
  std::map<std::string, git_oid> shared_;  // raw tree id -> its base
  std::function<bool(const git_oid&)> done_;
  std::function<void(const git_oid&)> visit_;
  OidSet seen_;
};

// Into the copy: without compression (written once, read at most once, removed when the operation
// ends; deflating the saved index alone would cost more than the rest of the copy).
void keep_object(git_odb* from, const std::filesystem::path& copy_objects, const git_oid& oid) {
  git::OdbObjectPtr object;
  git::check(git_odb_read(git::out(object), from, &oid), "cannot read object " + git::to_hex(oid));
  git::write_loose_object(copy_objects, oid, git_odb_object_type(object.get()),
                          std::string_view(static_cast<const char*>(git_odb_object_data(object.get())),
                                           git_odb_object_size(object.get())),
                          git::LooseObjectModes{0700, 0400});
}

void copy_object(git_odb* from, git_odb* to, const git_oid& oid) {
  git::OdbObjectPtr object;
  git::check(git_odb_read(git::out(object), from, &oid), "cannot read object " + git::to_hex(oid));
  git_oid written;
  git::check(git_odb_write(&written, to, git_odb_object_data(object.get()), git_odb_object_size(object.get()),
                           git_odb_object_type(object.get())),
             "cannot copy object " + git::to_hex(oid));
}

}  // namespace

std::optional<std::filesystem::path> Vault::state_home() {
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && x[0] == '/') return std::filesystem::path(x) / "autofix-gate";
  if (const char* h = std::getenv("HOME"); h && h[0] == '/')
    return std::filesystem::path(h) / ".local" / "state" / "autofix-gate";
  return std::nullopt;
}

Vault Vault::of(const git::Repository& repo) {
  Vault v;
  std::error_code ec;
  std::filesystem::path git_dir = std::filesystem::weakly_canonical(repo.git_dir(), ec);
  if (ec) git_dir = repo.git_dir();
  v.repository_ = git_dir.string();
  if (std::optional<std::filesystem::path> home = state_home())
    v.dir_ = *home / git::to_hex(git::hash_text(v.repository_, "a path")).substr(0, 20);
  return v;
}

std::optional<std::filesystem::path> Vault::journal_path() const {
  if (!dir_) return std::nullopt;
  return *dir_ / "journal.json";
}

std::optional<std::filesystem::path> Vault::objects_dir() const {
  if (!dir_) return std::nullopt;
  return *dir_ / "objects";
}

void Vault::create() const {
  if (!dir_)
    throw Error(ErrorKind::io,
                "there is no place for the rollback's private copy: neither XDG_STATE_HOME nor HOME is an absolute path",
                "set XDG_STATE_HOME (or HOME) to a directory of yours; see docs/snapshots.md");
  std::error_code ec;
  std::filesystem::create_directories(dir_->parent_path(), ec);
  if (ec)
    throw Error(ErrorKind::io, "cannot create '" + dir_->parent_path().string() + "': " + ec.message(),
                "set XDG_STATE_HOME to a directory you can write; the rollback keeps its private copy there");
  if (::mkdir(dir_->c_str(), 0700) != 0 && errno != EEXIST) throw_errno("cannot create directory", dir_->string(), errno);
  struct stat st;
  if (::lstat(dir_->c_str(), &st) != 0) throw_errno("cannot stat", dir_->string(), errno);
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid())
    throw Error(ErrorKind::io, "'" + dir_->string() + "' is not a directory of this user",
                "remove it, or set XDG_STATE_HOME to a directory of yours");
  std::filesystem::path record = *dir_ / "repository";
  if (read_file_if_exists(record) != repository_ + "\n")
    write_file_atomically(record, repository_ + "\n", 0600, Durability::cache);
}

size_t Vault::keep(const git::Repository& repo, const std::vector<git_oid>& roots,
                   const std::vector<std::pair<git_oid, git_oid>>& shared) const {
  create();
  if (::mkdir(objects_dir()->c_str(), 0700) != 0 && errno != EEXIST)
    throw_errno("cannot create directory", objects_dir()->string(), errno);
  git::OdbPtr source;
  git::check(git_repository_odb(git::out(source), repo.get()), "cannot open the object database");
  git::OdbPtr copy = open_copy(*objects_dir());
  std::map<std::string, git_oid> bases;
  for (const auto& [tree, base] : shared) bases.emplace(raw(tree), base);
  size_t written = 0;
  // Children are copied before their tree, so a tree in the copy means that each object of its closure is
  // in the copy or in its base (HEAD's tree, which stays in .git unless the history itself is pruned).
  Closure walk(
      repo.get(), std::move(bases), [&](const git_oid& oid) { return git_odb_exists(copy.get(), &oid) != 0; },
      [&](const git_oid& oid) {
        if (git_odb_exists(copy.get(), &oid)) return;
        keep_object(source.get(), *objects_dir(), oid);
        ++written;
      });
  for (const git_oid& root : roots) walk.root(root);
  return written;
}

bool Vault::attach(const git::Repository& repo) const {
  if (!dir_) return false;
  struct stat st;
  if (::lstat(objects_dir()->c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  // Whatever is read through the copy is hashed and compared with its id first.
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
  git::OdbPtr odb;
  git::check(git_repository_odb(git::out(odb), repo.get()), "cannot open the object database");
  git::check(git_odb_add_disk_alternate(odb.get(), objects_dir()->c_str()),
             "cannot read the rollback's object copy '" + objects_dir()->string() + "'");
  return true;
}

size_t Vault::give_back(const git::Repository& repo) const {
  if (!dir_) return 0;
  struct stat st;
  if (::lstat(objects_dir()->c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
  git::OdbPtr copy = open_copy(*objects_dir());
  std::string objects = std::string(git_repository_commondir(repo.get())) + "objects";
  git::OdbPtr own;  // the repository's store on disk, without this process's view of the copy
  git::check(git_odb_open(git::out(own), objects.c_str()), "cannot open the object directory '" + objects + "'");
  std::vector<git_oid> missing;
  auto collect = [](const git_oid* oid, void* payload) {
    static_cast<std::vector<git_oid>*>(payload)->push_back(*oid);
    return 0;
  };
  git::check(git_odb_foreach(copy.get(), collect, &missing), "cannot list the rollback's object copy");
  size_t written = 0;
  for (const git_oid& oid : missing) {
    if (git_odb_exists(own.get(), &oid)) continue;
    copy_object(copy.get(), own.get(), oid);  // read with its hash checked
    ++written;
  }
  return written;
}

void Vault::remove() const {
  if (!dir_) return;
  std::error_code ec;
  std::filesystem::remove_all(*dir_, ec);
  if (ec) throw Error(ErrorKind::io, "cannot remove the rollback's private copy '" + dir_->string() + "': " + ec.message());
}

}  // namespace autofix
