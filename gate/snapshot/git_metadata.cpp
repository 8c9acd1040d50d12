// SPDX-License-Identifier: MIT
#include "gate/snapshot/git_metadata.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "gate/git/hash_text.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"

namespace autofix::snapshot {

namespace {

namespace fs = std::filesystem;
using TreeBuilderPtr = std::unique_ptr<git_treebuilder, git::Deleter<git_treebuilder_free>>;
using DirPtr = std::unique_ptr<DIR, decltype([](DIR* d) { ::closedir(d); })>;

constexpr const char* kAutofixRefs = "refs/autofix/";

// A saved file or directory of .git and where it lives.
struct Place {
  const char* name;  // entry name in the saved tree, and how messages show it under .git/
  fs::path path;
  bool directory;
};

std::vector<Place> places(const git::Repository& repo) {
  fs::path common = git_repository_commondir(repo.get());
  return {{"config", common / "config", false},
          {"config.worktree", repo.git_dir() / "config.worktree", false},
          {"hooks", common / "hooks", true},
          {"info", common / "info", true}};
}

std::string shown(const std::string& rel) { return ".git/" + rel; }

bool storable_name(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower != ".git" && name.find('/') == std::string::npos;
}

// A file of .git in git's terms: blob and mode (0100644, 0100755 or 0120000); nullopt for anything else.
struct Entry {
  git_oid oid{};
  uint32_t mode = 0;
};

std::optional<std::string> file_bytes(const fs::path& path, const struct stat& st) {
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    std::string target = fs::read_symlink(path, ec).string();
    if (ec) throw Error(ErrorKind::io, "cannot read symbolic link '" + path.string() + "': " + ec.message());
    return target;
  }
  if (S_ISREG(st.st_mode)) return read_file(path);
  return std::nullopt;
}

uint32_t mode_of(const struct stat& st) {
  if (S_ISLNK(st.st_mode)) return GIT_FILEMODE_LINK;
  return (st.st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
}

git_oid store_blob(git_repository* repo, const std::string& content, const fs::path& path) {
  git_oid oid;
  git::check(git_blob_create_from_buffer(&oid, repo, content.data(), content.size()),
             "cannot save '" + path.string() + "'");
  return oid;
}

std::vector<std::string> directory_names(const fs::path& dir) {
  std::vector<std::string> names;
  DirPtr d(::opendir(dir.c_str()));
  if (!d) throw_errno("cannot read directory", dir.string(), errno);
  while (dirent* de = ::readdir(d.get())) {
    std::string name = de->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

git_oid capture_directory(git_repository* repo, const fs::path& dir) {
  TreeBuilderPtr builder;
  git::check(git_treebuilder_new(git::out(builder), repo, nullptr), "cannot start a tree for '" + dir.string() + "'");
  for (const std::string& name : directory_names(dir)) {
    if (!storable_name(name)) continue;
    fs::path path = dir / name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;
      throw_errno("cannot stat", path.string(), errno);
    }
    git_oid oid;
    git_filemode_t mode;
    if (S_ISDIR(st.st_mode)) {
      oid = capture_directory(repo, path);
      mode = GIT_FILEMODE_TREE;
    } else if (std::optional<std::string> bytes = file_bytes(path, st)) {
      oid = store_blob(repo, *bytes, path);
      mode = static_cast<git_filemode_t>(mode_of(st));
    } else {
      continue;  // fifos and sockets are not saved
    }
    git::check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &oid, mode),
               "cannot save '" + path.string() + "'");
  }
  git_oid oid;
  git::check(git_treebuilder_write(&oid, builder.get()), "cannot write the tree of '" + dir.string() + "'");
  return oid;
}

std::map<std::string, std::string> current_refs(const git::Repository& repo) {
  std::map<std::string, std::string> refs;
  git::ReferenceIteratorPtr it;
  git::check(git_reference_iterator_new(git::out(it), repo.get()), "cannot list the refs");
  for (;;) {
    git_reference* raw = nullptr;
    int rc = git_reference_next(&raw, it.get());
    if (rc == GIT_ITEROVER) break;
    git::check(rc, "cannot list the refs");
    git::ReferencePtr ref(raw);
    std::string name = git_reference_name(ref.get());
    if (name.rfind(kAutofixRefs, 0) == 0) continue;
    if (git_reference_type(ref.get()) == GIT_REFERENCE_SYMBOLIC)
      refs[name] = std::string("ref: ") + git_reference_symbolic_target(ref.get());
    else
      refs[name] = git::to_hex(*git_reference_target(ref.get()));
  }
  git_error_clear();
  return refs;
}

std::string short_target(const std::string& target) {
  return target.rfind("ref: ", 0) == 0 ? target.substr(5) : target.substr(0, 12);
}

// Compares (and with `apply`, makes equal) the files of .git with the saved tree.
class FileSync {
 public:
  FileSync(git_repository* repo, bool apply, std::vector<std::string>& out) : repo_(repo), apply_(apply), out_(out) {}

  void place(const Place& p, const git_tree* saved) {
    const git_tree_entry* e = saved ? git_tree_entry_byname(saved, p.name) : nullptr;
    if (!e) {
      if (exists(p.path)) note(p.name, "created during the operation: removed"), remove(p.path);
      return;
    }
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) directory(p.name, p.path, *git_tree_entry_id(e));
    else file(p.name, p.path, *git_tree_entry_id(e), git_tree_entry_filemode(e));
  }

 private:
  static bool exists(const fs::path& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
  }

  void note(const std::string& rel, const std::string& what) { out_.push_back(shown(rel) + " (" + what + ")"); }

  void remove(const fs::path& path) {
    if (!apply_) return;
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) throw Error(ErrorKind::io, "cannot remove '" + path.string() + "': " + ec.message());
  }

  void file(const std::string& rel, const fs::path& path, const git_oid& oid, uint32_t mode) {
    struct stat st;
    bool present = ::lstat(path.c_str(), &st) == 0;
    if (present && !S_ISDIR(st.st_mode)) {
      std::optional<std::string> bytes = file_bytes(path, st);
      if (bytes && mode_of(st) == mode) {
        const git_oid now = git::hash_text(*bytes, "'" + rel + "'");
        if (git_oid_equal(&now, &oid)) return;
      }
    }
    note(rel, present ? "changed during the operation: restored" : "deleted during the operation: restored");
    if (!apply_) return;
    if (present && S_ISDIR(st.st_mode)) remove(path);
    git::BlobPtr blob;
    git::check(git_blob_lookup(git::out(blob), repo_, &oid), "cannot read the saved " + shown(rel));
    std::string content(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                        static_cast<size_t>(git_blob_rawsize(blob.get())));
    std::string tmp = path.string() + ".autofix-tmp-" + std::to_string(::getpid());
    ::unlink(tmp.c_str());
    if (mode == GIT_FILEMODE_LINK) {
      if (::symlink(content.c_str(), tmp.c_str()) != 0) throw_errno("cannot create symbolic link", tmp, errno);
    } else {
      UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                         mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0777 : 0666));
      if (!fd) throw_errno("cannot create", tmp, errno);
      write_all(fd.get(), content, tmp);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      throw_errno("cannot put back", path.string(), err);
    }
  }

  void directory(const std::string& rel, const fs::path& path, const git_oid& oid) {
    git::TreePtr tree;
    git::check(git_tree_lookup(git::out(tree), repo_, &oid), "cannot read the saved " + shown(rel));
    struct stat st;
    bool present = ::lstat(path.c_str(), &st) == 0;
    if (present && !S_ISDIR(st.st_mode)) {
      note(rel, "replaced during the operation: restored");
      remove(path);
      present = false;
    } else if (!present) {
      note(rel, "deleted during the operation: restored");
    }
    if (!present) {
      if (!apply_) return;
      if (::mkdir(path.c_str(), 0777) != 0 && errno != EEXIST) throw_errno("cannot create directory", path.string(), errno);
    }
    std::set<std::string> wanted;
    size_t n = git_tree_entrycount(tree.get());
    for (size_t i = 0; i < n; ++i) wanted.insert(git_tree_entry_name(git_tree_entry_byindex(tree.get(), i)));
    for (const std::string& name : directory_names(path)) {
      if (wanted.count(name) || !storable_name(name)) continue;
      struct stat child;
      if (::lstat((path / name).c_str(), &child) == 0 && !S_ISDIR(child.st_mode) && !S_ISREG(child.st_mode) &&
          !S_ISLNK(child.st_mode))
        continue;  // a fifo or socket was never saved
      note(rel + "/" + name, "created during the operation: removed");
      remove(path / name);
    }
    for (size_t i = 0; i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
      std::string name = git_tree_entry_name(e);
      if (git_tree_entry_type(e) == GIT_OBJECT_TREE) directory(rel + "/" + name, path / name, *git_tree_entry_id(e));
      else file(rel + "/" + name, path / name, *git_tree_entry_id(e), git_tree_entry_filemode(e));
    }
  }

  git_repository* repo_;
  bool apply_;
  std::vector<std::string>& out_;
};

void sync_files(const git::Repository& repo, const GitMetadata& saved, bool apply, std::vector<std::string>& out) {
  git::TreePtr tree;
  git::check(git_tree_lookup(git::out(tree), repo.get(), &saved.files), "cannot read the saved .git files");
  FileSync sync(repo.get(), apply, out);
  for (const Place& p : places(repo)) sync.place(p, tree.get());
}

bool leave(const GitMetadataScope& scope, const std::string& ref) { return scope.leave_ref && scope.leave_ref(ref); }

void sync_refs(const git::Repository& repo, const GitMetadata& saved, const GitMetadataScope& scope, bool apply,
               GitMetadataRestore& out) {
  std::map<std::string, std::string> now = current_refs(repo);
  const std::string log = "autofix-gate: rollback";
  // Refs that were not there go first: a new refs/heads/x/y stands in the way of a deleted refs/heads/x.
  for (const auto& [name, target] : now) {
    if (saved.refs.count(name) || leave(scope, name)) continue;
    out.restored.push_back(name + " (created during the operation, at " + short_target(target) + ": deleted)");
    if (apply) git::check(git_reference_remove(repo.get(), name.c_str()), "cannot delete " + name);
  }
  git::OdbPtr odb;
  git::check(git_repository_odb(git::out(odb), repo.get()), "cannot open the object database");
  for (const auto& [name, target] : saved.refs) {
    auto it = now.find(name);
    if ((it != now.end() && it->second == target) || leave(scope, name)) continue;
    bool symbolic = target.rfind("ref: ", 0) == 0;
    git_oid oid{};
    if (!symbolic) {
      oid = git::from_hex(target);
      if (!git_odb_exists(odb.get(), &oid)) {
        out.lost.push_back(name + " (was at " + short_target(target) + ", an object that no longer exists)");
        continue;
      }
    }
    out.restored.push_back(name + (it == now.end() ? " (deleted during the operation" : " (moved to " + short_target(it->second)) +
                           ": restored at " + short_target(target) + ")");
    if (!apply) continue;
    git::ReferencePtr ref;
    if (symbolic)
      git::check(git_reference_symbolic_create(git::out(ref), repo.get(), name.c_str(), target.substr(5).c_str(), 1,
                                               log.c_str()),
                 "cannot restore " + name);
    else
      git::check(git_reference_create(git::out(ref), repo.get(), name.c_str(), &oid, 1, log.c_str()),
                 "cannot restore " + name);
  }
}

GitMetadataRestore compare(const git::Repository& repo, const GitMetadata& saved, const GitMetadataScope& scope,
                           bool apply) {
  GitMetadataRestore out;
  if (scope.files) sync_files(repo, saved, apply, out.restored);
  if (scope.refs) sync_refs(repo, saved, scope, apply, out);
  return out;
}

}  // namespace

GitMetadata capture_git_metadata(const git::Repository& repo) {
  TreeBuilderPtr root;
  git::check(git_treebuilder_new(git::out(root), repo.get(), nullptr), "cannot start the tree of .git files");
  for (const Place& p : places(repo)) {
    struct stat st;
    if (::lstat(p.path.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;
      throw_errno("cannot stat", p.path.string(), errno);
    }
    git_oid oid;
    git_filemode_t mode;
    if (S_ISDIR(st.st_mode)) {
      oid = capture_directory(repo.get(), p.path);
      mode = GIT_FILEMODE_TREE;
    } else if (std::optional<std::string> bytes = file_bytes(p.path, st)) {
      oid = store_blob(repo.get(), *bytes, p.path);
      mode = static_cast<git_filemode_t>(mode_of(st));
    } else {
      continue;
    }
    git::check(git_treebuilder_insert(nullptr, root.get(), p.name, &oid, mode), "cannot save '" + p.path.string() + "'");
  }
  GitMetadata m;
  git::check(git_treebuilder_write(&m.files, root.get()), "cannot write the tree of .git files");
  m.refs = current_refs(repo);
  return m;
}

GitMetadataRestore restore_git_metadata(const git::Repository& repo, const GitMetadata& saved,
                                        const GitMetadataScope& scope) {
  GitMetadataRestore done = compare(repo, saved, scope, true);
  // libgit2 caches ignore rules and configuration read from these files.
  git_attr_cache_flush(repo.get());
  GitMetadataRestore left = compare(repo, saved, scope, false);
  if (!left.restored.empty()) {
    std::string list;
    for (const std::string& d : left.restored) list += (list.empty() ? "" : ", ") + d;
    throw Error(ErrorKind::verification, "the rollback left .git different from its snapshot: " + list,
                "run `autofix-gate recover` again, and report this if it persists");
  }
  return done;
}

std::vector<std::string> git_metadata_differences(const git::Repository& repo, const GitMetadata& saved,
                                                  const GitMetadataScope& scope) {
  return compare(repo, saved, scope, false).restored;
}

}  // namespace autofix::snapshot
