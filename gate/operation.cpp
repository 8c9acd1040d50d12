#include "gate/operation.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <utility>

#include "gate/util/atomic_file.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"

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

snapshot::RestoreReport restore_id(const git::Repository& repo, const std::string& id) {
  return snapshot::restore_snapshot(repo, snapshot::SnapshotStore(repo).load(id));
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
  git_oid oid;
  if (!hex || git_oid_fromstr(&oid, hex->c_str()) != 0) return std::nullopt;
  return oid;
}

// The journal's record of what the gate changed; anything incomplete counts as unknown (restore all).
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
  return g;
}

void say_outside_changes(const MessageSink& say, const std::vector<OutsideChange>& outside,
                         const std::optional<std::string>& kept_ref) {
  if (std::string text = describe_outside_changes(outside, kept_ref); !text.empty()) say("warning: " + text);
}

}  // namespace

RepositoryLock lock_repository(const git::Repository& repo, const std::string& command, const MessageSink& say) {
  std::string takeover;
  RepositoryLock lock = RepositoryLock::acquire(repo.state_dir(), command, &takeover);
  if (!takeover.empty()) say(takeover);
  Journal journal(repo.state_dir());
  if (std::optional<JournalEntry> e = journal.read())
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
  Operation op(repo, std::move(lock), std::move(say));
  op.entry_ = JournalEntry{name, std::nullopt, static_cast<int>(::getpid()), std::nullopt, now_iso(), "snapshot"};
  op.entry_.process_marker = new_process_marker();
  op.journal_.write(op.entry_);
  try {
    op.snapshot_ = snapshot::SnapshotStore(repo).create(message, excluded);
  } catch (...) {
    op.journal_.clear();  // nothing was touched yet
    throw;
  }
  op.entry_.snapshot = op.snapshot_.manifest.id;
  op.entry_.phase = "started";
  op.journal_.write(op.entry_);
  runners::set_operation_marker(op.entry_.process_marker);
  op.open_ = true;
  return op;
}

Operation::Operation(Operation&& other) noexcept
    : repo_(other.repo_),
      lock_(std::move(other.lock_)),
      journal_(std::move(other.journal_)),
      say_(std::move(other.say_)),
      entry_(std::move(other.entry_)),
      snapshot_(std::move(other.snapshot_)),
      changes_(other.changes_),
      outside_(std::move(other.outside_)),
      kept_ref_(std::move(other.kept_ref_)),
      open_(std::exchange(other.open_, false)) {}

// Updates need only survive a crash of this process: after a power cut no process is left to end.
void Operation::set_phase(const std::string& phase) {
  entry_.phase = phase;
  journal_.write(entry_, false);
}

void Operation::set_process_group(std::optional<int> process_group) {
  entry_.process_group = process_group;
  journal_.write(entry_, false);
}

void Operation::gate_changed_nothing_yet() {
  changes_ = GateChanges{GateChanges::State::none, {}, {}};
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
  changes_ = GateChanges{GateChanges::State::known, before, after};
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

void Operation::finish() {
  if (!open_) return;
  end_stray_processes();  // a daemon must not go on changing the tree that is kept
  journal_.clear();
  runners::set_operation_marker(std::nullopt);
  open_ = false;
}

snapshot::RestoreReport Operation::roll_back() {
  if (!open_) throw Error(ErrorKind::internal, "roll_back() on an operation that has ended");
  set_phase("rollback");
  bool ended = !end_stray_processes().empty();
  Rollback done = roll_back_to(*repo_, snapshot_, changes_);
  if (ended) {
    // What was ended may have been writing until the moment it died: after a quiet moment, look again
    // (for processes and for changes to the tree) and restore what changed once more.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    end_stray_processes();
    Rollback again = roll_back_to(*repo_, snapshot_, changes_);
    if (again.restore.changed_anything())
      say_("warning: the tree changed again after the restore (" + std::to_string(again.restore.written.size()) +
           " written, " + std::to_string(again.restore.removed.size()) + " removed again); restored and verified");
    for (const std::string& p : again.restore.written) done.restore.written.push_back(p);
    for (const std::string& p : again.restore.removed) done.restore.removed.push_back(p);
    done.outside = std::move(again.outside);
    if (again.kept_ref) done.kept_ref = again.kept_ref;
  }
  outside_ = std::move(done.outside);
  kept_ref_ = std::move(done.kept_ref);
  say_outside_changes(say_, outside_, kept_ref_);
  journal_.clear();
  runners::set_operation_marker(std::nullopt);
  open_ = false;
  return done.restore;
}

Operation::~Operation() {
  if (!open_) return;
  try {
    roll_back();
    say_("rolled back to snapshot " + snapshot_.manifest.id);
  } catch (const std::exception& e) {
    say_(std::string("error: rollback failed: ") + e.what() + "; the journal is kept: run `autofix-gate recover`");
  }
}

snapshot::RestoreReport restore_under_journal(const git::Repository& repo, const std::string& id,
                                              const std::string& command_line, const MessageSink& say) {
  RepositoryLock lock = lock_repository(repo, command_line, say);
  // A merge, rebase or index.lock belongs to another operation: a restore would tear it apart.
  // (`recover` does not ask: finishing an interrupted gate's own restore must always be possible.)
  repo.require_idle();
  snapshot::SnapshotStore(repo).load(id);  // an unknown id is refused before the journal is written
  Journal journal(repo.state_dir());
  journal.write(JournalEntry{"restore", id, static_cast<int>(::getpid()), std::nullopt, now_iso(), "restore"});
  snapshot::RestoreReport report = restore_id(repo, id);
  journal.clear();
  return report;
}

std::filesystem::path interrupted_build_marker(const git::Repository& repo) {
  return repo.state_dir() / "build-interrupted";
}

Recovery recover(const git::Repository& repo, const std::string& command_line, const MessageSink& say) {
  std::string takeover;
  RepositoryLock lock = RepositoryLock::acquire(repo.state_dir(), command_line, &takeover);
  if (!takeover.empty()) say(takeover);
  Journal journal(repo.state_dir());
  Recovery result;
  result.unfinished = journal.read();
  if (!result.unfinished) return result;
  const JournalEntry& e = *result.unfinished;
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
  if (e.snapshot) {
    say("restoring snapshot " + *e.snapshot + " of the interrupted '" + e.operation + "' (phase '" + e.phase + "')");
    Rollback done = roll_back_to(repo, snapshot::SnapshotStore(repo).load(*e.snapshot), gate_changes_of(e));
    result.restore = std::move(done.restore);
    result.outside = std::move(done.outside);
    result.kept_ref = std::move(done.kept_ref);
    say_outside_changes(say, result.outside, result.kept_ref);
  }
  journal.clear();
  return result;
}

}  // namespace autofix
