#include "gate/operation.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
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
  repo.require_idle();
  Operation op(repo, std::move(lock), std::move(say));
  op.entry_ = JournalEntry{name, std::nullopt, static_cast<int>(::getpid()), std::nullopt, now_iso(), "snapshot"};
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

void Operation::finish() {
  if (!open_) return;
  journal_.clear();
  open_ = false;
}

snapshot::RestoreReport Operation::roll_back() {
  if (!open_) throw Error(ErrorKind::internal, "roll_back() on an operation that has ended");
  set_phase("rollback");
  snapshot::RestoreReport report = snapshot::restore_snapshot(*repo_, snapshot_);
  journal_.clear();
  open_ = false;
  return report;
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
  remove_stale_git_locks(repo, e, say);
  if (e.phase == "configure" || e.phase == "baseline" || e.phase == "build") {
    write_file_atomically(interrupted_build_marker(repo), e.started + "\n");
    say("the interrupted gate was building: its next build starts clean");
  }
  if (e.snapshot) {
    say("restoring snapshot " + *e.snapshot + " of the interrupted '" + e.operation + "' (phase '" + e.phase + "')");
    result.restore = restore_id(repo, *e.snapshot);
  }
  journal.clear();
  return result;
}

}  // namespace autofix
