#pragma once
// The journal says "an operation is changing this tree, and here is the snapshot that undoes it".
// It is written (atomically, fsynced) before the tree is touched and removed only when the tree is
// in its final state, so after a crash or kill -9 `recover` knows exactly what to restore.
#include <filesystem>
#include <optional>
#include <string>

namespace autofix {

struct JournalEntry {
  std::string operation;                  // "restore", "attempt", ...
  std::optional<std::string> snapshot;    // what `recover` restores; none while the snapshot is being taken
  int pid = 0;                            // the gate process
  std::optional<int> process_group;       // children the gate started: ended by `recover` before restoring
  std::string started;                    // ISO 8601 UTC
  std::string phase;                      // the step in progress, for messages
  // Every process the operation starts carries AUTOFIX_GATE_OPERATION=<marker> in its environment, so
  // that `recover` finds a daemon that left the process group (runners/stray_processes.h).
  std::optional<std::string> process_marker{};
  // What the gate itself changed in the tree (gate/outside_changes.h): "none", "unknown" or "known",
  // with the trees before and right after the change when known. Absent in older journals: "unknown".
  std::string gate_changes = "unknown";
  std::optional<std::string> changes_before{};
  std::optional<std::string> changes_after{};
};

class Journal {
 public:
  explicit Journal(std::filesystem::path state_dir) : path_(std::move(state_dir) / "journal.json") {}

  // nullopt when no operation is unfinished. Throws Error(internal) with the path when it is unreadable.
  std::optional<JournalEntry> read() const;
  // `durable` fsyncs: needed when the entry is first written (it must outlive a power cut that the
  // tree changes outlive). Later updates (phase, process group) only need to survive a process crash.
  void write(const JournalEntry& entry, bool durable = true) const;
  void clear() const;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace autofix
