// SPDX-License-Identifier: MIT
#pragma once
// The parts of .git that a fixer can change to run its own programs later or to lose the user's
// history, and that a rollback therefore puts back besides HEAD and the index:
//   - the configuration (`config`, and `config.worktree` when there is one): core.fsmonitor,
//     core.hooksPath, core.excludesFile, aliases, filters all live there;
//   - `hooks/` and `info/` (info/exclude holds ignore rules: a new rule would hide a new file);
//   - every ref outside refs/autofix/ (branches, tags, remote-tracking refs, stash; loose or packed),
//     as names and targets: the objects they point at are the history, which is not copied.
// HEAD is the restore's own business (restore.h).
#include <functional>
#include <string>
#include <vector>

#include "gate/git/repository.h"
#include "gate/snapshot/manifest.h"

namespace autofix::snapshot {

// Saves the files (as a tree in the repository's object store) and the refs. Touches nothing.
GitMetadata capture_git_metadata(const git::Repository& repo);

struct GitMetadataScope {
  bool files = true;  // config, hooks/, info/
  bool refs = true;
  // Refs left as they are: the gate's own new branches, or HEAD's branch when a kept fix moved it.
  std::function<bool(const std::string& ref)> leave_ref;
};

struct GitMetadataRestore {
  std::vector<std::string> restored;  // one line per difference put back, e.g. ".git/config (changed)"
  std::vector<std::string> lost;      // refs that could not be put back: their objects are gone
};

// Makes the files and refs in `scope` what `saved` says, and reads them back. Throws Error(verification)
// naming what still differs; refs whose target objects no longer exist are reported in `lost`.
GitMetadataRestore restore_git_metadata(const git::Repository& repo, const GitMetadata& saved,
                                        const GitMetadataScope& scope = {});

// What differs now from `saved`, one line per difference (nothing restored).
std::vector<std::string> git_metadata_differences(const git::Repository& repo, const GitMetadata& saved,
                                                  const GitMetadataScope& scope = {});

}  // namespace autofix::snapshot
