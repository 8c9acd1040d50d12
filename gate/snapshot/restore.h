// SPDX-License-Identifier: MIT
#pragma once
// Makes the work tree, the index and HEAD identical to a snapshot, then proves it by scanning again.
// Every step can be repeated: a restore killed half way is finished by running it again.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gate/git/repository.h"
#include "gate/snapshot/snapshot_store.h"

namespace autofix::snapshot {

struct RestoreReport {
  std::vector<std::string> written;   // files written back (content, mode or type differed)
  std::vector<std::string> removed;   // files that were not in the snapshot
  std::vector<std::string> directories_removed;
  std::vector<std::string> directories_created;
  bool index_rewritten = false;
  bool head_moved = false;
  // The work tree as it was before the restore, kept under refs/autofix/discarded/<snapshot id>
  // when anything was discarded, so a restore run by mistake loses nothing.
  std::optional<git_oid> discarded_commit;
  // Repositories created after the snapshot (a directory, or the .git of a directory the snapshot has),
  // moved aside rather than deleted: what moved, and where to.
  std::vector<std::pair<std::string, std::string>> set_aside;
  std::vector<std::string> permissions;   // paths whose permission bits were put back
  std::vector<std::string> git_metadata;  // .git files and refs put back (RestoreOptions::git_metadata)
  std::vector<std::string> lost_refs;     // refs that could not be put back: their objects are gone
  bool changed_anything() const {
    return !written.empty() || !removed.empty() || !directories_removed.empty() || !directories_created.empty() ||
           index_rewritten || head_moved || !set_aside.empty() || !permissions.empty() || !git_metadata.empty();
  }
};

struct RestoreOptions {
  // A rollback also puts back .git's config, hooks/, info/ and refs (git_metadata.h); a plain
  // `autofix-gate restore ID` leaves them as they are.
  bool git_metadata = false;
  // Refs the rollback leaves as they are (the operation's own new branches).
  std::function<bool(const std::string&)> leave_ref;
  // Called with the paths about to be written through temporaries (temporary_prefix()), before the
  // first temporary is created, so that what a killed restore leaves can be found and removed.
  std::function<void(const std::vector<std::string>&)> before_writing;
};

inline constexpr const char* kDiscardedRefPrefix = "refs/autofix/discarded/";

// Restores `snapshot` and verifies the result; throws Error(verification) naming the paths that differ.
// The saved index is read from the object store only when the index file changed since the snapshot.
RestoreReport restore_snapshot(const git::Repository& repo, const StoredSnapshot& snapshot,
                               const RestoreOptions& options = {});

// The same, with the saved index bytes already at hand.
RestoreReport restore_snapshot(const git::Repository& repo, const StoredSnapshot& snapshot,
                               const std::optional<std::string>& index_bytes);

// A restored file is written to `<path><temporary_prefix(pid)><n>` and renamed over `<path>`.
std::string temporary_prefix(int pid);
// Removes the temporaries a restore by process `pid` left beside `paths` (relative to the work tree);
// returns the ones removed. Never follows a symbolic link to outside the work tree.
std::vector<std::string> remove_temporaries(const git::Repository& repo, int pid, const std::vector<std::string>& paths);

// Where a restore of snapshot `id` moves the repositories created after it: <git dir>/autofix/set-aside/<id>.
std::filesystem::path set_aside_directory(const git::Repository& repo, const std::string& id);

}  // namespace autofix::snapshot
