// SPDX-License-Identifier: MIT
#pragma once
// A log of small immutable files kept in the object store under one ref (docs/history.md#storage): a
// chain of commits whose tree is the previous tree plus the new files. Appending adds the new blobs and
// rewrites only the trees on their paths (git_tree_create_updated), never an old record, so it costs
// O(path depth) whatever the log holds. The ref moves by compare-and-swap with its old value; a writer
// that lost a race reads the ref again and retries. Two logs that diverged (two CI jobs that each
// appended) merge by the union of their files; a remote's log is fetched, merged and pushed back.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gate/git/handles.h"
#include "gate/git/repository.h"
#include "gate/git/signature.h"

namespace autofix::git {

struct LogFile {
  std::string path;  // relative, '/'-separated, no "." or ".." components
  std::string bytes;
};

struct LogAppend {
  std::optional<git_oid> commit;  // the new head; nullopt when every file was there already (nothing written)
  std::vector<std::string> added;  // the paths written, in the order given
};

struct LogOptions {
  int attempts = 20;  // reads of the ref before a race is given up
  // Test seam: called with the ref's name after the new commit is written and before the ref is moved
  // (a test moves the ref here to lose the race on purpose).
  std::function<void(const std::string& ref)> before_update;
};

// Appends `files` to the log under `ref` (a full ref name), creating the ref when there is none. A path
// the log has with the same bytes is skipped; with other bytes it is an Error(git) naming the path, and
// nothing is written. Throws Error(git) naming the ref when it cannot be read or moved, or when it moved
// under us `options.attempts` times.
LogAppend append_to_log(const Repository& repo, const std::string& ref, const std::vector<LogFile>& files,
                        const std::string& message, const CommitIdentity& identity, const LogOptions& options = {});

struct LogEntry {
  std::string name;
  bool directory = false;
  git_oid id{};  // the blob's (a file) or the tree's (a directory)
};

// The log's head: the commit `ref` points at, nullopt when there is no such ref.
std::optional<git_oid> log_head(const Repository& repo, const std::string& ref);
// The tree of `commit`. Throws Error(git) naming the commit.
git_oid log_tree(const Repository& repo, const git_oid& commit);

// The entries of the directory `dir` ("" for the root) in the tree `tree`, in git's order (by name);
// empty when there is no such directory. Throws Error(git) naming the tree when it cannot be read.
std::vector<LogEntry> list_log_directory(const Repository& repo, const git_oid& tree, const std::string& dir);
// The bytes of the file `path` in the tree `tree`; nullopt when it is not a file there.
std::optional<std::string> read_log_file(const Repository& repo, const git_oid& tree, const std::string& path);
// The bytes of the blob `id`; nullopt when it is missing.
std::optional<std::string> read_log_blob(const Repository& repo, const git_oid& id);

struct LogMerge {
  std::optional<git_oid> commit;        // the new head; nullopt when `other` added nothing
  bool fast_forward = false;            // the ref was moved to `other` itself (ours had nothing of its own)
  std::vector<std::string> conflicts;   // paths both have with different bytes: ours kept
};

// Merges the log at commit `other` into the log under `ref`: nothing when `ref` has `other` already; the
// ref moved to `other` when it had nothing of its own (or did not exist); else a merge commit with both
// as parents whose tree is the union of both trees (a path both have with different bytes: ours kept,
// the path reported). The ref moves by compare-and-swap, retried like append_to_log.
LogMerge merge_into_log(const Repository& repo, const std::string& ref, const git_oid& other,
                        const std::string& message, const CommitIdentity& identity, const LogOptions& options = {});

struct LogSync {
  bool fetched = false;                // the remote had the ref
  LogMerge merge;                      // what the remote's log added to ours
  bool pushed = false;                 // the remote did not have our head and now has it
  int rejected_pushes = 0;             // pushes refused because the remote moved meanwhile
  std::vector<std::string> conflicts;  // every conflict over all rounds
};

struct SyncOptions {
  int attempts = 5;  // fetch-merge-push rounds before a race is given up
  LogOptions log;
  // Test seam: called with the round (0, 1, ...) before each push.
  std::function<void(int round)> before_push;
};

// Fetches `remote`'s `ref` (a configured remote's name, else a path or URL) into a temporary ref, merges
// it into ours, and pushes ours to `remote`'s `ref`; a push refused because someone pushed meanwhile is
// retried from the fetch. libgit2's default transports are used without credential callbacks: a local
// path or file:// works; https or ssh remotes work only where no credentials are asked for.
// Throws Error(git) naming the remote and what failed (fetch, push, the race given up).
LogSync sync_log(const Repository& repo, const std::string& ref, const std::string& remote,
                 const CommitIdentity& identity, const SyncOptions& options = {});

}  // namespace autofix::git
