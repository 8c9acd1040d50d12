// SPDX-License-Identifier: MIT
#pragma once
// Snapshots live in the repository's own object store as commits under refs/autofix/snapshots/<id>,
// so `git gc` keeps them and `git show` can inspect them. Each commit's tree holds:
//   worktree/       every saved file of the work tree (tracked and untracked, not ignored)
//   staged/         the index's tree (absent when the index has conflicts)
//   index           the index file's exact bytes
//   conflicts/      one entry per conflict-stage blob, so that gc keeps them too
//   git/            .git's config, config.worktree, hooks/ and info/ (git_metadata.h)
//   manifest.json   HEAD, refs, permissions, counts, changes against the index, and what was left out
//   scan-record     the files the scan read and the stat data it read them under (scan_record.h)
#include <optional>
#include <string>
#include <vector>

#include "gate/git/repository.h"
#include "gate/snapshot/manifest.h"
#include "gate/snapshot/scan_record.h"

namespace autofix::snapshot {

inline constexpr const char* kSnapshotRefPrefix = "refs/autofix/snapshots/";

struct StoredSnapshot {
  Manifest manifest;
  git_oid commit{};
};

class SnapshotStore {
 public:
  explicit SnapshotStore(const git::Repository& repo) : repo_(repo) {}

  // Saves HEAD, the index and the whole work tree. Touches nothing in the work tree or index.
  // `excluded` paths (relative to the work tree) are treated as ignored, now and by the restore.
  StoredSnapshot create(const std::string& message, const std::vector<std::string>& excluded = {});

  // Throws Error(usage) naming the id when there is no such snapshot.
  StoredSnapshot load(const std::string& id) const;
  // Snapshot `id` from its commit, whatever its ref says (a fixer may have deleted or moved the ref).
  // Throws Error(internal) when the commit is not snapshot `id`.
  StoredSnapshot load_commit(const std::string& id, const git_oid& commit) const;
  // Points refs/autofix/snapshots/<id> at `commit` again; returns whether it had to.
  bool ensure_ref(const std::string& id, const git_oid& commit);
  // The exact bytes of the index the snapshot saved; nullopt when the repository had no index.
  std::optional<std::string> index_bytes(const Manifest& manifest) const;

  // What the snapshot's scan read (scan_record.h); nullopt when the snapshot has no readable record.
  std::optional<ScanRecord> scan_record(const StoredSnapshot& snapshot) const;

  // Oldest first.
  std::vector<StoredSnapshot> list() const;
  void drop(const std::string& id);

  static std::string ref_name(const std::string& id) { return kSnapshotRefPrefix + id; }

 private:
  const git::Repository& repo_;
};

// The HEAD of the repository now.
HeadState read_head(const git::Repository& repo);

}  // namespace autofix::snapshot
