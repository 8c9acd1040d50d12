// SPDX-License-Identifier: MIT
#include "gate/snapshot/worktree_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <span>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "gate/git/hash_text.h"
#include "gate/util/atomic_file.h"
#include "gate/util/byte_names.h"
#include "gate/util/disk_space.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"

namespace autofix::snapshot {

namespace {

constexpr uint32_t kModeFile = 0100644;
constexpr uint32_t kModeExecutable = 0100755;
constexpr uint32_t kModeSymlink = 0120000;
constexpr uint32_t kModeGitlink = 0160000;

using DirPtr = std::unique_ptr<DIR, decltype([](DIR* d) { ::closedir(d); })>;

// The part of struct stat the scan needs (a third of its size: the walk keeps one per file).
struct FileStat {
  uint32_t mode = 0;
  uint32_t ctime_ns = 0;
  uint32_t mtime_ns = 0;
  int64_t mtime_s = 0;
  int64_t ctime_s = 0;
  uint64_t size = 0;
  uint64_t ino = 0;
  FileStat() = default;
  explicit FileStat(const struct stat& st)
      : mode(st.st_mode),
        ctime_ns(static_cast<uint32_t>(st.st_ctim.tv_nsec)),
        mtime_ns(static_cast<uint32_t>(st.st_mtim.tv_nsec)),
        mtime_s(st.st_mtim.tv_sec),
        ctime_s(st.st_ctim.tv_sec),
        size(static_cast<uint64_t>(st.st_size)),
        ino(static_cast<uint64_t>(st.st_ino)) {}
};

StatData stat_data(const FileStat& st) {
  return StatData{st.size, {st.mtime_s, st.mtime_ns}, {st.ctime_s, st.ctime_ns}, st.ino, st.mode};
}

uint32_t git_mode_of(const FileStat& st) {
  if (S_ISLNK(st.mode)) return kModeSymlink;
  return (st.mode & S_IXUSR) ? kModeExecutable : kModeFile;
}


bool is_racy(const git_index_entry& e, const Timestamp& index_mtime) {
  Timestamp m{e.mtime.seconds, e.mtime.nanoseconds};
  Timestamp c{e.ctime.seconds, e.ctime.nanoseconds};
  return index_mtime == Timestamp{} || m >= index_mtime || c >= index_mtime;
}

// Same comparison as git's ie_match_stat: what a write to the file would change.
bool stat_matches(const git_index_entry& e, const FileStat& st) {
  auto ns_matches = [](uint32_t recorded, uint32_t actual) { return recorded == 0 || recorded == actual; };
  return e.file_size == static_cast<uint32_t>(st.size) && e.mtime.seconds == static_cast<int32_t>(st.mtime_s) &&
         ns_matches(e.mtime.nanoseconds, st.mtime_ns) && e.ctime.seconds == static_cast<int32_t>(st.ctime_s) &&
         ns_matches(e.ctime.nanoseconds, st.ctime_ns) && e.ino == static_cast<uint32_t>(st.ino) &&
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

// Stage-0 entries sorted by path, for lookups that do not touch libgit2 (the walk runs on several
// threads; libgit2 objects are not safe to share). Sorted rather than hashed: the walk looks names up
// directory by directory, each in the small range of entries below that directory, which stays in cache.
class IndexLookup {
 public:
  struct Entry {
    std::string_view path;
    size_t position = 0;  // in the index
    const git_index_entry* entry = nullptr;
  };
  using Range = std::span<const Entry>;

  explicit IndexLookup(git_index* index) {
    size_t n = git_index_entrycount(index);
    entries_.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      const git_index_entry* e = git_index_get_byindex(index, i);
      if (GIT_INDEX_ENTRY_STAGE(e) == 0) entries_.push_back({e->path, i, e});
      else if (conflicts_.insert(e->path).second) conflict_paths_.push_back(e->path);
    }
    std::sort(conflict_paths_.begin(), conflict_paths_.end());
    auto by_path = [](const Entry& a, const Entry& b) { return a.path < b.path; };
    if (!std::is_sorted(entries_.begin(), entries_.end(), by_path))  // a case-insensitive index sorts otherwise
      std::sort(entries_.begin(), entries_.end(), by_path);
  }
  Range all() const { return entries_; }
  // The entries below directory `dir` ("" is the root): where the names of that directory are.
  Range below(std::string_view dir) const { return dir.empty() ? Range(entries_) : Range(prefixed(entries_, dir)); }
  // The stage-0 entry for `path` within `range`, or null.
  static const Entry* find_in(Range range, std::string_view path) {
    auto it = std::lower_bound(range.begin(), range.end(), path,
                               [](const Entry& e, std::string_view p) { return e.path < p; });
    return it != range.end() && it->path == path ? &*it : nullptr;
  }
  // Position of the stage-0 entry for `path`, or -1.
  ptrdiff_t find(std::string_view path) const {
    const Entry* e = find_in(entries_, path);
    return e ? static_cast<ptrdiff_t>(e->position) : -1;
  }
  bool is_conflicted(std::string_view path) const { return conflicts_.count(path) > 0; }
  // Whether a tracked path (of any stage) lies below `path`.
  bool is_tracked_directory(std::string_view path) const {
    return !below(path).empty() || !prefixed(conflict_paths_, path).empty();
  }

 private:
  // The elements of sorted `v` whose path lies below `dir`: those from "dir/" up to "dir0" ('/' + 1).
  template <typename T>
  static std::span<const T> prefixed(const std::vector<T>& v, std::string_view dir) {
    std::string low = std::string(dir) + "/";
    std::string high = std::string(dir) + static_cast<char>('/' + 1);
    auto key = [](const T& t) -> std::string_view {
      if constexpr (std::is_same_v<T, Entry>) return t.path;
      else return t;
    };
    auto first = std::lower_bound(v.begin(), v.end(), low, [&](const T& t, const std::string& p) { return key(t) < p; });
    auto last = std::lower_bound(first, v.end(), high, [&](const T& t, const std::string& p) { return key(t) < p; });
    return std::span<const T>(v.data() + (first - v.begin()), static_cast<size_t>(last - first));
  }

  std::vector<Entry> entries_;
  std::vector<std::string_view> conflict_paths_;  // sorted
  std::unordered_set<std::string_view> conflicts_;
};

// What the parallel walk collects: every directory it entered and every non-directory in them.
struct WalkedDirectory {
  std::string path;
  ptrdiff_t parent = -1;
  bool holds_something = false;
  uint32_t mode = 0;  // st_mode as the parent's listing saw it
};

struct WalkedFile {
  std::string path;
  size_t directory = 0;
  FileStat st;
};

// One walk thread's findings: the files left to classify, and what it settled itself (tracked files
// whose stat data matches their index entry, the common case, counted without being kept).
struct WalkOutput {
  std::vector<WalkedFile> files;
  size_t clean_files = 0;
  size_t clean_symlinks = 0;
  size_t clean_executables = 0;
  std::vector<size_t> holding_directories;  // directories that hold such a file
};

class Scanner {
 public:
  Scanner(const git::Repository& repo, git_index* index, const ScanOptions& options)
      : repo_(repo), index_(index), options_(options), lookup_(index), visited_(git_index_entrycount(index), 0) {
    git::check(git_repository_odb(git::out(odb_), repo.get()), "cannot open the object database");
    result_.full = git_index_has_conflicts(index) != 0;
    filters_ = filters_possible(repo, index);
    root_ = repo.workdir().string();
    umask_ = options.umask.value_or(current_umask());
  }

  ScanResult run() {
    walk_in_parallel();
    for (const WalkOutput& found : walked_) {
      result_.stats.files += found.clean_files;
      result_.stats.symlinks += found.clean_symlinks;
      result_.stats.executables += found.clean_executables;
      for (size_t d : found.holding_directories) mark_holds(d);
    }
    for (const WalkOutput& found : walked_)
      for (const WalkedFile& f : found.files) classify(f);
    collect_unvisited_entries();
    for (std::string& d : nested_in_tracked_) result_.nested_repositories.push_back(std::move(d));
    for (const WalkedDirectory& d : dirs_) {
      if (!d.holds_something && !d.path.empty()) result_.empty_dirs.push_back(d.path);
      note_permissions(d.path, d.mode, true);
    }
    result_.stats.directories = dirs_.size();
    std::sort(result_.changes.begin(), result_.changes.end(),
              [](const Change& a, const Change& b) { return a.path < b.path; });
    for (auto* list : {&result_.empty_dirs, &result_.submodules, &result_.nested_repositories, &result_.ignored,
                       &result_.special_files, &result_.unlocked})
      std::sort(list->begin(), list->end());
    std::sort(result_.read_files.begin(), result_.read_files.end(),
              [](const ReadFile& a, const ReadFile& b) { return a.path < b.path; });
    std::sort(result_.permissions.begin(), result_.permissions.end(),
              [](const PathMode& a, const PathMode& b) { return a.path < b.path; });
    return std::move(result_);
  }

 private:
  // The walk opens directories and files by their whole path: one of PATH_MAX bytes or more cannot be.
  void require_short_enough(const std::string& abs, const std::string& rel) const {
    if (abs.size() < PATH_MAX) return;
    std::string shown = quoted_name(rel);
    if (shown.size() > 120) shown = shown.substr(0, 60) + "..." + shown.substr(shown.size() - 40);
    throw Error(options_.too_long_is_usage ? ErrorKind::usage : ErrorKind::io,
                "name too long: the work tree holds '" + shown + "', whose path is " + std::to_string(abs.size()) +
                    " bytes long (the limit is " + std::to_string(PATH_MAX - 1) + ")",
                "the gate reads, saves and restores files by their whole path: move or rename it (or ignore it in "
                ".gitignore), then try again");
  }

  // ---- walk: directory reads and lstat on a small thread pool; this is where the time goes ----

  void walk_in_parallel() {
    struct stat root_st;
    if (::lstat(root_.c_str(), &root_st) != 0) throw_errno("cannot stat", root_, errno);
    dirs_.push_back({"", -1, false, static_cast<uint32_t>(root_st.st_mode)});
    unlock_directory("", root_st.st_mode);
    pending_.push_back(0);
    unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
    std::vector<std::thread> pool;
    std::vector<WalkOutput> found(threads);
    std::exception_ptr failure;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([this, &found, &failure, t] {
        try {
          walk_worker(found[t]);
        } catch (...) {
          std::lock_guard lock(mutex_);
          if (!failure) failure = std::current_exception();
          stop_ = true;
          wake_.notify_all();
        }
      });
    for (auto& th : pool) th.join();
    if (failure) std::rethrow_exception(failure);
    walked_ = std::move(found);
  }

  void walk_worker(WalkOutput& out) {
    for (;;) {
      size_t dir_id;
      std::string dir_path;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stop_ || !pending_.empty() || busy_ == 0; });
        if (stop_ || (pending_.empty() && busy_ == 0)) {
          wake_.notify_all();
          return;
        }
        dir_id = pending_.front();
        pending_.pop_front();
        dir_path = dirs_[dir_id].path;
        ++busy_;
      }
      read_directory(dir_id, dir_path, out);
      {
        std::lock_guard lock(mutex_);
        --busy_;
        wake_.notify_all();
      }
    }
  }

  void read_directory(size_t dir_id, const std::string& dir, WalkOutput& out) {
    std::string abs = dir.empty() ? root_ : root_ + "/" + dir;
    int fd = ::open(abs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw_errno("cannot open directory", abs, errno);
    DirPtr d(::fdopendir(fd));
    if (!d) {
      ::close(fd);
      throw_errno("cannot read directory", abs, errno);
    }
    std::vector<std::pair<std::string, uint32_t>> subdirs;
    const IndexLookup::Range tracked_here = lookup_.below(dir);
    std::string path = dir.empty() ? std::string() : dir + "/";  // reused: most files need no copy of it
    const size_t prefix = path.size();
    bool holds_clean_file = false;
    for (;;) {
      errno = 0;
      dirent* de = ::readdir(d.get());
      if (!de) {
        if (errno != 0) throw_errno("cannot read directory", abs, errno);
        break;
      }
      const char* name = de->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      if (std::strcmp(name, ".git") == 0) {
        // Never part of a snapshot. Below the root, this walked (so tracked) directory is a repository too.
        if (!dir.empty()) {
          std::lock_guard lock(mutex_);
          nested_in_tracked_.push_back(dir);
        }
        continue;
      }
      WalkedFile f;
      struct stat st;
      if (::fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) continue;  // vanished while we looked: as if it was never there
        throw_errno("cannot stat", abs + "/" + name, errno);
      }
      f.st = FileStat(st);
      path.resize(prefix);
      path += name;
      if (!S_ISDIR(f.st.mode) && is_clean(IndexLookup::find_in(tracked_here, path), f.st, out)) {
        holds_clean_file = true;
        continue;
      }
      f.path = path;
      if (S_ISDIR(f.st.mode)) {
        ptrdiff_t pos = lookup_.find(f.path);
        if (pos >= 0 && git_index_get_byindex(index_, static_cast<size_t>(pos))->mode == kModeGitlink) {
          f.directory = dir_id;
          out.files.push_back(std::move(f));  // a checked-out submodule: classified (and left alone) later
          continue;
        }
        bool tracked = lookup_.is_tracked_directory(f.path);
        if (!tracked && untracked_directory_ignored(f.path)) {
          f.directory = dir_id;
          out.files.push_back(std::move(f));  // an ignored directory: classified (and left alone) later
          continue;
        }
        require_short_enough(root_ + "/" + f.path, f.path);
        unlock_directory(f.path, f.st.mode);  // before looking inside: a fixer may have made it unreadable
        struct stat git_st;
        if (!tracked && ::fstatat(fd, (std::string(name) + "/.git").c_str(), &git_st, AT_SYMLINK_NOFOLLOW) == 0) {
          f.directory = dir_id;
          out.files.push_back(std::move(f));  // a nested repository: classified (and left alone) later
          continue;
        }
        subdirs.emplace_back(std::move(f.path), f.st.mode);
        continue;
      }
      f.directory = dir_id;
      out.files.push_back(std::move(f));
    }
    if (holds_clean_file) out.holding_directories.push_back(dir_id);
    if (subdirs.empty()) return;
    std::lock_guard lock(mutex_);
    for (auto& [sub, mode] : subdirs) {
      dirs_.push_back({std::move(sub), static_cast<ptrdiff_t>(dir_id), false, mode});
      pending_.push_back(dirs_.size() - 1);
    }
    wake_.notify_all();
  }

  // Whether the walk can settle this file itself, as classify() would: a regular file or symbolic link
  // whose index entry's stat data matches and is not racy, with default permission bits, in a scan that
  // lists only differences from the index. Counts it and marks its entry visited when so.
  bool is_clean(const IndexLookup::Entry* tracked, const FileStat& st, WalkOutput& out) {
    if (!tracked || result_.full || filters_) return false;
    const git_index_entry& e = *tracked->entry;
    if (e.mode == kModeGitlink || (e.flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD)) return false;
    if (!S_ISREG(st.mode) && !S_ISLNK(st.mode)) return false;
    if (root_.size() + 1 + tracked->path.size() >= PATH_MAX) return false;  // classify() names it
    if (S_ISREG(st.mode) && (st.mode & 07777) != default_mode(false, (st.mode & S_IXUSR) != 0, umask_)) return false;
    if (!stat_matches(e, st) || is_racy(e, options_.index_mtime)) return false;
    visited_[tracked->position] = 1;  // one byte per entry: threads never share one
    ++out.clean_files;
    if (e.mode == kModeSymlink) ++out.clean_symlinks;
    if (e.mode == kModeExecutable) ++out.clean_executables;
    return true;
  }

  // In unlock mode, gives the owner rwx on a directory so that it can be read and written back.
  void unlock_directory(const std::string& rel, uint32_t mode) {
    if (!options_.unlock || (mode & 0700) == 0700) return;
    std::string abs = rel.empty() ? root_ : root_ + "/" + rel;
    if (::chmod(abs.c_str(), (mode & 07777) | 0700) != 0) throw_errno("cannot make readable", abs, errno);
    std::lock_guard lock(mutex_);
    result_.unlocked.push_back(rel);
  }

  // Records the path's permission bits when they are not what git would give it.
  void note_permissions(const std::string& rel, uint32_t st_mode, bool directory) {
    uint32_t bits = st_mode & 07777;
    if (bits != default_mode(directory, (st_mode & S_IXUSR) != 0, umask_)) result_.permissions.push_back({rel, bits});
  }

  bool untracked_directory_ignored(const std::string& path) {
    std::lock_guard lock(git_mutex_);
    return is_ignored(path + "/");
  }

  // ---- classification: single-threaded, compares each file with the index ----

  void classify(const WalkedFile& f) {
    ptrdiff_t pos = lookup_.find(f.path);
    const git_index_entry* entry = pos >= 0 ? git_index_get_byindex(index_, static_cast<size_t>(pos)) : nullptr;
    if (entry && entry->mode == kModeGitlink) {
      visited_[static_cast<size_t>(pos)] = 1;
      result_.submodules.push_back(f.path);
      mark_holds(f.directory);
      return;
    }
    if (S_ISDIR(f.st.mode)) {  // set aside by the walk: a nested repository or an ignored directory
      struct stat git_st;
      if (::lstat((root_ + "/" + f.path + "/.git").c_str(), &git_st) == 0 && !is_ignored(f.path + "/")) {
        result_.nested_repositories.push_back(f.path);
        mark_holds(f.directory);
      } else {
        result_.ignored.push_back(f.path + "/");
      }
      return;
    }
    std::string abs = root_ + "/" + f.path;
    if (abs.size() >= PATH_MAX && (entry || !is_ignored(f.path))) require_short_enough(abs, f.path);
    if (!S_ISREG(f.st.mode) && !S_ISLNK(f.st.mode)) {
      if (entry || lookup_.is_conflicted(f.path) || !is_ignored(f.path)) result_.special_files.push_back(f.path);
      return;
    }
    if (entry) {
      if (S_ISREG(f.st.mode)) note_permissions(f.path, f.st.mode, false);
      visited_[static_cast<size_t>(pos)] = 1;
      visit_tracked_file(f.path, abs, *entry, f.st);
      mark_holds(f.directory);
      return;
    }
    if (!lookup_.is_conflicted(f.path) && is_ignored(f.path)) {
      result_.ignored.push_back(f.path);
      return;
    }
    if (S_ISREG(f.st.mode)) note_permissions(f.path, f.st.mode, false);
    FileState state = read_or_trust(f.path, abs, f.st, nullptr);
    result_.changes.push_back({f.path, ChangeKind::added, state});
    ++result_.stats.untracked_files;
    count_file(state);
    mark_holds(f.directory);
  }

  void mark_holds(size_t dir) {
    for (ptrdiff_t d = static_cast<ptrdiff_t>(dir); d >= 0 && !dirs_[static_cast<size_t>(d)].holds_something;
         d = dirs_[static_cast<size_t>(d)].parent)
      dirs_[static_cast<size_t>(d)].holds_something = true;
  }

  void visit_tracked_file(const std::string& path, const std::string& abs, const git_index_entry& entry,
                          const FileStat& st) {
    FileState index_state{entry.id, entry.mode};
    bool intent_to_add = (entry.flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) != 0;
    FileState state;
    if (!intent_to_add && stat_matches(entry, st) && !is_racy(entry, options_.index_mtime) &&
        !filter_applies(path)) {
      state = index_state;
    } else {
      state = read_or_trust(path, abs, st, &index_state);
    }
    count_file(state);
    // In full mode (conflicts) the tree is built from nothing, so every file is listed.
    if (result_.full || intent_to_add || !(state == index_state))
      result_.changes.push_back({path, result_.full ? ChangeKind::added : ChangeKind::modified, state});
  }

  // The state an earlier scan recorded for the file when its stat data proves it unchanged since;
  // otherwise read_file_state(), noted in read_files with the stat data it was read under.
  FileState read_or_trust(const std::string& path, const std::string& abs, const FileStat& st, const FileState* known) {
    const StatData now = stat_data(st);
    if (options_.trusted)
      if (const FileState* recorded = options_.trusted->trusted(path, now))
        // The blob must be there too (a fixer can prune objects): the trees written from this scan name it.
        if (!options_.store_blobs || git_odb_exists(odb_.get(), &recorded->oid)) return *recorded;
    FileState state = read_file_state(abs, st, known);
    result_.read_files.push_back({path, now, state});
    return state;
  }

  // Hashes the file (or the link's target) and stores it unless it is `known` already.
  FileState read_file_state(const std::string& abs, const FileStat& st, const FileState* known) {
    FileState state;
    state.mode = git_mode_of(st);
    std::string content;
    if (S_ISLNK(st.mode)) {
      content.resize(static_cast<size_t>(st.size) + 1);
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
      if (options_.unlock && !(st.mode & S_IRUSR)) {
        if (::chmod(abs.c_str(), (st.mode & 07777) | 0400) != 0) throw_errno("cannot make readable", abs, errno);
        result_.unlocked.push_back(abs.substr(root_.size() + 1));
      }
      content = read_file(abs);
    }
    ++result_.stats.hashed_files;
    result_.stats.hashed_bytes += content.size();
    state.oid = git::hash_text(content, abs);
    if (known && git_oid_equal(&state.oid, &known->oid)) return state;  // already in the object store
    if (options_.store_blobs && !git_odb_exists(odb_.get(), &state.oid)) {
      git_oid written;
      errno = 0;
      int rc = git_odb_write(&written, odb_.get(), content.data(), content.size(), GIT_OBJECT_BLOB);
      // A full disk is named as such, with the size to find room for (libgit2 only says it failed).
      if (rc < 0 && is_no_space(errno))
        throw_no_space("cannot store the content of '" + quoted_name(abs) + "' in", (repo_.git_dir() / "objects").string(),
                       errno, content.size());
      git::check(rc, "cannot store the content of '" + quoted_name(abs) + "'");
    }
    return state;
  }

  void count_file(const FileState& state) {
    ++result_.stats.files;
    if (state.mode == kModeSymlink) ++result_.stats.symlinks;
    if (state.mode == kModeExecutable) ++result_.stats.executables;
  }

  bool is_ignored(const std::string& path) {
    if (!options_.excluded.empty() && is_excluded(options_.excluded, path)) return true;
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
  IndexLookup lookup_;
  git::OdbPtr odb_;
  std::vector<uint8_t> visited_;  // bytes, not bits: the walk threads write them
  bool filters_ = false;
  std::string root_;
  uint32_t umask_ = 022;
  std::vector<std::string> nested_in_tracked_;  // filled by the walk, under mutex_
  ScanResult result_;

  // Walk state, shared by the pool under mutex_.
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<size_t> pending_;
  std::deque<WalkedDirectory> dirs_;  // deque: references stay valid while workers append
  size_t busy_ = 0;
  bool stop_ = false;
  std::mutex git_mutex_;  // libgit2 calls from walk threads, one at a time
  std::vector<WalkOutput> walked_;  // one per walk thread
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

const FileState* ScanRecord::trusted(const std::string& path, const StatData& now) const {
  auto it = files.find(path);
  if (it == files.end() || !(it->second.stat == now)) return nullptr;
  const Timestamp racy_from{scan_start.seconds - 1, scan_start.nanoseconds};
  if (now.mtime >= racy_from || now.ctime >= racy_from) return nullptr;
  return &it->second.state;
}

Timestamp scan_clock_now() {
  struct timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return {ts.tv_sec, ts.tv_nsec};
}

ScanResult scan_worktree(const git::Repository& repo, git_index* index, const ScanOptions& options) {
  return Scanner(repo, index, options).run();
}

uint32_t current_umask() {
  // umask(2) can only be read by changing it, which would race with threads creating files.
  std::optional<std::string> status = read_file_if_exists("/proc/self/status");
  if (status) {
    size_t at = status->find("\nUmask:");
    if (at != std::string::npos) return static_cast<uint32_t>(std::strtoul(status->c_str() + at + 8, nullptr, 8)) & 0777;
  }
  return 022;
}

uint32_t default_mode(bool directory, bool executable, uint32_t umask) noexcept {
  return ((directory || executable) ? 0777u : 0666u) & ~umask;
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
  return apply_changes(repo, base.get(), result.changes);
}

git_oid apply_changes(const git::Repository& repo, const git_tree* base, const std::vector<Change>& changes) {
  ChangeNode root;
  for (const Change& c : changes) {
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
  std::optional<git_oid> tree = build_tree(repo.get(), root, base, "");
  if (tree) return *tree;
  git_oid empty;
  TreeBuilderPtr builder;
  git::check(git_treebuilder_new(git::out(builder), repo.get(), nullptr), "cannot start the empty tree");
  git::check(git_treebuilder_write(&empty, builder.get()), "cannot write the empty tree");
  return empty;
}

bool is_excluded(const std::vector<std::string>& excluded, std::string_view path) noexcept {
  if (path.ends_with('/')) path.remove_suffix(1);
  for (const std::string& e : excluded)
    if (path == e || (path.size() > e.size() && path.starts_with(e) && path[e.size()] == '/')) return true;
  return false;
}

}  // namespace autofix::snapshot
