// SPDX-License-Identifier: MIT
#include "gate/state/operation.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <optional>
#include <random>
#include <thread>
#include <utility>

#include "gate/git/revision.h"
#include "gate/snapshot/git_metadata.h"
#include "gate/util/atomic_file.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/trace.h"
#include "gate/util/io_errors.h"
#include "gate/util/signals.h"

namespace autofix {

namespace {

std::string now_iso() { return format_iso8601_utc(std::chrono::system_clock::now()); }

// TERM, a grace period, then KILL: a fixer still writing after the restore would corrupt the tree.
bool end_process_group(int pgid, const MessageSink& say) {
  if (pgid <= 1 || ::kill(-pgid, 0) != 0) return false;
  say("ending process group " + std::to_string(pgid) + " left by the interrupted gate");
  ::kill(-pgid, SIGTERM);
  for (int i = 0; i < 50 && ::kill(-pgid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (::kill(-pgid, 0) == 0) ::kill(-pgid, SIGKILL);
  for (int i = 0; i < 50 && ::kill(-pgid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return true;
}

// The interrupted gate (libgit2 applying a patch or writing a ref) or a child it started (a fixer
// running git) can die holding a git lock file. Once their processes are gone, a lock created after the
// operation started is theirs and stale; an older one belongs to someone else and is left alone.
void remove_stale_git_locks(const git::Repository& repo, const JournalEntry& e, const MessageSink& say) {
  SystemTime started;
  try {
    started = parse_iso8601_utc(e.started);
  } catch (const Error&) {
    return;
  }
  std::vector<std::filesystem::path> candidates = {repo.git_dir() / "index.lock", repo.git_dir() / "HEAD.lock",
                                                   repo.git_dir() / "packed-refs.lock"};
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(repo.git_dir() / "refs", ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->path().extension() == ".lock") candidates.push_back(it->path());
  for (const auto& lock : candidates) {
    struct stat st;
    if (::lstat(lock.c_str(), &st) != 0) continue;
    // The journal's time has whole seconds: compare at that resolution.
    if (std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec) < started) continue;
    if (::unlink(lock.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove stale", lock.string(), errno);
    say("removed " + lock.string() + ", left by the interrupted '" + e.operation + "'");
  }
}

// The refs an operation's rollback leaves alone.
std::function<bool(const std::string&)> leaving(const std::vector<std::string>& kept) {
  return [kept](const std::string& ref) { return std::find(kept.begin(), kept.end(), ref) != kept.end(); };
}

// Copies what a rollback reads that HEAD's commit does not hold: the snapshot commit and its tree, with
// the work tree and the index compared with HEAD's tree (what they share is HEAD's history).
void keep_snapshot(const Vault& vault, const git::Repository& repo, const snapshot::StoredSnapshot& s) {
  std::vector<std::pair<git_oid, git_oid>> shared;
  if (s.manifest.head.oid) {
    const git_oid tree = git::tree_of_commit(repo, *s.manifest.head.oid, "HEAD's commit");
    shared.emplace_back(s.manifest.worktree_tree, tree);
    if (s.manifest.staged_tree) shared.emplace_back(*s.manifest.staged_tree, tree);
  }
  vault.keep(repo, {s.commit}, shared);
}

void say_each(const MessageSink& say, const std::string& lead, const std::vector<std::string>& items) {
  if (items.empty()) return;
  std::string list;
  for (const std::string& i : items) list += (list.empty() ? "" : ", ") + i;
  say(lead + list);
}

// What a rollback or recover did beyond the work tree, said loudly: none of it is part of a fix.
void say_restored(const MessageSink& say, const snapshot::RestoreReport& r) {
  say_each(say, "restored .git as the snapshot had it: ", r.git_metadata);
  for (const auto& [what, where] : r.set_aside)
    say("moved the repository '" + what + "', created after the snapshot, aside to '" + where + "'");
  say_each(say, "restored the permissions of: ", r.permissions);
  say_each(say, "warning: cannot restore these refs, their objects are gone: ", r.lost_refs);
}

// The value of AUTOFIX_GATE_OPERATION for the processes of one operation: unique enough that no
// process of another operation carries it.
std::string new_process_marker() {
  static std::mt19937_64 rng{std::random_device{}()};
  char text[48];
  std::snprintf(text, sizeof text, "%d-%016llx", static_cast<int>(::getpid()), static_cast<unsigned long long>(rng()));
  return text;
}

std::optional<git_oid> oid_from_hex(const std::optional<std::string>& hex) {
  return hex ? git::try_from_hex(*hex) : std::nullopt;
}

// The journal's record of what the gate changed; anything incomplete counts as unknown (restore all).
// Files named as the gate's process `pid` names its temporaries (is_gate_temporary) directly in .git,
// .git/info and .git/hooks: removed, and returned relative to .git.
std::vector<std::string> remove_git_dir_temporaries(const git::Repository& repo, int pid) {
  namespace fs = std::filesystem;
  std::vector<std::string> removed;
  for (const char* sub : {"", "info", "hooks"}) {
    const fs::path dir = repo.git_dir() / sub;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code type_ec;
      if (!it->is_regular_file(type_ec) || it->is_symlink(type_ec)) continue;
      const std::string name = it->path().filename().string();
      if (!is_gate_temporary(name, pid)) continue;
      std::error_code rm_ec;
      if (fs::remove(it->path(), rm_ec)) removed.push_back(".git/" + (fs::path(sub) / name).generic_string());
    }
  }
  std::sort(removed.begin(), removed.end());
  return removed;
}

GateChanges gate_changes_of(const JournalEntry& e) {
  GateChanges g;
  std::optional<GateChanges::State> state = gate_changes_state_from(e.gate_changes);
  if (!state || *state == GateChanges::State::unknown) return g;
  if (*state == GateChanges::State::known) {
    std::optional<git_oid> before = oid_from_hex(e.changes_before), after = oid_from_hex(e.changes_after);
    if (!before || !after) return g;
    g.before = *before;
    g.after = *after;
  }
  g.state = *state;
  g.gate_pid = e.pid;
  return g;
}

void say_outside_changes(const MessageSink& say, const std::vector<OutsideChange>& outside,
                         const std::optional<std::string>& kept_ref) {
  if (std::string text = describe_outside_changes(outside, kept_ref); !text.empty()) say("warning: " + text);
}

}  // namespace

Journal journal_for(const git::Repository& repo) { return Journal(repo.state_dir(), Vault::of(repo).journal_path()); }

RepositoryLock lock_repository(const git::Repository& repo, const std::string& command, const MessageSink& say) {
  std::string takeover;
  RepositoryLock lock = RepositoryLock::acquire(repo.state_dir(), command, &takeover);
  if (!takeover.empty()) say(takeover);
  if (std::optional<JournalEntry> e = journal_for(repo).read())
    throw Error(ErrorKind::busy,
                "an interrupted '" + e->operation + "' (pid " + std::to_string(e->pid) + ", started " + e->started +
                    ", in phase '" + e->phase + "') left this work tree unfinished",
                "run `autofix-gate recover` to restore it" +
                    (e->snapshot ? " from snapshot " + *e->snapshot : std::string()) + " before anything else");
  return lock;
}

Operation Operation::begin(const git::Repository& repo, const std::string& name, const std::string& message,
                           const std::string& command_line, MessageSink say, const std::vector<std::string>& excluded) {
  RepositoryLock lock = lock_repository(repo, command_line, say);
  return begin(repo, std::move(lock), name, message, std::move(say), excluded);
}

Operation Operation::begin(const git::Repository& repo, RepositoryLock lock, const std::string& name,
                           const std::string& message, MessageSink say, const std::vector<std::string>& excluded) {
  lock.remove_on_release(false);  // the journal and snapshot make this run's state worth keeping
  repo.require_idle();
  Vault vault = Vault::of(repo);
  vault.create();  // no place for the private copy: refused before anything changes
  Operation op(repo, std::move(lock), std::move(say), std::move(vault));
  op.entry_ = JournalEntry{name, std::nullopt, static_cast<int>(::getpid()), std::nullopt, now_iso(), "snapshot"};
  op.entry_.process_marker = new_process_marker();
  // Not fsynced: until the snapshot exists the gate has changed nothing, so a power cut that loses this
  // entry loses nothing. The entry that names the snapshot (below) is fsynced before any change.
  op.journal_.write(op.entry_, false);
  try {
    op.snapshot_ = snapshot::SnapshotStore(repo).create(message, excluded);
    {
      TraceScope t("private copy");
      keep_snapshot(op.vault_, repo, op.snapshot_);
    }
    op.vault_.attach(repo);
  } catch (...) {
    op.journal_.clear();  // nothing was touched yet
    try {
      op.vault_.remove();
    } catch (const Error&) {
    }
    throw;
  }
  op.entry_.snapshot = op.snapshot_.manifest.id;
  op.entry_.snapshot_commit = git::to_hex(op.snapshot_.commit);
  op.entry_.phase = "started";
  op.record(true);
  runners::set_operation_marker(op.entry_.process_marker);
  op.open_ = true;
  return op;
}

Operation::Operation(Operation&& other) noexcept
    : repo_(other.repo_),
      lock_(std::move(other.lock_)),
      vault_(std::move(other.vault_)),
      journal_(std::move(other.journal_)),
      say_(std::move(other.say_)),
      entry_(std::move(other.entry_)),
      snapshot_(std::move(other.snapshot_)),
      changes_(other.changes_),
      outside_(std::move(other.outside_)),
      kept_ref_(std::move(other.kept_ref_)),
      state_hooks_(std::move(other.state_hooks_)),
      open_(std::exchange(other.open_, false)) {}

void Operation::record(bool durable) {
  try {
    if (std::optional<std::string> m = lock_.reassert()) say_("warning: " + *m);
  } catch (const Error& e) {
    say_(std::string("warning: ") + e.what());  // the rollback still needs to happen: go on
  }
  journal_.write(entry_, durable);
}

// Updates need only survive a crash of this process: after a power cut no process is left to end.
void Operation::set_phase(const std::string& phase) {
  entry_.phase = phase;
  record();
}

void Operation::set_process_group(std::optional<int> process_group) {
  entry_.process_group = process_group;
  record();
}

void Operation::keep_ref(const std::string& name) {
  entry_.kept_refs.push_back(name);
  record();
}

std::vector<std::string> Operation::restore_git_metadata() {
  if (!open_ || !snapshot_.manifest.git) return {};
  snapshot::GitMetadataScope scope;
  // The fixer's own commits stay as they are (judged from the work tree, rolled back with HEAD).
  std::string head_branch = snapshot::read_head(*repo_).ref;
  std::vector<std::string> kept = entry_.kept_refs;
  kept.push_back(head_branch);
  kept.push_back(snapshot_.manifest.head.ref);
  scope.leave_ref = leaving(kept);
  snapshot::GitMetadataRestore r = snapshot::restore_git_metadata(*repo_, *snapshot_.manifest.git, scope);
  say_each(say_, "the fix changed .git (never part of a fix): restored ", r.restored);
  say_each(say_, "warning: cannot restore these refs, their objects are gone: ", r.lost);
  return r.restored;
}

void Operation::give_back_objects() {
  size_t written = vault_.give_back(*repo_);
  if (written > 0)
    say_("wrote back " + std::to_string(written) + " object(s) of snapshot " + snapshot_.manifest.id +
         " that had been deleted from .git/objects");
  if (snapshot::SnapshotStore(*repo_).ensure_ref(snapshot_.manifest.id, snapshot_.commit))
    say_("put back " + snapshot::SnapshotStore::ref_name(snapshot_.manifest.id) + ", which had been deleted or moved");
}

void Operation::gate_changed_nothing_yet() {
  changes_ = GateChanges{GateChanges::State::none, {}, {}, static_cast<int>(::getpid())};
  entry_.gate_changes = to_string(changes_.state);
  entry_.changes_before = entry_.changes_after = std::nullopt;
  journal_.write(entry_, false);
}

void Operation::gate_change_starting() {
  changes_ = GateChanges{};
  entry_.gate_changes = to_string(changes_.state);
  entry_.changes_before = entry_.changes_after = std::nullopt;
  journal_.write(entry_, false);
}

void Operation::gate_changed(const git_oid& before, const git_oid& after) {
  changes_ = GateChanges{GateChanges::State::known, before, after, static_cast<int>(::getpid())};
  entry_.gate_changes = to_string(changes_.state);
  entry_.changes_before = git::to_hex(before);
  entry_.changes_after = git::to_hex(after);
  journal_.write(entry_, false);
}

std::vector<runners::ProcessInfo> Operation::end_stray_processes() {
  std::vector<runners::ProcessInfo> ended =
      runners::end_stray_processes(runners::StraySearch{true, entry_.process_marker});
  if (!ended.empty())
    say_("ended " + std::to_string(ended.size()) +
         " process(es) still running outside the process groups the gate waits for (a daemon that left its "
         "group): " + runners::describe_processes(ended));
  return ended;
}

StateHookEvents Operation::state_events() {
  StateHookEvents events;
  events.say = say_;
  events.process_group = [this](std::optional<int> group) { set_process_group(group); };
  events.saved = [this](const std::string& name) {
    entry_.saved_state.push_back(name);
    record(true);  // before anything the save protects can change
  };
  return events;
}

void Operation::save_state(const std::vector<StateHookSpec>& hooks) {
  if (!open_) throw Error(ErrorKind::internal, "save_state() on an operation that has ended");
  if (hooks.empty()) return;
  set_phase("save state");
  state_hooks_.emplace(repo_->workdir(), state_hooks_dir(repo_->state_dir(), snapshot_.manifest.id), hooks);
  try {
    state_hooks_->save_all(state_events());
  } catch (const Error&) {
    // save_all() restored what it had saved: nothing is left for the rollback to restore.
    entry_.saved_state.clear();
    record();
    state_hooks_->remove(say_);
    state_hooks_.reset();
    throw_if_interrupted();  // a save stopped by SIGINT/SIGTERM: the gate exits 128 + N, not 4
    throw;
  }
  set_phase("started");
}

void Operation::keep_state() {
  if (entry_.saved_state.empty()) return;
  say_("[state] the accepted fix keeps the state as it is: " + std::to_string(entry_.saved_state.size()) +
       " saved state hook(s) not restored");
  entry_.saved_state.clear();
  record(true);
}

void Operation::restore_state() {
  if (!state_hooks_ || entry_.saved_state.empty()) return;
  state_hooks_->restore(entry_.saved_state, state_events());
}

void Operation::finish() {
  if (!open_) return;
  end_stray_processes();  // a daemon must not go on changing the tree that is kept
  // The tree is final from here: a kill during what follows must not make `recover` undo a kept fix.
  journal_.clear();
  runners::set_operation_marker(std::nullopt);
  open_ = false;
  try {
    if (snapshot_.manifest.git) {
      snapshot::GitMetadataScope scope;
      scope.refs = false;
      snapshot::GitMetadataRestore r = snapshot::restore_git_metadata(*repo_, *snapshot_.manifest.git, scope);
      say_each(say_, "restored .git as the snapshot had it: ", r.restored);
    }
    give_back_objects();
  } catch (const std::exception& e) {
    say_(std::string("warning: cannot put .git back as the snapshot had it: ") + e.what());
  }
  try {
    vault_.remove();
  } catch (const Error& e) {
    say_(std::string("warning: ") + e.what());
  }
  // The state as the fix left it stays; the saved state stays with the snapshot (`restore ID`).
}

snapshot::RestoreOptions Operation::restore_options() {
  snapshot::RestoreOptions options;
  options.git_metadata = true;
  options.leave_ref = leaving(entry_.kept_refs);
  // The paths are journaled before they are written: a kill in the middle leaves `recover` the list.
  options.before_writing = [this](const std::vector<std::string>& paths) {
    if (!entry_.pending_writes) entry_.pending_writes = PendingWrites{static_cast<int>(::getpid()), {}};
    entry_.pending_writes->paths.insert(entry_.pending_writes->paths.end(), paths.begin(), paths.end());
    journal_.write(entry_, false);
  };
  return options;
}

snapshot::RestoreReport Operation::roll_back() {
  if (!open_) throw Error(ErrorKind::internal, "roll_back() on an operation that has ended");
  try {
    set_phase("rollback");
  } catch (const Error& e) {
    // The snapshot is in memory and in the private copy: a journal that cannot be written must not stop it.
    say_(std::string("warning: cannot record the rollback in the journal: ") + e.what());
  }
  snapshot::RestoreOptions options = restore_options();
  vault_.attach(*repo_);
  std::optional<TraceScope> step(std::in_place, "stray processes");
  bool ended = !end_stray_processes().empty();
  step.emplace("restore");
  Rollback done = roll_back_to(*repo_, snapshot_, changes_, options);
  if (ended) {
    // What was ended may have been writing until the moment it died: after a quiet moment, look again
    // (for processes and for changes to the tree) and restore what changed once more.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    end_stray_processes();
    Rollback again = roll_back_to(*repo_, snapshot_, changes_, options);
    if (again.restore.changed_anything())
      say_("warning: the tree changed again after the restore (" + std::to_string(again.restore.written.size()) +
           " written, " + std::to_string(again.restore.removed.size()) + " removed again); restored and verified");
    for (const std::string& p : again.restore.written) done.restore.written.push_back(p);
    for (const std::string& p : again.restore.removed) done.restore.removed.push_back(p);
    done.outside = std::move(again.outside);
    if (again.kept_ref) done.kept_ref = again.kept_ref;
  }
  step.emplace("objects and ref");
  give_back_objects();
  say_restored(say_, done.restore);
  outside_ = std::move(done.outside);
  kept_ref_ = std::move(done.kept_ref);
  say_outside_changes(say_, outside_, kept_ref_);
  step.emplace("state hooks");
  try {
    restore_state();
  } catch (const Error&) {
    open_ = false;  // the journal and the private copy stay for `recover`
    throw;
  }
  step.emplace("journal and private copy cleared");
  journal_.clear();
  runners::set_operation_marker(std::nullopt);
  vault_.remove();  // the saved state stays with the snapshot (`restore ID`)
  open_ = false;
  return done.restore;
}

snapshot::RestoreReport Operation::undo_gate_change() {
  if (!open_) throw Error(ErrorKind::internal, "undo_gate_change() on an operation that has ended");
  set_phase("restore");
  snapshot::RestoreOptions options = restore_options();
  end_stray_processes();
  Rollback done = roll_back_to(*repo_, snapshot_, changes_, options);
  say_outside_changes(say_, done.outside, done.kept_ref);
  entry_.pending_writes.reset();
  gate_changed_nothing_yet();
  // The next step starts from the saved state too (the saves themselves are kept for the final rollback).
  restore_state();
  return done.restore;
}

Operation::~Operation() {
  if (!open_) return;
  try {
    roll_back();
    say_("rolled back to snapshot " + snapshot_.manifest.id);
  } catch (const std::exception& e) {
    bool kept = false;
    try {
      kept = journal_.exists();
    } catch (...) {
    }
    say_(std::string("error: rollback failed: ") + e.what() +
         (kept ? "; the journal is kept: run `autofix-gate recover`"
               : "; no journal could be kept: restore the work tree with `autofix-gate restore " +
                     snapshot_.manifest.id + "`"));
  }
}

snapshot::RestoreReport restore_under_journal(const git::Repository& repo, const std::string& id,
                                              const std::string& command_line, const MessageSink& say, bool with_state) {
  RepositoryLock lock = lock_repository(repo, command_line, say);
  // A merge, rebase or index.lock belongs to another operation: a restore would tear it apart.
  // (`recover` does not ask: finishing an interrupted gate's own restore must always be possible.)
  repo.require_idle();
  snapshot::StoredSnapshot s = snapshot::SnapshotStore(repo).load(id);  // an unknown id is refused first
  Journal journal = journal_for(repo);
  JournalEntry entry{"restore", id, static_cast<int>(::getpid()), std::nullopt, now_iso(), "restore"};
  entry.snapshot_commit = git::to_hex(s.commit);
  journal.write(entry);
  snapshot::RestoreOptions options;
  options.before_writing = [&](const std::vector<std::string>& paths) {
    if (!entry.pending_writes) entry.pending_writes = PendingWrites{static_cast<int>(::getpid()), {}};
    entry.pending_writes->paths.insert(entry.pending_writes->paths.end(), paths.begin(), paths.end());
    journal.write(entry, false);
  };
  snapshot::RestoreReport report = snapshot::restore_snapshot(repo, s, options);
  // The snapshot's saved state, after the tree (its restore commands may live in the tree). Journaled first:
  // a kill or a failing restore leaves `recover` to finish it.
  const std::filesystem::path dir = state_hooks_dir(repo.state_dir(), id);
  if (std::optional<std::vector<std::string>> saved = StateHooks::saved_in(dir); saved && !saved->empty()) {
    if (with_state) {
      entry.saved_state = *saved;
      // Its processes carry the marker from their start: a kill before their process group is journaled
      // (below) still leaves `recover` a way to end them, before a late restore writes over its own.
      entry.process_marker = new_process_marker();
      journal.write(entry);
      runners::set_operation_marker(entry.process_marker);
      struct MarkerReset {
        ~MarkerReset() { runners::set_operation_marker(std::nullopt); }
      } marker_reset;
      StateHookEvents events;
      events.say = say;
      events.process_group = [&](std::optional<int> group) {  // `recover` ends a restore a kill left running
        entry.process_group = group;
        journal.write(entry, false);
      };
      StateHooks::load(repo.workdir(), dir).restore(*saved, events);
    } else {
      say("[state] --no-state: the state saved with snapshot " + id + " was not restored (" +
          std::to_string(saved->size()) + " hook(s))");
    }
  } else if (!saved && std::filesystem::exists(dir)) {
    say("warning: the state saved with snapshot " + id + " is incomplete (its saves were stopped): the tree only was restored");
  }
  journal.clear();
  Vault::of(repo).remove();  // the journal's mirror was its only content
  return report;
}

std::filesystem::path interrupted_build_marker(const git::Repository& repo) {
  return repo.state_dir() / "build-interrupted";
}

Recovery recover(const git::Repository& repo, const std::string& command_line, const MessageSink& say) {
  std::string takeover;
  RepositoryLock lock = RepositoryLock::acquire(repo.state_dir(), command_line, &takeover);
  if (!takeover.empty()) say(takeover);
  Vault vault = Vault::of(repo);
  Journal journal = journal_for(repo);
  Recovery result;
  result.unfinished = journal.read();
  if (!result.unfinished) {
    vault.remove();  // a copy without a journal belongs to no operation
    return result;
  }
  JournalEntry e = *result.unfinished;
  if (e.process_group) result.ended_processes = end_process_group(*e.process_group, say);
  if (e.process_marker) {
    // Daemons that left the process group (setsid, double fork) still carry the operation's marker.
    std::vector<runners::ProcessInfo> ended = runners::end_stray_processes(runners::StraySearch{false, e.process_marker});
    if (!ended.empty()) {
      say("ended " + std::to_string(ended.size()) + " process(es) the interrupted gate started: " +
          runners::describe_processes(ended));
      result.ended_processes = true;
    }
  }
  remove_stale_git_locks(repo, e, say);
  if (e.phase == "configure" || e.phase == "baseline" || e.phase == "build") {
    write_file_atomically(interrupted_build_marker(repo), e.started + "\n");
    say("the interrupted gate was building: its next build starts clean");
  }
  if (e.pending_writes) {
    result.temporaries_removed = snapshot::remove_temporaries(repo, e.pending_writes->pid, e.pending_writes->paths);
    say_each(say, "removed temporary files of the interrupted restore: ", result.temporaries_removed);
  }
  // The dead gate's own atomic writes into .git (index, config, packed-refs, ... as "<file>.tmp-<pid>-<n>")
  // that a kill stopped before the rename (found by the kill sweep: .git/index.tmp-PID-N).
  std::vector<std::string> in_git = remove_git_dir_temporaries(repo, e.pid);
  say_each(say, "removed temporary files the interrupted gate left in .git: ", in_git);
  result.temporaries_removed.insert(result.temporaries_removed.end(), in_git.begin(), in_git.end());
  if (e.snapshot) {
    say("restoring snapshot " + *e.snapshot + " of the interrupted '" + e.operation + "' (phase '" + e.phase + "')");
    if (vault.attach(repo)) say("reading what .git lacks from the private copy '" + vault.dir()->string() + "'");
    snapshot::SnapshotStore store(repo);
    // The journal names the snapshot's commit: a fixer may have deleted or moved the snapshot's ref.
    snapshot::StoredSnapshot s =
        e.snapshot_commit ? store.load_commit(*e.snapshot, git::from_hex(*e.snapshot_commit)) : store.load(*e.snapshot);
    snapshot::RestoreOptions options;
    options.git_metadata = e.operation != "restore";  // a plain restore leaves .git's files and refs alone
    options.leave_ref = leaving(e.kept_refs);
    options.before_writing = [&](const std::vector<std::string>& paths) {
      JournalEntry now = e;
      if (!now.pending_writes || now.pending_writes->pid != ::getpid())
        now.pending_writes = PendingWrites{static_cast<int>(::getpid()), {}};
      now.pending_writes->paths.insert(now.pending_writes->paths.end(), paths.begin(), paths.end());
      journal.write(now, false);
      e = now;
    };
    Rollback done = roll_back_to(repo, s, gate_changes_of(e), options);
    result.restore = std::move(done.restore);
    result.outside = std::move(done.outside);
    result.kept_ref = std::move(done.kept_ref);
    size_t written = vault.give_back(repo);
    if (written > 0) say("wrote back " + std::to_string(written) + " object(s) that had been deleted from .git/objects");
    if (store.ensure_ref(s.manifest.id, s.commit))
      say("put back " + snapshot::SnapshotStore::ref_name(s.manifest.id) + ", which had been deleted or moved");
    say_restored(say, *result.restore);
    say_outside_changes(say, result.outside, result.kept_ref);
  }
  if (e.snapshot) {
    // The external state, after the tree (its restore commands may live in the tree), as saved then.
    const std::filesystem::path dir = state_hooks_dir(repo.state_dir(), *e.snapshot);
    if (!e.saved_state.empty()) {
      StateHookEvents events;
      events.say = say;
      StateHooks::load(repo.workdir(), dir).restore(e.saved_state, events);  // throws: the journal is kept
      result.state_restored.assign(e.saved_state.rbegin(), e.saved_state.rend());
    }
    // A complete save stays with the snapshot (`restore ID`); one a kill stopped is of no use.
    bool complete = true;
    try {
      complete = StateHooks::saved_in(dir).has_value();
    } catch (const Error& damaged) {
      say(std::string("warning: ") + damaged.what());  // kept: `restore ID` says the same, `snapshots drop` removes it
    }
    if (!complete) StateHooks(repo.workdir(), dir, {}).remove(say);
  }
  journal.clear();
  vault.remove();
  return result;
}

}  // namespace autofix
