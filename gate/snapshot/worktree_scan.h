// SPDX-License-Identifier: MIT
#pragma once
// Reads the work tree the way `git status` does: one directory walk, trusting the index's stat data
// for files that have not changed, hashing only the rest. The result is the work tree expressed as
// its difference from the index, which is all a snapshot needs to store and all a restore needs to read.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gate/git/repository.h"
#include "gate/results/file_status.h"

namespace autofix::snapshot {

struct Timestamp {
  int64_t seconds = 0;
  int64_t nanoseconds = 0;
  auto operator<=>(const Timestamp&) const = default;
};

// One file of the work tree in git's terms: its blob and its mode (0100644, 0100755 or 0120000).
struct FileState {
  git_oid oid{};
  uint32_t mode = 0;
  bool operator==(const FileState& other) const noexcept {
    return mode == other.mode && git_oid_equal(&oid, &other.oid);
  }
};

using ChangeKind = FileStatus;

// How one path of the work tree differs from the index's stage-0 entry.
struct Change {
  std::string path;
  ChangeKind kind = ChangeKind::modified;
  FileState state;  // the work tree's file; zero for deleted
};

// A path and its permission bits (07777).
struct PathMode {
  std::string path;
  uint32_t mode = 0;
  bool operator==(const PathMode&) const = default;
};

// The stat data a file's content was read under: what writing it, renaming another file over it,
// changing its type or its permission bits changes.
struct StatData {
  uint64_t size = 0;
  Timestamp mtime;
  Timestamp ctime;
  uint64_t inode = 0;
  uint32_t mode = 0;  // st_mode: type and permission bits
  bool operator==(const StatData&) const = default;
};

// A file whose content a scan read (its stat data could not prove it unchanged): what it found, and
// the stat data it found it under.
struct ReadFile {
  std::string path;
  StatData stat;
  FileState state;
};

// What an earlier scan read, for a later scan to trust (gate/snapshot/scan_record.h keeps a snapshot's).
// A file is trusted only when its stat data equals the recorded one and neither its mtime nor its ctime
// lies within a second of the earlier scan's start: a write in the same timestamp tick as the read can
// leave the stat data unchanged (git's "racy" rule for its index, with the scan's start as the index).
struct ScanRecord {
  Timestamp scan_start;
  std::unordered_map<std::string, ReadFile> files;  // by path
  // The recorded state of `path` when `now` proves it unchanged; nullptr otherwise.
  const FileState* trusted(const std::string& path, const StatData& now) const;
};

struct ScanStats {
  size_t files = 0;            // regular files and symlinks that are part of the snapshot
  size_t untracked_files = 0;  // of those, the ones the index does not know
  size_t symlinks = 0;
  size_t executables = 0;
  size_t directories = 0;
  size_t hashed_files = 0;  // files whose stat data could not be trusted, so their content was read
  uint64_t hashed_bytes = 0;
};

struct ScanResult {
  // The index had conflicts, so it has no tree: `changes` then lists every file as added.
  bool full = false;
  std::vector<Change> changes;                   // sorted by path
  std::vector<std::string> empty_dirs;           // non-ignored directories that hold no saved file
  std::vector<std::string> submodules;           // gitlinks: left alone
  // Directories holding a .git of their own (a file or a directory): left alone, all of it for an
  // untracked directory; for a tracked one, only its .git (its tracked files are the outer repository's).
  std::vector<std::string> nested_repositories;
  std::vector<std::string> ignored;              // top-most ignored paths: not saved
  std::vector<std::string> special_files;        // fifos, sockets, devices: not saved
  // Saved files (not symbolic links) and walked directories whose permission bits differ from the
  // defaults under ScanOptions::umask (default_mode()); "" is the root. Sorted by path.
  std::vector<PathMode> permissions;
  // With ScanOptions::unlock: paths whose permissions the scan widened to read them (see there).
  std::vector<std::string> unlocked;
  // The files whose content this scan read (hashed_files of stats), with the stat data read under;
  // not part of the manifest.
  std::vector<ReadFile> read_files;
  ScanStats stats;
};

struct ScanOptions {
  // Index entries whose mtime or ctime is at or after the index file's own mtime are "racy":
  // their stat data cannot prove the content unchanged, so they are hashed.
  Timestamp index_mtime;
  // Store the content of changed files as blobs (a snapshot); false only hashes (a verification).
  bool store_blobs = true;
  // Paths treated as ignored, whatever .gitignore says: the gate's own build and report directories.
  std::vector<std::string> excluded;
  // The umask the defaults of `permissions` are computed with; nullopt: this process's.
  std::optional<uint32_t> umask = std::nullopt;
  // A restore must read what a fixer made unreadable (chmod 000): directories without rwx for their
  // owner and files without read for their owner get those bits added, and are listed in `unlocked`.
  bool unlock = false;
  // A path that is PATH_MAX bytes or longer with the work tree's own cannot be read, saved or restored
  // (every system call takes the whole path). It fails the scan with Error(io); with Error(usage) when
  // set: a snapshot is taken before anything changes, so the user can move it and try again.
  bool too_long_is_usage = false;
  // Files an earlier scan read, trusted without reading them again when their stat data proves them
  // unchanged (ScanRecord::trusted); null: read every file the index's stat data cannot vouch for.
  const ScanRecord* trusted = nullptr;
};

// The time now, for ScanRecord::scan_start: taken before the walk starts.
Timestamp scan_clock_now();

// The process's umask (read from /proc/self/status; never changed).
uint32_t current_umask();
// The permission bits git gives a new file (executable or not) or directory under `umask`.
uint32_t default_mode(bool directory, bool executable, uint32_t umask) noexcept;

ScanResult scan_worktree(const git::Repository& repo, git_index* index, const ScanOptions& options);

// The mtime of the index file, or zero when there is none.
Timestamp index_file_mtime(const git::Repository& repo);

// Writes the tree that holds the whole work tree: the index's tree with `result.changes` applied.
// Only the directories on the path of a change are written again; the rest is shared with the index.
git_oid write_worktree_tree(const git::Repository& repo, git_index* index, const ScanResult& result);

// Writes `base` (null: the empty tree) with `changes` applied; only directories on the path of a change
// are written again. A deleted path that `base` does not have is not an error.
git_oid apply_changes(const git::Repository& repo, const git_tree* base, const std::vector<Change>& changes);

// Whether `path` is one of `excluded` or lies below one.
bool is_excluded(const std::vector<std::string>& excluded, std::string_view path) noexcept;

// Writes the index's own tree (stage 0). Returns nullopt when the index has conflicts.
std::optional<git_oid> write_index_tree(const git::Repository& repo, git_index* index);

}  // namespace autofix::snapshot
