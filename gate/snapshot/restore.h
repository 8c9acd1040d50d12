#pragma once
// Makes the work tree, the index and HEAD identical to a snapshot, then proves it by scanning again.
// Every step can be repeated: a restore killed half way is finished by running it again.
#include <functional>
#include <string>
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
  bool changed_anything() const {
    return !written.empty() || !removed.empty() || !directories_removed.empty() || !directories_created.empty() ||
           index_rewritten || head_moved;
  }
};

inline constexpr const char* kDiscardedRefPrefix = "refs/autofix/discarded/";

// Restores `snapshot` and verifies the result; throws Error(verification) naming the paths that differ.
// The saved index is read from the object store only when the index file changed since the snapshot.
RestoreReport restore_snapshot(const git::Repository& repo, const StoredSnapshot& snapshot);

// The same, with the saved index bytes already at hand.
RestoreReport restore_snapshot(const git::Repository& repo, const StoredSnapshot& snapshot,
                               const std::optional<std::string>& index_bytes);

}  // namespace autofix::snapshot
