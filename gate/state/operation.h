// SPDX-License-Identifier: MIT
#pragma once
// An operation is anything that changes the work tree under the gate's protection:
// lock → journal → snapshot → private copy → work → (keep | roll back) → journal and copy cleared → unlock.
// The Operation object is the rollback guard: destroyed without finish() or roll_back()
// (an exception, an interrupt), it restores the snapshot.
// What the rollback needs is kept in memory and in a private copy outside the repository (vault.h),
// so a fixer that deletes .git/autofix or refs/autofix/ and prunes cannot prevent it.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gate/git/repository.h"
#include "gate/state/journal.h"
#include "gate/state/lock.h"
#include "gate/state/state_hooks.h"
#include "gate/snapshot/outside_changes.h"
#include "gate/snapshot/restore.h"
#include "gate/snapshot/snapshot_store.h"
#include "gate/snapshot/vault.h"
#include "runners/stray_processes.h"

namespace autofix {

// Where progress and warnings go; the CLI prints them on stderr.
using MessageSink = std::function<void(const std::string&)>;

// The repository's journal: .git/autofix/journal.json, mirrored in the private copy's directory.
Journal journal_for(const git::Repository& repo);

// Takes the lock and refuses to go on while the journal holds an unfinished operation.
RepositoryLock lock_repository(const git::Repository& repo, const std::string& command, const MessageSink& say);

class Operation {
 public:
  // `excluded` paths are left out of the snapshot and never touched by its restore (build and report dirs).
  static Operation begin(const git::Repository& repo, const std::string& name, const std::string& message,
                         const std::string& command_line, MessageSink say,
                         const std::vector<std::string>& excluded = {});
  // The same with the lock already held (taken before anything of the tree was read).
  static Operation begin(const git::Repository& repo, RepositoryLock lock, const std::string& name,
                         const std::string& message, MessageSink say, const std::vector<std::string>& excluded = {});
  Operation(Operation&& other) noexcept;
  Operation& operator=(Operation&&) = delete;
  ~Operation();

  const snapshot::StoredSnapshot& snapshot() const noexcept { return snapshot_; }
  void set_phase(const std::string& phase);
  void set_process_group(std::optional<int> process_group);

  // A ref the operation is about to create on purpose (the branch of an accepted fix): the rollback
  // and `recover` leave it. Journaled before the ref exists.
  void keep_ref(const std::string& name);

  // After a fixer ran: puts .git's config, hooks/, info/ and the refs back as the snapshot saved them
  // (a fix is what changed in the work tree, never in .git), leaving HEAD, its branch and the index
  // alone. Says what differed and returns it.
  std::vector<std::string> restore_git_metadata();

  // What the gate itself changes in the tree, so that the rollback undoes that and keeps what others
  // changed meanwhile (gate/snapshot/outside_changes.h). Recorded in the journal for `recover`. Until said
  // otherwise, any change is taken for the gate's (everything is restored).
  void gate_changed_nothing_yet();  // e.g. right after the snapshot: a build and tests change no source
  void gate_change_starting();      // a patch or fixer is about to change the tree
  void gate_changed(const git_oid& before, const git_oid& after);

  // Saves the external state (docs/state-hooks.md) right after the snapshot, before anything changes:
  // each hook's save in order, each journaled once it completed. A save that fails: the ones done are
  // restored and Error(kStateHookError) is thrown (the guard then ends the operation, the tree untouched).
  // roll_back(), undo_gate_change(), the destructor and `recover` restore what was saved, after the tree;
  // finish() keeps the state as it is. Either way the saved copies are removed when the operation ends.
  void save_state(const std::vector<StateHookSpec>& hooks);
  // An accepted fix keeps the state as it left it, even when the checkout itself is restored (the fix
  // committed on its branch): from here the rollback and `recover` restore no saved state.
  void keep_state();

  // Keeps the tree as it is and ends the operation (after ending what the operation left running).
  // .git's config, hooks/ and info/ are put back first (what ran after the fixer, the build and the
  // tests, may have changed them too).
  void finish();
  // Ends what the operation left running (daemons that left their process group included), restores
  // the snapshot but for what others changed meanwhile, verifies it, and ends the operation.
  snapshot::RestoreReport roll_back();
  // Between the steps of a batch: undoes the gate's change (the verified restore of roll_back(), keeping
  // what others changed meanwhile) and leaves the operation open, with nothing changed by the gate.
  // Only the files that differ are written, so an incremental build after it rebuilds only those.
  snapshot::RestoreReport undo_gate_change();
  // What the last roll_back() kept or set aside (empty before it).
  const std::vector<OutsideChange>& outside_changes() const noexcept { return outside_; }
  const std::optional<std::string>& kept_ref() const noexcept { return kept_ref_; }
  // Ends processes the operation started that are still running outside a process group the gate
  // waits for: a daemon that left its group (setsid, double fork). Returns what it ended; says so.
  std::vector<runners::ProcessInfo> end_stray_processes();

 private:
  Operation(const git::Repository& repo, RepositoryLock lock, MessageSink say, Vault vault)
      : repo_(&repo),
        lock_(std::move(lock)),
        vault_(std::move(vault)),
        journal_(repo.state_dir(), vault_.journal_path()),
        say_(std::move(say)) {}

  // Journals the entry (recreating what a fixer deleted: the state directory, the lock file).
  void record(bool durable = false);
  // Writes back into .git the objects the snapshot and HEAD need and the snapshot's ref.
  void give_back_objects();
  // How roll_back() and undo_gate_change() restore: .git's metadata too, the kept refs left, each write journaled.
  snapshot::RestoreOptions restore_options();
  // Restores the saved state (reverse order, then the checks); throws Error(kStateHookError).
  void restore_state();
  StateHookEvents state_events();

  const git::Repository* repo_;
  RepositoryLock lock_;
  Vault vault_;
  Journal journal_;
  MessageSink say_;
  JournalEntry entry_;
  snapshot::StoredSnapshot snapshot_;
  GateChanges changes_;
  std::vector<OutsideChange> outside_;
  std::optional<std::string> kept_ref_;
  std::optional<StateHooks> state_hooks_;
  bool open_ = false;
};

// Restores `id` under the journal, so that a restore killed half way is finished by `recover`; then, with
// `with_state`, the state saved with the snapshot (StateHooks::saved_in), journaled first (`saved_state`),
// so that a failing or killed state restore is finished by `recover` too (throws Error(kStateHookError)).
snapshot::RestoreReport restore_under_journal(const git::Repository& repo, const std::string& id,
                                              const std::string& command_line, const MessageSink& say,
                                              bool with_state = true);

struct Recovery {
  std::optional<JournalEntry> unfinished;        // what was found in the journal
  std::optional<snapshot::RestoreReport> restore;  // what the restore did
  bool ended_processes = false;                  // a leftover process group (or stray daemon) was ended first
  std::vector<std::string> temporaries_removed;  // left by a restore that was killed while writing
  std::vector<OutsideChange> outside;            // what others changed, kept (see Operation::roll_back)
  std::optional<std::string> kept_ref;
  std::vector<std::string> state_restored;       // the state hooks restored, in the order they ran
};

// The journal's record of the process group a runner runs in: set as each group starts, cleared by
// clear() when the runner returns, or by the destructor when it throws (a stale record could make
// `recover` signal a process group the system has given to someone else since).
class ProcessGroupRecord {
 public:
  explicit ProcessGroupRecord(Operation* op) : op_(op) {}
  ProcessGroupRecord(const ProcessGroupRecord&) = delete;
  ProcessGroupRecord& operator=(const ProcessGroupRecord&) = delete;
  ~ProcessGroupRecord() {
    if (!op_) return;
    try {
      op_->set_process_group(std::nullopt);
    } catch (...) {
      // Only on the way out of an error already thrown: that error is the one to report.
    }
  }

  std::function<void(int)> on_started() const {
    if (!op_) return {};
    Operation* op = op_;
    return [op](int process_group) { op->set_process_group(process_group); };
  }
  // The normal path: a failed journal write is an error like any other.
  void clear() {
    Operation* op = std::exchange(op_, nullptr);
    if (op) op->set_process_group(std::nullopt);
  }

 private:
  Operation* op_;
};

// A build killed half way can leave outputs that look newer than their sources but are truncated
// (an archive cut short by the kill): `recover` leaves this marker, and the next build starts clean.
std::filesystem::path interrupted_build_marker(const git::Repository& repo);

// Ends what an interrupted gate left running, restores its snapshot and clears the journal.
Recovery recover(const git::Repository& repo, const std::string& command_line, const MessageSink& say);

}  // namespace autofix
