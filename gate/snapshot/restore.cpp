// SPDX-License-Identifier: MIT
#include "gate/snapshot/restore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "gate/git/hash_text.h"
#include "gate/git/signature.h"
#include "gate/snapshot/git_metadata.h"
#include "gate/snapshot/scan_record.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/paths.h"
#include "gate/util/trace.h"
#include "gate/util/io_errors.h"

namespace autofix::snapshot {

namespace {

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

bool is_gitignore(const std::string& path) { return path == ".gitignore" || path.ends_with("/.gitignore"); }

// A file's state as implied by a scan: listed changes first, else the index's stage-0 entry.
class StateView {
 public:
  StateView(const ScanResult& scan, git_index* index) : scan_(scan), index_(index) {
    for (const Change& c : scan.changes) changes_.emplace(c.path, &c);
  }
  std::optional<FileState> at(const std::string& path) const {
    if (auto it = changes_.find(path); it != changes_.end()) {
      if (it->second->kind == ChangeKind::deleted) return std::nullopt;
      return it->second->state;
    }
    if (scan_.full) return std::nullopt;
    const git_index_entry* e = git_index_get_bypath(index_, path.c_str(), 0);
    if (!e || e->mode == GIT_FILEMODE_COMMIT) return std::nullopt;
    return FileState{e->id, e->mode};
  }
  const ScanResult& scan() const { return scan_; }
  // Whether the scan lists `path` as deleted from the index.
  bool deleted(std::string_view path) const {
    auto it = changes_.find(std::string(path));
    return it != changes_.end() && it->second->kind == ChangeKind::deleted;
  }

 private:
  const ScanResult& scan_;
  git_index* index_;
  std::unordered_map<std::string, const Change*> changes_;
};

struct Difference {
  std::string path;
  std::optional<FileState> wanted;  // nullopt: the file must not exist
};

std::vector<Difference> differences(const StateView& wanted, const StateView& current) {
  std::set<std::string> paths;
  for (const Change& c : wanted.scan().changes) paths.insert(c.path);
  for (const Change& c : current.scan().changes) paths.insert(c.path);
  std::vector<Difference> out;
  for (const std::string& p : paths) {
    std::optional<FileState> w = wanted.at(p);
    std::optional<FileState> c = current.at(p);
    if (w.has_value() != c.has_value() || (w && !(*w == *c))) out.push_back({p, w});
  }
  return out;
}

class WorkTreeWriter {
 public:
  WorkTreeWriter(const git::Repository& repo, RestoreReport& report, const RestoreOptions& options)
      : repo_(repo), report_(report), options_(options) {}

  // Says which paths are about to be written, before any temporary beside them exists.
  void announce(const std::vector<Difference>& diffs) {
    if (!options_.before_writing) return;
    std::vector<std::string> paths;
    for (const Difference& d : diffs)
      if (d.wanted) paths.push_back(d.path);
    if (!paths.empty()) options_.before_writing(paths);
  }

  std::string abs(const std::string& rel) const { return (repo_.workdir() / rel).string(); }

  // Removes whatever is at `rel` (a file, a link, or a whole directory that now stands where a file was).
  void remove_path(const std::string& rel) {
    struct stat st;
    std::string p = abs(rel);
    if (::lstat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) return;
      throw_errno("cannot stat", p, errno);
    }
    if (S_ISDIR(st.st_mode)) {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
      if (ec) throw Error(ErrorKind::io, "cannot remove directory '" + p + "': " + ec.message());
      report_.directories_removed.push_back(rel);
      return;
    }
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove", p, errno);
  }

  // Makes every component of `dir` a real directory: a file or symbolic link in the way is removed,
  // so that nothing is ever written through a link to outside the work tree.
  void ensure_directory(const std::string& dir) {
    if (dir.empty()) return;
    ensure_directory(parent_of(dir));
    std::string p = abs(dir);
    struct stat st;
    if (::lstat(p.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) return;
      if (::unlink(p.c_str()) != 0) throw_errno("cannot remove", p, errno);
    } else if (errno != ENOENT) {
      throw_errno("cannot stat", p, errno);
    }
    if (::mkdir(p.c_str(), 0777) != 0 && errno != EEXIST) throw_errno("cannot create directory", p, errno);
    report_.directories_created.push_back(dir);
  }

  void write(const std::string& rel, const FileState& state, const std::string& content) {
    ensure_directory(parent_of(rel));
    std::string p = abs(rel);
    struct stat st;
    if (::lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) remove_path(rel);
    std::string tmp = p + temporary_prefix(::getpid()) + std::to_string(counter_++);
    if (state.mode == GIT_FILEMODE_LINK) {
      if (::symlink(content.c_str(), tmp.c_str()) != 0) throw_errno("cannot create symbolic link", tmp, errno);
    } else {
      mode_t mode = state.mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0777 : 0666;  // the umask applies, as in git
      UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
      if (!fd) throw_errno("cannot create", tmp, errno);
      try {
        write_all(fd.get(), content, tmp);
      } catch (...) {
        ::unlink(tmp.c_str());
        throw;
      }
    }
    if (::rename(tmp.c_str(), p.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      throw_errno("cannot put restored file in place", p, err);
    }
    report_.written.push_back(rel);
  }

  // Removes `dir` and its parents while they are empty and not directories of the snapshot.
  void prune_empty_directories(std::string dir, const std::function<bool(const std::string&)>& keep) {
    while (!dir.empty() && !keep(dir)) {
      if (::rmdir(abs(dir).c_str()) != 0) break;  // not empty (ignored files) or gone: stop here
      report_.directories_removed.push_back(dir);
      dir = parent_of(dir);
    }
  }

 private:
  const git::Repository& repo_;
  RestoreReport& report_;
  const RestoreOptions& options_;
  unsigned counter_ = 0;
};

std::string blob_content(git_repository* repo, const git_oid& oid, const std::string& path) {
  git::BlobPtr blob;
  git::check(git_blob_lookup(git::out(blob), repo, &oid),
             "cannot read the saved content of '" + path + "' (object " + git::to_hex(oid) + ")");
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     static_cast<size_t>(git_blob_rawsize(blob.get())));
}

// The directories the snapshot had: parents of its files, and its empty directories.
std::unordered_set<std::string> snapshot_directories(const StateView& wanted, git_index* index) {
  std::unordered_set<std::string> dirs;
  auto add_parents = [&](const std::string& path) {
    for (std::string d = parent_of(path); !d.empty() && dirs.insert(d).second; d = parent_of(d)) {
    }
  };
  const ScanResult& scan = wanted.scan();
  if (!scan.full) {
    // The index's stage-0 files the snapshot kept (what wanted.at() finds), read in the index's order, in
    // which the files of one directory come together: each directory is added once, not once a file.
    size_t n = git_index_entrycount(index);
    std::string_view last_parent;
    for (size_t i = 0; i < n; ++i) {
      const git_index_entry* e = git_index_get_byindex(index, i);
      if (GIT_INDEX_ENTRY_STAGE(e) != 0 || e->mode == GIT_FILEMODE_COMMIT) continue;
      std::string_view p = e->path;
      size_t slash = p.rfind('/');
      if (slash == std::string_view::npos || p.substr(0, slash) == last_parent || wanted.deleted(p)) continue;
      last_parent = p.substr(0, slash);
      add_parents(e->path);
    }
  }
  for (const Change& c : scan.changes)
    if (c.kind != ChangeKind::deleted) add_parents(c.path);
  for (const std::string& d : scan.empty_dirs) {
    dirs.insert(d);
    add_parents(d);
  }
  for (const std::string& d : scan.nested_repositories) add_parents(d);
  for (const std::string& d : scan.submodules) add_parents(d);
  return dirs;
}

using IndexBytesLoader = std::function<std::optional<std::string>()>;

void restore_index(const git::Repository& repo, const Manifest& m, const IndexBytesLoader& saved_bytes,
                   RestoreReport& report) {
  std::filesystem::path path = repo.git_dir() / "index";
  std::optional<FileStamp> stamp = file_stamp(path.string());
  if (!m.index.present) {
    if (!stamp) return;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove", path.string(), errno);
    report.index_rewritten = true;
    return;
  }
  if (stamp && *stamp == m.index.stamp) return;  // the very file the snapshot saved
  std::optional<std::string> bytes = saved_bytes();
  if (read_file_if_exists(path) != bytes) {
    write_file_atomically(path, *bytes, 0644);
    report.index_rewritten = true;
  }
  // The index's own mtime is what makes git re-check entries written in the same tick as it
  // ("racy" entries): a fresh mtime would make git trust their stat data and miss a modification.
  std::optional<FileStamp> now = file_stamp(path.string());
  if (m.index.mtime != Timestamp{} && now && now->mtime != m.index.mtime) {
    struct timespec times[2];
    times[0].tv_sec = 0;
    times[0].tv_nsec = UTIME_OMIT;
    times[1].tv_sec = static_cast<time_t>(m.index.mtime.seconds);
    times[1].tv_nsec = static_cast<long>(m.index.mtime.nanoseconds);
    if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
      throw_errno("cannot set the modification time of", path.string(), errno);
  }
}

bool index_matches(const git::Repository& repo, const Manifest& m) {
  std::filesystem::path path = repo.git_dir() / "index";
  std::optional<FileStamp> stamp = file_stamp(path.string());
  if (!m.index.present) return !stamp;
  if (!stamp) return false;
  if (*stamp == m.index.stamp) return true;
  std::string bytes = read_file(path);
  const git_oid oid = git::hash_text(bytes, "the index");
  return git_oid_equal(&oid, &*m.index.blob);
}

void restore_head(const git::Repository& repo, const Manifest& m, RestoreReport& report) {
  HeadState now = read_head(repo);
  git_repository* r = repo.get();
  std::string log = "autofix-gate: restore snapshot " + m.id;
  bool same_oid = now.oid.has_value() == m.head.oid.has_value() && (!now.oid || git_oid_equal(&*now.oid, &*m.head.oid));
  if (now.kind == m.head.kind && now.ref == m.head.ref && same_oid) return;
  git::ReferencePtr ref;
  switch (m.head.kind) {
    case HeadState::Kind::detached:
      git::check(git_repository_set_head_detached(r, &*m.head.oid), "cannot detach HEAD at the snapshot's commit");
      break;
    case HeadState::Kind::branch:
      git::check(git_reference_create(git::out(ref), r, m.head.ref.c_str(), &*m.head.oid, 1, log.c_str()),
                 "cannot move " + m.head.ref + " back to " + git::to_hex(*m.head.oid));
      git::check(git_reference_symbolic_create(git::out(ref), r, "HEAD", m.head.ref.c_str(), 1, log.c_str()),
                 "cannot point HEAD at " + m.head.ref);
      break;
    case HeadState::Kind::unborn: {
      git::ReferencePtr branch;
      if (git_reference_lookup(git::out(branch), r, m.head.ref.c_str()) == 0)
        git::check(git_reference_delete(branch.get()), "cannot delete " + m.head.ref + ", which was unborn");
      git_error_clear();
      git::check(git_reference_symbolic_create(git::out(ref), r, "HEAD", m.head.ref.c_str(), 1, log.c_str()),
                 "cannot point HEAD at " + m.head.ref);
      break;
    }
  }
  report.head_moved = true;
}

git::IndexPtr open_index(const git::Repository& repo) {
  git::IndexPtr index;
  std::filesystem::path path = repo.git_dir() / "index";
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0)
    git::check(git_index_open(git::out(index), path.c_str()), "cannot read the index '" + path.string() + "'");
  else
    git::check(git_index_new(git::out(index)), "cannot create an empty index");
  return index;
}

// Keeps the work tree that is about to be discarded reachable, so a mistaken restore loses nothing.
std::optional<git_oid> keep_discarded(const git::Repository& repo, git_index* index, const ScanResult& current,
                                      const Manifest& m) {
  git_oid tree_oid = write_worktree_tree(repo, index, current);
  git::TreePtr tree;
  git::check(git_tree_lookup(git::out(tree), repo.get(), &tree_oid), "cannot read the discarded tree");
  // A restore is the recovery itself: a GIT_*_DATE git cannot read (or an unreadable configuration) must
  // not stop it, so this record falls back to the gate's own identity, dated now.
  git::CommitIdentity identity = git::commit_identity_or_fallback(repo);
  git::SignaturePtr author = git::make_signature(identity.author);
  git::SignaturePtr committer = git::make_signature(identity.committer);
  git_oid commit;
  std::string message = "autofix-gate: work tree discarded by restoring snapshot " + m.id + "\n";
  git::check(git_commit_create(&commit, repo.get(), nullptr, author.get(), committer.get(), nullptr, message.c_str(),
                               tree.get(), 0, nullptr),
             "cannot record the discarded work tree");
  git::ReferencePtr ref;
  git::check(git_reference_create(git::out(ref), repo.get(), (std::string(kDiscardedRefPrefix) + m.id).c_str(),
                                  &commit, 1, message.c_str()),
             "cannot create ref for the discarded work tree");
  return commit;
}

// Whether the file system now holds what the difference asked for (lstat, then the bytes).
bool on_disk_as(const git::Repository& repo, const Difference& d) {
  // Each parent must be a real directory: a path reached through a symbolic link (or below a file)
  // is not part of the work tree, whatever lstat of the whole path would find through the link.
  std::string dir = repo.workdir().string();
  for (size_t slash = d.path.find('/'); slash != std::string::npos; slash = d.path.find('/', slash + 1)) {
    struct stat parent;
    std::string p = dir + "/" + d.path.substr(0, slash);
    if (::lstat(p.c_str(), &parent) != 0 || !S_ISDIR(parent.st_mode)) return !d.wanted;
  }
  std::string p = (repo.workdir() / d.path).string();
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) {
    if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP) throw_errno("cannot stat", p, errno);
    return !d.wanted;
  }
  // A directory is not a file: where the snapshot has no file, a directory may stand (one the
  // snapshot needs for other files, or one holding only ignored files).
  if (!d.wanted) return S_ISDIR(st.st_mode);
  std::string content;
  uint32_t mode;
  if (S_ISLNK(st.st_mode)) {
    mode = GIT_FILEMODE_LINK;
    std::error_code ec;
    content = std::filesystem::read_symlink(p, ec).string();
    if (ec) throw Error(ErrorKind::io, "cannot read symbolic link '" + p + "': " + ec.message());
  } else if (S_ISREG(st.st_mode)) {
    mode = (st.st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
    content = read_file(p);
  } else {
    return false;
  }
  const git_oid oid = git::hash_text(content, "'" + p + "'");
  return mode == d.wanted->mode && git_oid_equal(&oid, &d.wanted->oid);
}

std::string describe(const std::vector<Difference>& diffs) {
  std::string out;
  size_t shown = 0;
  for (const Difference& d : diffs) {
    if (shown++ == 10) {
      out += ", and " + std::to_string(diffs.size() - 10) + " more";
      break;
    }
    if (!out.empty()) out += ", ";
    out += "'" + d.path + "' (" + (d.wanted ? "content or mode differs" : "should not exist") + ")";
  }
  return out;
}

}  // namespace

namespace {

// Moves `rel` (a repository, or the .git of one) under `into`, keeping its path; a name taken by an
// earlier restore gets a suffix. Returns where it went.
std::string move_aside(const git::Repository& repo, const std::string& rel, const std::filesystem::path& into) {
  std::filesystem::path dest = into / rel;
  for (int n = 2; std::filesystem::exists(std::filesystem::symlink_status(dest)); ++n)
    dest = into / (rel + "." + std::to_string(n));
  std::error_code ec;
  std::filesystem::create_directories(dest.parent_path(), ec);
  if (ec) throw Error(ErrorKind::io, "cannot create '" + dest.parent_path().string() + "': " + ec.message());
  std::string from = (repo.workdir() / rel).string();
  if (::rename(from.c_str(), dest.c_str()) != 0) {
    int err = errno;
    throw Error(ErrorKind::io,
                "cannot move the repository '" + from + "' (created after the snapshot) aside to '" + dest.string() +
                    "': " + std::strerror(err),
                err == EXDEV ? "it is on another file system than .git: move or delete it yourself, then run the "
                               "command again"
                             : "move or delete it yourself, then run the command again");
  }
  return dest.string();
}

size_t depth(const std::string& path) { return path.empty() ? 0 : 1 + std::count(path.begin(), path.end(), '/'); }

// Puts back the permission bits the snapshot recorded, on every path that may differ: the recorded
// exceptions, the paths whose bits differ now, what the scans unlocked, and what the restore wrote or
// created. Deepest first, so that a directory is closed only after its contents. Then reads them back.
void restore_permissions(const git::Repository& repo, const Manifest& m, const StateView& wanted,
                         const std::function<bool(const std::string&)>& snapshot_dir, const ScanResult& current,
                         const std::set<std::string>& unlocked, RestoreReport& report) {
  const Permissions& perms = *m.permissions;
  std::map<std::string, uint32_t> recorded;
  for (const PathMode& p : perms.exceptions) recorded[p.path] = p.mode;
  std::set<std::string> candidates(unlocked.begin(), unlocked.end());
  for (const PathMode& p : perms.exceptions) candidates.insert(p.path);
  for (const PathMode& p : current.permissions) candidates.insert(p.path);
  candidates.insert(report.written.begin(), report.written.end());
  candidates.insert(report.directories_created.begin(), report.directories_created.end());
  std::vector<std::string> order(candidates.begin(), candidates.end());
  std::stable_sort(order.begin(), order.end(),
                   [](const std::string& a, const std::string& b) { return depth(a) > depth(b); });
  std::vector<std::pair<std::string, uint32_t>> expected;
  for (const std::string& path : order) {
    uint32_t bits;
    if (auto it = recorded.find(path); it != recorded.end()) {
      bits = it->second;
    } else if (path.empty() || snapshot_dir(path)) {
      bits = default_mode(true, false, perms.umask);
    } else if (std::optional<FileState> f = wanted.at(path); f && f->mode != GIT_FILEMODE_LINK) {
      bits = default_mode(false, f->mode == GIT_FILEMODE_BLOB_EXECUTABLE, perms.umask);
    } else {
      continue;  // not a file or directory of the snapshot
    }
    std::string abs = path.empty() ? repo.workdir().string() : (repo.workdir() / path).string();
    struct stat st;
    if (::lstat(abs.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) continue;  // the content check names it
    expected.emplace_back(path, bits);
    if ((st.st_mode & 07777) == bits) continue;
    if (::chmod(abs.c_str(), bits) != 0) throw_errno("cannot restore the permissions of", abs, errno);
    report.permissions.push_back(path.empty() ? "." : path);
  }
  std::string wrong;
  for (const auto& [path, bits] : expected) {
    struct stat st;
    std::string abs = path.empty() ? repo.workdir().string() : (repo.workdir() / path).string();
    if (::lstat(abs.c_str(), &st) == 0 && (st.st_mode & 07777) == bits) continue;
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", bits);
    wrong += (wrong.empty() ? "'" : ", '") + (path.empty() ? std::string(".") : path) + "' (should be " + octal + ")";
  }
  if (!wrong.empty())
    throw Error(ErrorKind::verification, "restore of snapshot " + m.id + " left permissions different from the snapshot: " + wrong,
                "run `autofix-gate recover` (or the restore) again, and report this if it persists");
}

RestoreReport restore(const git::Repository& repo, const StoredSnapshot& snapshot, const IndexBytesLoader& saved_index,
                      const RestoreOptions& options) {
  const Manifest& m = snapshot.manifest;
  for (const Change& c : m.scan.changes)
    if (!is_safe_relative_path(c.path))
      throw Error(ErrorKind::internal, "snapshot " + m.id + " names a path outside the work tree: '" + c.path + "'");
  for (const std::string& d : m.scan.empty_dirs)
    if (!is_safe_relative_path(d))
      throw Error(ErrorKind::internal, "snapshot " + m.id + " names a directory outside the work tree: '" + d + "'");
  RestoreReport report;
  GitMetadataScope metadata_scope;
  metadata_scope.leave_ref = options.leave_ref;
  // The user's files come first: .git that cannot be put back fails the restore only at the end.
  std::optional<Error> metadata_failure;
  if (options.git_metadata && m.git) {
    // .git's files first: info/exclude and core.excludesFile decide what the scan below sees as ignored.
    TraceScope t("restore: .git files");
    metadata_scope.refs = false;
    try {
      GitMetadataRestore files = restore_git_metadata(repo, *m.git, metadata_scope);
      report.git_metadata = std::move(files.restored);
    } catch (const Error& e) {
      metadata_failure = e;
    }
  }
  git::IndexPtr index;
  {
    TraceScope t("restore: index");
    restore_index(repo, m, saved_index, report);
    index = open_index(repo);
  }
  StateView wanted(m.scan, index.get());
  WorkTreeWriter writer(repo, report, options);
  std::optional<std::unordered_set<std::string>> dirs;
  auto keep_dir = [&](const std::string& d) {
    if (!dirs) dirs = snapshot_directories(wanted, index.get());
    return dirs->count(d) > 0;
  };
  // What a fixer made unreadable is made readable (and put back as the snapshot had it at the end).
  ScanOptions scan_options{m.index.mtime, true, m.excluded,
                           m.permissions ? std::optional<uint32_t>(m.permissions->umask) : std::nullopt,
                           m.permissions.has_value()};
  // What the snapshot's scan read is trusted while its stat data proves it untouched; the paths this
  // restore writes get new stat data, and are read back at the end whatever any scan said.
  const std::optional<ScanRecord> record = SnapshotStore(repo).scan_record(snapshot);
  if (record) scan_options.trusted = &*record;
  std::set<std::string> unlocked;
  auto scan = [&] {
    ScanResult r = scan_worktree(repo, index.get(), scan_options);
    unlocked.insert(r.unlocked.begin(), r.unlocked.end());
    return r;
  };

  // Ignore rules decide what a scan sees, so .gitignore files are put back first and the scan repeated.
  std::vector<Difference> touched;  // every path this restore changed, verified at the end
  std::optional<TraceScope> phase("restore: scan work tree");
  ScanResult current = scan();
  phase.reset();
  const std::set<std::string> had_repositories(m.scan.nested_repositories.begin(), m.scan.nested_repositories.end());
  // A .gitignore may also hide itself (a new one that lists ".gitignore" or "*"): an ignored .gitignore
  // the snapshot does not have goes too. A repository created after the snapshot hides what is in it: it
  // is moved aside (never deleted), all of it when its directory is new, else only its .git. Each round
  // can reveal more, so a few rounds are allowed.
  for (int round = 0; round < 8; ++round) {
    bool moved = false;
    for (const std::string& r : current.nested_repositories) {
      if (had_repositories.count(r)) continue;
      std::string what = keep_dir(r) ? r + "/.git" : r;
      report.set_aside.emplace_back(what, move_aside(repo, what, set_aside_directory(repo, m.id)));
      moved = true;
    }
    std::vector<Difference> fixes;
    for (Difference& d : differences(wanted, StateView(current, index.get())))
      if (is_gitignore(d.path)) fixes.push_back(std::move(d));
    for (const std::string& p : current.ignored)
      if (is_gitignore(p) && !wanted.at(p)) fixes.push_back({p, std::nullopt});
    if (fixes.empty() && !moved) break;
    if (!fixes.empty() && !report.discarded_commit) report.discarded_commit = keep_discarded(repo, index.get(), current, m);
    writer.announce(fixes);
    for (const Difference& d : fixes) {
      touched.push_back(d);
      if (d.wanted) writer.write(d.path, *d.wanted, blob_content(repo.get(), d.wanted->oid, d.path));
      else writer.remove_path(d.path);
    }
    git_attr_cache_flush(repo.get());
    current = scan();
  }

  phase.emplace("restore: write files");
  std::vector<Difference> diffs = differences(wanted, StateView(current, index.get()));
  if (!diffs.empty() && !report.discarded_commit)
    report.discarded_commit = keep_discarded(repo, index.get(), current, m);
  touched.insert(touched.end(), diffs.begin(), diffs.end());

  // Removals first, deepest first, so a file that must become a directory is out of the way.
  for (auto it = diffs.rbegin(); it != diffs.rend(); ++it) {
    if (it->wanted) continue;
    writer.remove_path(it->path);
    report.removed.push_back(it->path);
    writer.prune_empty_directories(parent_of(it->path), keep_dir);
  }
  writer.announce(diffs);
  for (const Difference& d : diffs)
    if (d.wanted) writer.write(d.path, *d.wanted, blob_content(repo.get(), d.wanted->oid, d.path));
  // Directories the fix created and left empty go; empty directories of the snapshot come back.
  for (const std::string& d : current.empty_dirs)
    if (!keep_dir(d)) writer.prune_empty_directories(d, keep_dir);
  for (const std::string& d : m.scan.empty_dirs) {
    struct stat st;
    if (::lstat(writer.abs(d).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) writer.ensure_directory(d);
  }
  if (options.git_metadata && m.git) {
    TraceScope t("restore: refs");
    metadata_scope.files = false;
    metadata_scope.refs = true;
    try {
      GitMetadataRestore refs = restore_git_metadata(repo, *m.git, metadata_scope);
      report.git_metadata.insert(report.git_metadata.end(), refs.restored.begin(), refs.restored.end());
      report.lost_refs = std::move(refs.lost);
    } catch (const Error& e) {
      if (!metadata_failure) metadata_failure = e;
    }
  }
  restore_head(repo, m, report);

  phase.emplace("restore: verify");
  // Proof, path by path: the scan showed every other path equal to the snapshot, so each path this
  // restore changed is read back from disk and compared with the snapshot's content and mode.
  std::vector<Difference> left;
  for (const Difference& d : touched)
    if (!on_disk_as(repo, d)) left.push_back(d);
  if (!left.empty())
    throw Error(ErrorKind::verification,
                "restore of snapshot " + m.id + " left " + std::to_string(left.size()) +
                    " path(s) different from the snapshot: " + describe(left),
                "the snapshot is intact under " + SnapshotStore::ref_name(m.id) +
                    "; run `autofix-gate restore " + m.id + "` again, and report this if it persists");
  for (const std::string& d : m.scan.empty_dirs) {
    struct stat st;
    if (::lstat(writer.abs(d).c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      throw Error(ErrorKind::verification,
                  "restore of snapshot " + m.id + " did not bring back the directory '" + d + "'");
  }
  // Permissions last: the checks above read files that the snapshot may have kept unreadable.
  if (m.permissions) restore_permissions(repo, m, wanted, keep_dir, current, unlocked, report);
  if (!index_matches(repo, m))
    throw Error(ErrorKind::verification, "restore of snapshot " + m.id + " left the index different from the snapshot");
  HeadState head = read_head(repo);
  if (head.kind != m.head.kind || head.ref != m.head.ref || head.oid.has_value() != m.head.oid.has_value() ||
      (head.oid && !git_oid_equal(&*head.oid, &*m.head.oid)))
    throw Error(ErrorKind::verification, "restore of snapshot " + m.id + " left HEAD different from the snapshot");
  if (metadata_failure) throw *metadata_failure;
  return report;
}

}  // namespace

RestoreReport restore_snapshot(const git::Repository& repo, const StoredSnapshot& snapshot,
                               const RestoreOptions& options) {
  return restore(repo, snapshot, [&] { return SnapshotStore(repo).index_bytes(snapshot.manifest); }, options);
}

RestoreReport restore_snapshot(const git::Repository& repo, const StoredSnapshot& snapshot,
                               const std::optional<std::string>& index_bytes) {
  return restore(repo, snapshot, [&] { return index_bytes; }, RestoreOptions{});
}

namespace {

bool real_directories(const git::Repository& repo, const std::string& dir) {
  for (size_t end = dir.find('/'); !dir.empty(); end = dir.find('/', end + 1)) {
    struct stat st;
    if (::lstat((repo.workdir() / dir.substr(0, end)).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
    if (end == std::string::npos) break;
  }
  return true;
}

}  // namespace

std::string temporary_prefix(int pid) { return ".autofix-tmp-" + std::to_string(pid) + "-"; }

std::vector<std::string> remove_temporaries(const git::Repository& repo, int pid, const std::vector<std::string>& paths) {
  std::map<std::string, std::set<std::string>> by_directory;
  for (const std::string& p : paths)
    if (is_safe_relative_path(p)) by_directory[parent_of(p)].insert(p.substr(p.rfind('/') + 1) + temporary_prefix(pid));
  std::vector<std::string> removed;
  for (const auto& [dir, prefixes] : by_directory) {
    // Only through real directories: a link standing in for one may lead outside the work tree.
    if (!real_directories(repo, dir)) continue;
    std::filesystem::path abs = dir.empty() ? repo.workdir() : repo.workdir() / dir;
    std::unique_ptr<DIR, decltype([](DIR* d) { ::closedir(d); })> d(::opendir(abs.c_str()));
    if (!d) continue;
    while (dirent* de = ::readdir(d.get())) {
      std::string name = de->d_name;
      for (const std::string& prefix : prefixes) {
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
            name.find_first_not_of("0123456789", prefix.size()) != std::string::npos)
          continue;
        if (::unlink((abs / name).c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove", (abs / name).string(), errno);
        removed.push_back(dir.empty() ? name : dir + "/" + name);
      }
    }
  }
  std::sort(removed.begin(), removed.end());
  return removed;
}

std::filesystem::path set_aside_directory(const git::Repository& repo, const std::string& id) {
  return repo.state_dir() / "set-aside" / id;
}

}  // namespace autofix::snapshot
