#include "gate/snapshot/worktree_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"

namespace autofix::snapshot {

const char* to_string(ChangeKind kind) noexcept {
  switch (kind) {
    case ChangeKind::added: return "added";
    case ChangeKind::modified: return "modified";
    case ChangeKind::deleted: return "deleted";
  }
  return "modified";
}

namespace {

constexpr uint32_t kModeFile = 0100644;
constexpr uint32_t kModeExecutable = 0100755;
constexpr uint32_t kModeSymlink = 0120000;
constexpr uint32_t kModeGitlink = 0160000;

using DirPtr = std::unique_ptr<DIR, decltype([](DIR* d) { ::closedir(d); })>;

uint32_t git_mode_of(const struct stat& st) {
  if (S_ISLNK(st.st_mode)) return kModeSymlink;
  return (st.st_mode & S_IXUSR) ? kModeExecutable : kModeFile;
}

std::string join(const std::string& dir, const char* name) { return dir.empty() ? name : dir + "/" + name; }

bool is_racy(const git_index_entry& e, const Timestamp& index_mtime) {
  Timestamp m{e.mtime.seconds, e.mtime.nanoseconds};
  Timestamp c{e.ctime.seconds, e.ctime.nanoseconds};
  return index_mtime == Timestamp{} || m >= index_mtime || c >= index_mtime;
}

// Same comparison as git's ie_match_stat: what a write to the file would change.
bool stat_matches(const git_index_entry& e, const struct stat& st) {
  auto ns_matches = [](uint32_t recorded, long actual) { return recorded == 0 || recorded == actual; };
  return e.file_size == static_cast<uint32_t>(st.st_size) &&
         e.mtime.seconds == static_cast<int32_t>(st.st_mtim.tv_sec) &&
         ns_matches(e.mtime.nanoseconds, st.st_mtim.tv_nsec) &&
         e.ctime.seconds == static_cast<int32_t>(st.st_ctim.tv_sec) &&
         ns_matches(e.ctime.nanoseconds, st.st_ctim.tv_nsec) && e.ino == static_cast<uint32_t>(st.st_ino) &&
         e.mode == git_mode_of(st);
}

// Whether any clean filter (autocrlf, text/eol/ident/filter attributes) could apply in this repository.
// When none can, the index's blob for a file is its exact bytes and may stand for them.
bool filters_possible(const git::Repository& repo, git_index* index) {
  git::ConfigPtr config;
  if (git_repository_config_snapshot(git::out(config), repo.get()) == 0) {
    int autocrlf = 0;
    if (git_config_get_bool(&autocrlf, config.get(), "core.autocrlf") == 0 && autocrlf) return true;
    git_buf value = GIT_BUF_INIT;
    bool input = git_config_get_string_buf(&value, config.get(), "core.autocrlf") == 0 &&
                 std::string(value.ptr) == "input";
    git_buf_dispose(&value);
    if (input) return true;
    if (git_config_get_string_buf(&value, config.get(), "core.attributesfile") == 0) {
      git_buf_dispose(&value);
      return true;
    }
  }
  git_error_clear();
  struct stat st;
  if (::lstat((repo.git_dir() / "info" / "attributes").c_str(), &st) == 0) return true;
  if (::lstat("/etc/gitattributes", &st) == 0) return true;
  std::string xdg;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) xdg = x;
  else if (const char* h = std::getenv("HOME"); h && *h) xdg = std::string(h) + "/.config";
  if (!xdg.empty() && ::lstat((xdg + "/git/attributes").c_str(), &st) == 0) return true;
  size_t n = git_index_entrycount(index);
  for (size_t i = 0; i < n; ++i) {
    std::string_view p = git_index_get_byindex(index, i)->path;
    if (p == ".gitattributes" || p.ends_with("/.gitattributes")) return true;
  }
  if (::lstat((repo.workdir() / ".gitattributes").c_str(), &st) == 0) return true;
  return false;
}

class Scanner {
 public:
  Scanner(const git::Repository& repo, git_index* index, const ScanOptions& options)
      : repo_(repo), index_(index), options_(options), visited_(git_index_entrycount(index), false) {
    git::check(git_repository_odb(git::out(odb_), repo.get()), "cannot open the object database");
    result_.full = git_index_has_conflicts(index) != 0;
    filters_ = filters_possible(repo, index);
  }

  ScanResult run() {
    walk("");
    collect_unvisited_entries();
    std::sort(result_.changes.begin(), result_.changes.end(),
              [](const Change& a, const Change& b) { return a.path < b.path; });
    for (auto* list : {&result_.empty_dirs, &result_.submodules, &result_.nested_repositories, &result_.ignored,
                       &result_.special_files})
      std::sort(list->begin(), list->end());
    return std::move(result_);
  }

 private:
  // Returns whether the directory holds anything the snapshot keeps (a file, or something left alone).
  bool walk(const std::string& dir) {
    std::string abs = dir.empty() ? repo_.workdir().string() : (repo_.workdir() / dir).string();
    DirPtr d(::opendir(abs.c_str()));
    if (!d) throw_errno("cannot read directory", abs, errno);
    ++result_.stats.directories;
    bool holds_something = false;
    errno = 0;
    while (dirent* de = ::readdir(d.get())) {
      const char* name = de->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      if (dir.empty() && std::strcmp(name, ".git") == 0) continue;
      std::string path = join(dir, name);
      if (visit(path, de->d_type)) holds_something = true;
      errno = 0;
    }
    if (errno != 0) throw_errno("cannot read directory", abs, errno);
    if (!holds_something && !dir.empty()) result_.empty_dirs.push_back(dir);
    return holds_something;
  }

  bool visit(const std::string& path, unsigned char d_type) {
    size_t pos = 0;
    const git_index_entry* entry = find_stage0(path, &pos);
    if (entry && entry->mode == kModeGitlink) {
      visited_[pos] = true;
      result_.submodules.push_back(path);
      return true;
    }
    struct stat st;
    std::string abs = (repo_.workdir() / path).string();
    if (::lstat(abs.c_str(), &st) != 0) {
      if (errno == ENOENT) return false;  // vanished while we looked: as if never there
      throw_errno("cannot stat", abs, errno);
    }
    (void)d_type;
    if (S_ISDIR(st.st_mode)) return visit_directory(path, abs);
    if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
      if (!is_tracked(path) && is_ignored(path)) return false;
      result_.special_files.push_back(path);
      return false;
    }
    if (entry) {
      visited_[pos] = true;
      visit_tracked_file(path, abs, *entry, st);
      return true;
    }
    if (!has_conflict_entry(path) && is_ignored(path)) {
      result_.ignored.push_back(path);
      return false;
    }
    FileState state = read_file_state(abs, st, nullptr);
    result_.changes.push_back({path, ChangeKind::added, state});
    ++result_.stats.untracked_files;
    count_file(state);
    return true;
  }

  bool visit_directory(const std::string& path, const std::string& abs) {
    if (is_tracked_directory(path)) return walk(path);
    if (is_ignored(path + "/")) {
      result_.ignored.push_back(path + "/");
      return false;
    }
    struct stat st;
    if (::lstat((abs + "/.git").c_str(), &st) == 0) {
      result_.nested_repositories.push_back(path);
      return true;
    }
    return walk(path);
  }

  void visit_tracked_file(const std::string& path, const std::string& abs, const git_index_entry& entry,
                          const struct stat& st) {
    FileState index_state{entry.id, entry.mode};
    bool intent_to_add = (entry.flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) != 0;
    FileState state;
    if (!intent_to_add && stat_matches(entry, st) && !is_racy(entry, options_.index_mtime) &&
        !filter_applies(path)) {
      state = index_state;
    } else {
      state = read_file_state(abs, st, &index_state);
    }
    count_file(state);
    // In full mode (conflicts) the tree is built from nothing, so every file is listed.
    if (result_.full || intent_to_add || !(state == index_state))
      result_.changes.push_back({path, result_.full ? ChangeKind::added : ChangeKind::modified, state});
  }

  // Hashes the file (or the link's target) and stores it unless it is `known` already.
  FileState read_file_state(const std::string& abs, const struct stat& st, const FileState* known) {
    FileState state;
    state.mode = git_mode_of(st);
    std::string content;
    if (S_ISLNK(st.st_mode)) {
      content.resize(static_cast<size_t>(st.st_size) + 1);
      for (;;) {
        ssize_t n = ::readlink(abs.c_str(), content.data(), content.size());
        if (n < 0) throw_errno("cannot read symbolic link", abs, errno);
        if (static_cast<size_t>(n) < content.size()) {
          content.resize(static_cast<size_t>(n));
          break;
        }
        content.resize(content.size() * 2);  // the link changed under us; read again
      }
    } else {
      content = read_file(abs);
    }
    ++result_.stats.hashed_files;
    result_.stats.hashed_bytes += content.size();
    git::check(git_odb_hash(&state.oid, content.data(), content.size(), GIT_OBJECT_BLOB), "cannot hash " + abs);
    if (known && git_oid_equal(&state.oid, &known->oid)) return state;  // already in the object store
    if (options_.store_blobs) {
      git_oid written;
      git::check(git_odb_write(&written, odb_.get(), content.data(), content.size(), GIT_OBJECT_BLOB),
                 "cannot store the content of '" + abs + "'");
    }
    return state;
  }

  void count_file(const FileState& state) {
    ++result_.stats.files;
    if (state.mode == kModeSymlink) ++result_.stats.symlinks;
    if (state.mode == kModeExecutable) ++result_.stats.executables;
  }

  const git_index_entry* find_stage0(const std::string& path, size_t* pos) {
    const git_index_entry* e = git_index_get_bypath(index_, path.c_str(), 0);
    if (!e) return nullptr;
    if (git_index_find(pos, index_, path.c_str()) != 0) return nullptr;
    // git_index_find returns the first entry for the path; with conflicts stage 0 cannot coexist.
    return e;
  }

  bool has_conflict_entry(const std::string& path) {
    if (!result_.full) return false;
    for (int stage = 1; stage <= 3; ++stage)
      if (git_index_get_bypath(index_, path.c_str(), stage)) return true;
    return false;
  }

  bool is_tracked(const std::string& path) {
    return git_index_get_bypath(index_, path.c_str(), 0) != nullptr || has_conflict_entry(path);
  }

  bool is_tracked_directory(const std::string& path) {
    size_t pos = 0;
    std::string prefix = path + "/";
    if (git_index_find_prefix(&pos, index_, prefix.c_str()) != 0) {
      git_error_clear();
      return false;
    }
    return true;
  }

  bool is_ignored(const std::string& path) {
    int ignored = 0;
    git::check(git_ignore_path_is_ignored(&ignored, repo_.get(), path.c_str()),
               "cannot evaluate ignore rules for '" + path + "'");
    return ignored != 0;
  }

  bool filter_applies(const std::string& path) {
    if (!filters_) return false;
    git_filter_list* filters = nullptr;
    git::check(git_filter_list_load(&filters, repo_.get(), nullptr, path.c_str(), GIT_FILTER_TO_ODB,
                                    GIT_FILTER_DEFAULT),
               "cannot load filters for '" + path + "'");
    bool applies = filters != nullptr;
    git_filter_list_free(filters);
    return applies;
  }

  // Index entries the walk did not meet are files missing from the work tree.
  void collect_unvisited_entries() {
    size_t n = git_index_entrycount(index_);
    for (size_t i = 0; i < n; ++i) {
      if (visited_[i]) continue;
      const git_index_entry* e = git_index_get_byindex(index_, i);
      if (GIT_INDEX_ENTRY_STAGE(e) != 0) continue;
      if (e->mode == kModeGitlink) {
        result_.submodules.push_back(e->path);  // not checked out: still left alone
        continue;
      }
      if (!result_.full) result_.changes.push_back({e->path, ChangeKind::deleted, {}});
    }
  }

  const git::Repository& repo_;
  git_index* index_;
  const ScanOptions& options_;
  git::OdbPtr odb_;
  std::vector<bool> visited_;
  bool filters_ = false;
  ScanResult result_;
};

// A directory of pending changes: the tree-building counterpart of the sorted change list.
struct ChangeNode {
  std::map<std::string, ChangeNode> children;
  const Change* change = nullptr;
};

using TreeBuilderPtr = std::unique_ptr<git_treebuilder, git::Deleter<git_treebuilder_free>>;

// Rebuilds one directory: the base tree's entries with the node's changes applied.
// Returns nullopt when the directory ends up empty (git cannot store an empty tree entry).
std::optional<git_oid> build_tree(git_repository* repo, const ChangeNode& node, const git_tree* base,
                                  const std::string& dir) {
  TreeBuilderPtr builder;
  git::check(git_treebuilder_new(git::out(builder), repo, base), "cannot start tree for '" + dir + "'");
  for (const auto& [name, child] : node.children) {
    std::string path = dir.empty() ? name : dir + "/" + name;
    if (child.change && child.change->kind == ChangeKind::deleted) {
      if (git_treebuilder_get(builder.get(), name.c_str()))
        git::check(git_treebuilder_remove(builder.get(), name.c_str()), "cannot remove '" + path + "' from tree");
    }
    if (child.change && child.change->kind != ChangeKind::deleted) {
      git::check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &child.change->state.oid,
                                        static_cast<git_filemode_t>(child.change->state.mode)),
                 "cannot add '" + path + "' to tree");
    }
    if (!child.children.empty()) {
      git::TreePtr sub_base;
      const git_tree_entry* existing = base ? git_tree_entry_byname(base, name.c_str()) : nullptr;
      if (existing && git_tree_entry_type(existing) == GIT_OBJECT_TREE)
        git::check(git_tree_lookup(git::out(sub_base), repo, git_tree_entry_id(existing)),
                   "cannot read tree '" + path + "'");
      std::optional<git_oid> sub = build_tree(repo, child, sub_base.get(), path);
      if (sub) {
        git::check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &*sub, GIT_FILEMODE_TREE),
                   "cannot add directory '" + path + "' to tree");
      } else if (git_treebuilder_get(builder.get(), name.c_str()) &&
                 !(child.change && child.change->kind != ChangeKind::deleted)) {
        git::check(git_treebuilder_remove(builder.get(), name.c_str()), "cannot remove '" + path + "' from tree");
      }
    }
  }
  if (git_treebuilder_entrycount(builder.get()) == 0) return std::nullopt;
  git_oid oid;
  git::check(git_treebuilder_write(&oid, builder.get()), "cannot write tree for '" + dir + "'");
  return oid;
}

}  // namespace

ScanResult scan_worktree(const git::Repository& repo, git_index* index, const ScanOptions& options) {
  return Scanner(repo, index, options).run();
}

Timestamp index_file_mtime(const git::Repository& repo) {
  struct stat st;
  std::string path = (repo.git_dir() / "index").string();
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    throw_errno("cannot stat", path, errno);
  }
  return {st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
}

std::optional<git_oid> write_index_tree(const git::Repository& repo, git_index* index) {
  if (git_index_has_conflicts(index)) return std::nullopt;
  git_oid oid;
  git::check(git_index_write_tree_to(&oid, index, repo.get()), "cannot write the index's tree");
  return oid;
}

git_oid write_worktree_tree(const git::Repository& repo, git_index* index, const ScanResult& result) {
  git::TreePtr base;
  if (!result.full) {
    std::optional<git_oid> staged = write_index_tree(repo, index);
    if (!staged) throw Error(ErrorKind::internal, "index has conflicts but the scan was not in full mode");
    git::check(git_tree_lookup(git::out(base), repo.get(), &*staged), "cannot read the index's tree");
  }
  ChangeNode root;
  for (const Change& c : result.changes) {
    ChangeNode* node = &root;
    size_t start = 0;
    for (;;) {
      size_t slash = c.path.find('/', start);
      node = &node->children[c.path.substr(start, slash == std::string::npos ? std::string::npos : slash - start)];
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    node->change = &c;
  }
  std::optional<git_oid> tree = build_tree(repo.get(), root, base.get(), "");
  if (tree) return *tree;
  git_oid empty;
  TreeBuilderPtr builder;
  git::check(git_treebuilder_new(git::out(builder), repo.get(), nullptr), "cannot start the empty tree");
  git::check(git_treebuilder_write(&empty, builder.get()), "cannot write the empty tree");
  return empty;
}

}  // namespace autofix::snapshot
