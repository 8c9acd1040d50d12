// SPDX-License-Identifier: MIT
#pragma once
// The manifest of a snapshot: everything needed to restore it besides the objects themselves,
// stored as manifest.json in the snapshot's commit and shown by `snapshot --json` and `status`.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/snapshot/worktree_scan.h"
#include "gate/util/json_reader.h"

namespace autofix::snapshot {

inline constexpr int kManifestFormat = 1;

struct HeadState {
  enum class Kind { branch, detached, unborn };
  Kind kind = Kind::unborn;
  std::string ref;  // "refs/heads/main" for branch and unborn; empty when detached
  std::optional<git_oid> oid;  // the commit HEAD resolved to; none when unborn
};

// Identifies one version of a file: git replaces the index by rename, so a rewrite changes the inode.
struct FileStamp {
  uint64_t inode = 0;
  uint64_t size = 0;
  Timestamp mtime;
  Timestamp ctime;
  bool operator==(const FileStamp&) const = default;
};

struct IndexRecord {
  bool present = false;           // the repository had an index file
  std::optional<git_oid> blob;    // its exact bytes, stored as a blob
  Timestamp mtime;                // the index file's mtime: the racy-entry limit for its stat data
  FileStamp stamp;                // lets a restore see that the index is untouched without reading it
  size_t entries = 0;
  bool conflicts = false;
};

// The parts of .git a rollback puts back besides HEAD and the index (gate/snapshot/git_metadata.h).
struct GitMetadata {
  git_oid files{};  // tree: config, config.worktree, hooks/, info/ as they were
  // Every ref outside refs/autofix/: name -> object id, or "ref: <name>" for a symbolic ref.
  std::map<std::string, std::string> refs;
};

// Permission bits of the saved files and directories: the umask at snapshot time, and the paths whose
// bits differ from what git would give them under it ((executable ? 0777 : 0666) & ~umask for a file,
// 0777 & ~umask for a directory). "" is the work tree's root.
struct Permissions {
  uint32_t umask = 022;
  std::vector<PathMode> exceptions;
};

struct Manifest {
  int format = kManifestFormat;
  std::string id;
  std::string created;     // ISO 8601 UTC
  int64_t created_ns = 0;  // nanoseconds since the epoch: orders snapshots taken within one second
  std::string message;
  std::string tool_version;
  std::string workdir;
  HeadState head;
  IndexRecord index;
  git_oid worktree_tree{};
  std::optional<git_oid> staged_tree;
  ScanResult scan;  // changes against the index, empty directories, and what was left out
  std::vector<std::string> excluded;  // treated as ignored: the gate's own build and report directories
  std::optional<GitMetadata> git;            // absent in snapshots of older versions
  std::optional<Permissions> permissions;    // absent in snapshots of older versions
};

nlohmann::json to_json(const Manifest& manifest);
// Throws Error(internal) "malformed snapshot manifest in <source>: <JSON path>: <what>" when the JSON is
// not a manifest this version can restore.
Manifest manifest_from_json(const JsonDocument& json, const std::string& source);

const char* to_string(HeadState::Kind kind) noexcept;

// The stamp of the file at `path`, or nullopt when it does not exist.
std::optional<FileStamp> file_stamp(const std::string& path);

}  // namespace autofix::snapshot
