// SPDX-License-Identifier: MIT
#pragma once
// The journal says "an operation is changing this tree, and here is the snapshot that undoes it".
// It is written (atomically, fsynced) before the tree is touched and removed only when the tree is
// in its final state, so after a crash or kill -9 `recover` knows exactly what to restore.
//
// A fixer can delete .git/autofix: the journal is therefore written twice, to .git/autofix/journal.json
// and to a mirror in the rollback's private directory outside the repository (gate/snapshot/vault.h), and a
// state directory that has gone is created again at the next write.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace autofix {

// Files a restore is about to write, each through a temporary `<path>.autofix-tmp-<pid>-<n>` beside it:
// recorded before the first one is created, so that `recover` can remove what a killed restore left.
struct PendingWrites {
  int pid = 0;                     // the process that names the temporaries
  std::vector<std::string> paths;  // relative to the work tree
  bool operator==(const PendingWrites&) const = default;
};

struct JournalEntry {
  std::string operation;                  // "restore", "attempt", ...
  std::optional<std::string> snapshot;    // what `recover` restores; none while the snapshot is being taken
  int pid = 0;                            // the gate process
  std::optional<int> process_group;       // children the gate started: ended by `recover` before restoring
  std::string started;                    // ISO 8601 UTC
  std::string phase;                      // the step in progress, for messages
  // The snapshot's commit: what `recover` restores when a fixer deleted refs/autofix/snapshots/<id>.
  std::optional<std::string> snapshot_commit = std::nullopt;
  std::optional<PendingWrites> pending_writes = std::nullopt;
  // Refs the operation creates on purpose (an accepted fix's branch): a rollback leaves them.
  std::vector<std::string> kept_refs = {};
  bool operator==(const JournalEntry&) const = default;
  // Every process the operation starts carries AUTOFIX_GATE_OPERATION=<marker> in its environment, so
  // that `recover` finds a daemon that left the process group (runners/stray_processes.h).
  std::optional<std::string> process_marker{};
  // What the gate itself changed in the tree (gate/snapshot/outside_changes.h): "none", "unknown" or "known",
  // with the trees before and right after the change when known. Absent in older journals: "unknown".
  std::string gate_changes = "unknown";
  std::optional<std::string> changes_before{};
  std::optional<std::string> changes_after{};
  // The external state hooks whose save completed, in save order (gate/state/state_hooks.h): what the
  // rollback and `recover` restore, in reverse order. Absent in older journals: none.
  std::vector<std::string> saved_state{};
};

class Journal {
 public:
  // `mirror`: a second copy of the journal outside the repository (nullopt: none).
  explicit Journal(std::filesystem::path state_dir, std::optional<std::filesystem::path> mirror = std::nullopt)
      : path_(std::move(state_dir) / "journal.json"), mirror_(std::move(mirror)) {}

  // nullopt when no operation is unfinished. Reads the journal in the state directory, else its mirror.
  // Throws Error(internal) with the path when it is unreadable.
  std::optional<JournalEntry> read() const;
  // `durable` fsyncs: needed when the entry is first written (it must outlive a power cut that the
  // tree changes outlive). Later updates (phase, process group) only need to survive a process crash.
  // Writes both copies; throws only when neither could be written. A missing state directory is
  // created again (not its parents: a .git that is gone stays gone).
  void write(const JournalEntry& entry, bool durable = true) const;
  void clear() const;
  // Whether a journal file exists (in the state directory or as the mirror).
  bool exists() const;
  const std::filesystem::path& path() const noexcept { return path_; }
  const std::optional<std::filesystem::path>& mirror() const noexcept { return mirror_; }

 private:
  std::filesystem::path path_;
  std::optional<std::filesystem::path> mirror_;
};

}  // namespace autofix
