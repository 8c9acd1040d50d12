#pragma once
// An operation is anything that changes the work tree under the gate's protection:
// lock → journal → snapshot → work → (keep | roll back) → journal cleared → unlock.
// The Operation object is the rollback guard: destroyed without finish() or roll_back()
// (an exception, an interrupt), it restores the snapshot.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gate/git/repository.h"
#include "gate/journal.h"
#include "gate/lock.h"
#include "gate/snapshot/restore.h"
#include "gate/snapshot/snapshot_store.h"

namespace autofix {

// Where progress and warnings go; the CLI prints them on stderr.
using MessageSink = std::function<void(const std::string&)>;

// Takes the lock and refuses to go on while the journal holds an unfinished operation.
RepositoryLock lock_repository(const git::Repository& repo, const std::string& command, const MessageSink& say);

class Operation {
 public:
  // `excluded` paths are left out of the snapshot and never touched by its restore (build and report dirs).
  static Operation begin(const git::Repository& repo, const std::string& name, const std::string& message,
                         const std::string& command_line, MessageSink say,
                         const std::vector<std::string>& excluded = {});
  Operation(Operation&& other) noexcept;
  Operation& operator=(Operation&&) = delete;
  ~Operation();

  const snapshot::StoredSnapshot& snapshot() const noexcept { return snapshot_; }
  void set_phase(const std::string& phase);
  void set_process_group(std::optional<int> process_group);

  // Keeps the tree as it is and ends the operation.
  void finish();
  // Restores the snapshot, verifies it, and ends the operation.
  snapshot::RestoreReport roll_back();

 private:
  Operation(const git::Repository& repo, RepositoryLock lock, MessageSink say)
      : repo_(&repo), lock_(std::move(lock)), journal_(repo.state_dir()), say_(std::move(say)) {}

  const git::Repository* repo_;
  RepositoryLock lock_;
  Journal journal_;
  MessageSink say_;
  JournalEntry entry_;
  snapshot::StoredSnapshot snapshot_;
  bool open_ = false;
};

// Restores `id` under the journal, so that a restore killed half way is finished by `recover`.
snapshot::RestoreReport restore_under_journal(const git::Repository& repo, const std::string& id,
                                              const std::string& command_line, const MessageSink& say);

struct Recovery {
  std::optional<JournalEntry> unfinished;        // what was found in the journal
  std::optional<snapshot::RestoreReport> restore;  // what the restore did
  bool ended_processes = false;                  // a leftover process group was ended first
};

// A build killed half way can leave outputs that look newer than their sources but are truncated
// (an archive cut short by the kill): `recover` leaves this marker, and the next build starts clean.
std::filesystem::path interrupted_build_marker(const git::Repository& repo);

// Ends what an interrupted gate left running, restores its snapshot and clears the journal.
Recovery recover(const git::Repository& repo, const std::string& command_line, const MessageSink& say);

}  // namespace autofix
