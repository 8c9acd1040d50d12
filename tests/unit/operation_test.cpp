// SPDX-License-Identifier: MIT
#include "gate/state/operation.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include <gtest/gtest.h>

#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/snapshot/vault.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using autofix::testing::describe_difference;
using autofix::testing::fingerprint;
using autofix::testing::git;
using autofix::testing::init_repo;
using autofix::testing::run;
using autofix::testing::TempDir;
using autofix::testing::TreeFingerprint;
using autofix::testing::write_file;

class OperationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_repo(repo_);
    write_file(repo_ / "untracked.txt", "u\n");
    write_file(repo_ / "README.md", "modified before the operation\n");
  }

  MessageSink sink() {
    return [this](const std::string& m) { messages_.push_back(m); };
  }
  Journal journal() { return Journal(repo_ / ".git" / "autofix"); }
  fs::path state_dir() const { return repo_ / ".git" / "autofix"; }

  // What a fixer might do to the tree.
  void mutate() {
    write_file(repo_ / "README.md", "changed by the fix\n");
    fs::remove(repo_ / "untracked.txt");
    write_file(repo_ / "new" / "file.txt", "added by the fix\n");
    git(repo_, {"add", "-A"});
  }

  void expect_same_tree(const TreeFingerprint& expected) {
    TreeFingerprint now = fingerprint(repo_);
    EXPECT_EQ(now, expected) << describe_difference(expected, now);
  }

  TempDir dir_;
  fs::path repo_ = dir_ / "work tree";
  std::vector<std::string> messages_;
};

TEST_F(OperationTest, BeginTakesASnapshotAndJournalsIt) {
  git::Repository repo = git::Repository::open(repo_);
  Operation op = Operation::begin(repo, "attempt", "before fix 1", "autofix-gate attempt --fix x", sink());
  const std::string& id = op.snapshot().manifest.id;
  EXPECT_EQ(op.snapshot().manifest.message, "before fix 1");
  std::optional<JournalEntry> e = journal().read();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->operation, "attempt");
  EXPECT_EQ(e->snapshot, id);
  EXPECT_EQ(e->pid, ::getpid());
  EXPECT_EQ(e->process_group, std::nullopt);
  EXPECT_EQ(e->phase, "started");
  EXPECT_NO_THROW(parse_iso8601_utc(e->started));
  EXPECT_EQ(run({"git", "rev-parse", "-q", "--verify", "refs/autofix/snapshots/" + id}, repo_).exit_code, 0);
  std::optional<LockHolder> holder = RepositoryLock::holder(state_dir());
  ASSERT_TRUE(holder);
  EXPECT_EQ(holder->pid, ::getpid());
  EXPECT_EQ(holder->command, "autofix-gate attempt --fix x");
  op.finish();
}

TEST_F(OperationTest, PhaseAndProcessGroupAreJournaled) {
  git::Repository repo = git::Repository::open(repo_);
  Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
  op.set_phase("tier 1: build");
  op.set_process_group(4242);
  std::optional<JournalEntry> e = journal().read();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->phase, "tier 1: build");
  EXPECT_EQ(e->process_group, 4242);
  EXPECT_EQ(e->snapshot, op.snapshot().manifest.id);
  op.set_process_group(std::nullopt);
  EXPECT_EQ(journal().read()->process_group, std::nullopt);
  op.finish();
}

// A runner that throws after its process group started must not leave the group in the journal: `recover`
// would later signal a group the system may have given to someone else.
TEST_F(OperationTest, ProcessGroupRecordIsClearedWhenTheRunnerThrows) {
  git::Repository repo = git::Repository::open(repo_);
  Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
  try {
    ProcessGroupRecord group(&op);
    group.on_started()(5151);
    EXPECT_EQ(journal().read()->process_group, 5151);
    throw std::runtime_error("the runner failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(journal().read()->process_group, std::nullopt);
  {
    ProcessGroupRecord group(&op);
    group.on_started()(6161);
    group.clear();
    EXPECT_EQ(journal().read()->process_group, std::nullopt);
    EXPECT_FALSE(group.on_started());  // after clear() nothing is recorded any more
  }
  ProcessGroupRecord none(nullptr);
  EXPECT_FALSE(none.on_started());
  op.finish();
}

TEST_F(OperationTest, ExceptionWhileAliveRollsBackAndClearsTheJournal) {
  TreeFingerprint before = fingerprint(repo_);
  std::string id;
  git::Repository repo = git::Repository::open(repo_);
  try {
    Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
    id = op.snapshot().manifest.id;
    mutate();
    throw std::runtime_error("the fixer crashed");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "the fixer crashed");
  }
  expect_same_tree(before);
  EXPECT_EQ(journal().read(), std::nullopt);
  EXPECT_FALSE(fs::exists(state_dir() / "journal.json"));
  EXPECT_EQ(RepositoryLock::holder(state_dir()), std::nullopt);
  EXPECT_EQ(messages_, std::vector<std::string>{"rolled back to snapshot " + id});
}

TEST_F(OperationTest, RollbackLeavesExcludedDirectoriesAlone) {
  write_file(repo_ / "build" / "old.o", "old\n");
  git::Repository repo = git::Repository::open(repo_);
  {
    Operation op = Operation::begin(repo, "attempt", "", "cmd", sink(), {"build"});
    EXPECT_EQ(op.snapshot().manifest.excluded, std::vector<std::string>{"build"});
    write_file(repo_ / "build" / "old.o", "rebuilt\n");
    write_file(repo_ / "build" / "new.o", "new\n");
    write_file(repo_ / "README.md", "changed by the fix\n");
  }
  EXPECT_EQ(autofix::testing::read_file(repo_ / "build" / "old.o"), "rebuilt\n");
  EXPECT_EQ(autofix::testing::read_file(repo_ / "build" / "new.o"), "new\n");
  EXPECT_EQ(autofix::testing::read_file(repo_ / "README.md"), "modified before the operation\n");
}

TEST_F(OperationTest, FinishKeepsTheChangesAndClearsTheJournal) {
  git::Repository repo = git::Repository::open(repo_);
  {
    Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
    mutate();
    op.finish();
    EXPECT_EQ(journal().read(), std::nullopt);
    op.finish();  // a second finish is harmless
  }
  EXPECT_EQ(autofix::testing::read_file(repo_ / "README.md"), "changed by the fix\n");
  EXPECT_TRUE(fs::exists(repo_ / "new" / "file.txt"));
  EXPECT_FALSE(fs::exists(repo_ / "untracked.txt"));
  EXPECT_EQ(RepositoryLock::holder(state_dir()), std::nullopt);
  EXPECT_TRUE(messages_.empty());
}

TEST_F(OperationTest, ExplicitRollBackRestoresOnceAndThenTheOperationIsOver) {
  TreeFingerprint before = fingerprint(repo_);
  git::Repository repo = git::Repository::open(repo_);
  {
    Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
    mutate();
    snapshot::RestoreReport report = op.roll_back();
    EXPECT_TRUE(report.changed_anything());
    EXPECT_TRUE(report.index_rewritten);
    expect_same_tree(before);
    EXPECT_EQ(journal().read(), std::nullopt);
    write_file(repo_ / "after rollback.txt", "the destructor must not roll back again\n");
    try {
      op.roll_back();
      ADD_FAILURE() << "rolled back twice";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::internal);
    }
  }
  EXPECT_TRUE(fs::exists(repo_ / "after rollback.txt"));
  EXPECT_TRUE(messages_.empty());
}

TEST_F(OperationTest, MovedOperationRollsBackOnlyOnce) {
  TreeFingerprint before = fingerprint(repo_);
  git::Repository repo = git::Repository::open(repo_);
  {
    Operation first = Operation::begin(repo, "attempt", "", "cmd", sink());
    Operation second(std::move(first));
    mutate();
  }
  expect_same_tree(before);
  EXPECT_EQ(messages_.size(), 1u);
}

TEST_F(OperationTest, LockRepositoryRefusesWhileAJournalExists) {
  fs::create_directories(state_dir());
  journal().write(JournalEntry{"attempt", "20261122T041940Z-abc123", 31337, std::nullopt, "2026-11-22T04:19:40Z",
                               "tier 2"});
  git::Repository repo = git::Repository::open(repo_);
  try {
    lock_repository(repo, "autofix-gate snapshot", sink());
    FAIL() << "locked despite an unfinished operation";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::busy);
    EXPECT_EQ(std::string(e.what()),
              "an interrupted 'attempt' (pid 31337, started 2026-11-22T04:19:40Z, in phase 'tier 2') left this work "
              "tree unfinished");
    EXPECT_EQ(e.hint(), "run `autofix-gate recover` to restore it from snapshot 20261122T041940Z-abc123 before "
                        "anything else");
  }
  EXPECT_EQ(RepositoryLock::holder(state_dir()), std::nullopt);  // the refused lock was let go
}

TEST_F(OperationTest, BeginRefusesWhileAJournalExistsAndLeavesItAlone) {
  fs::create_directories(state_dir());
  JournalEntry left{"restore", std::nullopt, 31337, std::nullopt, "2026-11-22T04:19:40Z", "restore"};
  journal().write(left);
  std::string journal_text = autofix::testing::read_file(state_dir() / "journal.json");
  git::Repository repo = git::Repository::open(repo_);
  try {
    Operation::begin(repo, "attempt", "", "cmd", sink());
    FAIL() << "began despite an unfinished operation";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::busy);
    EXPECT_NE(e.hint().find("`autofix-gate recover`"), std::string::npos);
  }
  EXPECT_EQ(autofix::testing::read_file(state_dir() / "journal.json"), journal_text);
  EXPECT_EQ(git(repo_, {"for-each-ref", "refs/autofix/"}), "");  // no snapshot was taken
}

TEST_F(OperationTest, BeginRefusesWhileAnotherGateHoldsTheLock) {
  git::Repository repo = git::Repository::open(repo_);
  RepositoryLock other = RepositoryLock::acquire(repo.state_dir(), "the other gate");
  try {
    Operation::begin(repo, "attempt", "", "cmd", sink());
    FAIL() << "began while another gate held the lock";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::busy);
    EXPECT_NE(std::string(e.what()).find("the other gate"), std::string::npos);
  }
  EXPECT_EQ(journal().read(), std::nullopt);
}

TEST_F(OperationTest, BeginRefusesDuringAMergeWithoutLeavingAJournalOrLock) {
  git(repo_, {"checkout", "-q", "-b", "other"});
  write_file(repo_ / "README.md", "other\n");
  git(repo_, {"commit", "-q", "-am", "other"});
  git(repo_, {"checkout", "-q", "main"});
  write_file(repo_ / "README.md", "main\n");
  git(repo_, {"commit", "-q", "-am", "main"});
  ASSERT_NE(run({"git", "merge", "-q", "other"}, repo_).exit_code, 0);
  git::Repository repo = git::Repository::open(repo_);
  try {
    Operation::begin(repo, "attempt", "", "cmd", sink());
    FAIL() << "began during a merge";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::repository_state);
  }
  EXPECT_EQ(journal().read(), std::nullopt);
  EXPECT_EQ(RepositoryLock::holder(state_dir()), std::nullopt);
}

TEST_F(OperationTest, RestoreUnderJournalRestoresAndClearsTheJournal) {
  TreeFingerprint before = fingerprint(repo_);
  git::Repository repo = git::Repository::open(repo_);
  std::string id = snapshot::SnapshotStore(repo).create("").manifest.id;
  mutate();
  snapshot::RestoreReport report = restore_under_journal(repo, id, "autofix-gate restore " + id, sink());
  EXPECT_TRUE(report.changed_anything());
  expect_same_tree(before);
  EXPECT_EQ(journal().read(), std::nullopt);
  EXPECT_EQ(RepositoryLock::holder(state_dir()), std::nullopt);
}

TEST_F(OperationTest, RestoreUnderJournalRefusesAnUnknownIdBeforeWritingTheJournal) {
  git::Repository repo = git::Repository::open(repo_);
  try {
    restore_under_journal(repo, "20990101T000000Z-000000", "cmd", sink());
    FAIL() << "restored an unknown snapshot";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
  }
  EXPECT_EQ(journal().read(), std::nullopt);
}

TEST_F(OperationTest, LockRepositoryReportsTheTakeoverOfAStaleLock) {
  fs::create_directories(state_dir());
  write_file(state_dir() / "lock", R"({"pid": 999999, "started": "2026-01-01T00:00:00Z", "command": "old gate"})");
  git::Repository repo = git::Repository::open(repo_);
  RepositoryLock lock = lock_repository(repo, "new gate", sink());
  EXPECT_EQ(messages_, std::vector<std::string>{"took over the lock left by pid 999999, started "
                                                "2026-01-01T00:00:00Z, running `old gate`, which is no longer running"});
}

// Removes the loose object of `content` from the object store, so that reading it back fails.
void lose_object(const fs::path& repo, const std::string& content) {
  git::Library lib;
  git_oid oid;
  ASSERT_EQ(git_odb_hash(&oid, content.data(), content.size(), GIT_OBJECT_BLOB), 0);
  std::string hex = git::to_hex(oid);
  ASSERT_TRUE(fs::remove(repo / ".git" / "objects" / hex.substr(0, 2) / hex.substr(2))) << hex;
}

TEST_F(OperationTest, FailedRestoreUnderJournalKeepsTheJournalForRecover) {
  write_file(repo_ / "precious.txt", "content only the snapshot has 91c4\n");
  git::Repository repo = git::Repository::open(repo_);
  std::string id = snapshot::SnapshotStore(repo).create("").manifest.id;
  fs::remove(repo_ / "precious.txt");
  lose_object(repo_, "content only the snapshot has 91c4\n");
  EXPECT_THROW(restore_under_journal(repo, id, "cmd", sink()), Error);
  std::optional<JournalEntry> e = journal().read();
  ASSERT_TRUE(e) << "a restore that failed half way must leave its journal for `recover`";
  EXPECT_EQ(e->operation, "restore");
  EXPECT_EQ(e->snapshot, id);
}

TEST_F(OperationTest, FailedRollbackInTheDestructorKeepsTheJournalAndSaysSo) {
  write_file(repo_ / "precious.txt", "content only the snapshot has 5be2\n");
  git::Repository repo = git::Repository::open(repo_);
  std::string id;
  {
    Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
    id = op.snapshot().manifest.id;
    fs::remove(repo_ / "precious.txt");
    lose_object(repo_, "content only the snapshot has 5be2\n");
    fs::remove_all(*Vault::of(repo).objects_dir());  // and the private copy is damaged too
  }
  ASSERT_EQ(messages_.size(), 1u);
  EXPECT_EQ(messages_[0].rfind("error: rollback failed: ", 0), 0u) << messages_[0];
  EXPECT_NE(messages_[0].find("the journal is kept: run `autofix-gate recover`"), std::string::npos) << messages_[0];
  std::optional<JournalEntry> e = journal().read();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->snapshot, id);
  EXPECT_EQ(e->phase, "rollback");
  EXPECT_EQ(RepositoryLock::holder(state_dir()), std::nullopt);  // the lock goes, the journal stays
}

TEST_F(OperationTest, RecoverWithNothingToRecover) {
  git::Repository repo = git::Repository::open(repo_);
  Recovery r = recover(repo, "autofix-gate recover", sink());
  EXPECT_FALSE(r.unfinished);
  EXPECT_FALSE(r.restore);
  EXPECT_FALSE(r.ended_processes);
}

TEST_F(OperationTest, RecoverRestoresTheJournaledSnapshot) {
  TreeFingerprint before = fingerprint(repo_);
  git::Repository repo = git::Repository::open(repo_);
  std::string id = snapshot::SnapshotStore(repo).create("").manifest.id;
  // What a gate killed with SIGKILL in the middle of an attempt leaves behind.
  journal().write(JournalEntry{"attempt", id, 999999, std::nullopt, "2026-11-22T04:19:40Z", "tier 1"});
  mutate();
  Recovery r = recover(repo, "autofix-gate recover", sink());
  ASSERT_TRUE(r.unfinished);
  EXPECT_EQ(r.unfinished->operation, "attempt");
  ASSERT_TRUE(r.restore);
  EXPECT_TRUE(r.restore->changed_anything());
  EXPECT_FALSE(r.ended_processes);
  expect_same_tree(before);
  EXPECT_EQ(journal().read(), std::nullopt);
  EXPECT_EQ(messages_, std::vector<std::string>{"restoring snapshot " + id + " of the interrupted 'attempt' (phase 'tier 1')"});
}

// A gate killed between writing .git/index.tmp-<pid>-<n> and renaming it (found by the kill sweep): recover
// removes its temporaries in .git, and only those of the dead gate's pid.
TEST_F(OperationTest, RecoverRemovesTheDeadGatesTemporariesInGitDir) {
  git::Repository repo = git::Repository::open(repo_);
  std::string id = snapshot::SnapshotStore(repo).create("").manifest.id;
  journal().write(JournalEntry{"attempt", id, 999999, std::nullopt, "2026-11-22T04:19:40Z", "rollback"});
  write_file(repo_ / ".git" / "index.tmp-999999-7634197", "half an index");
  write_file(repo_ / ".git" / "info" / "exclude.tmp-999999-12", "half a file");
  write_file(repo_ / ".git" / "index.tmp-123-1", "someone else's");
  Recovery r = recover(repo, "autofix-gate recover", sink());
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "index.tmp-999999-7634197"));
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "info" / "exclude.tmp-999999-12"));
  EXPECT_TRUE(fs::exists(repo_ / ".git" / "index.tmp-123-1"));
  EXPECT_EQ(r.temporaries_removed,
            (std::vector<std::string>{".git/index.tmp-999999-7634197", ".git/info/exclude.tmp-999999-12"}));
}

TEST_F(OperationTest, RecoverOfAnOperationWithoutSnapshotOnlyClearsTheJournal) {
  fs::create_directories(state_dir());
  journal().write(JournalEntry{"attempt", std::nullopt, 999999, std::nullopt, "t", "snapshot"});
  mutate();
  git::Repository repo = git::Repository::open(repo_);
  Recovery r = recover(repo, "cmd", sink());
  ASSERT_TRUE(r.unfinished);
  EXPECT_FALSE(r.restore);
  EXPECT_EQ(journal().read(), std::nullopt);
  EXPECT_EQ(autofix::testing::read_file(repo_ / "README.md"), "changed by the fix\n");
}

// Starts `sleep 300` in a process group of its own whose leader has exited, as the fixer of a killed
// gate would be: an orphan reparented away from this process, so it is reaped as soon as it dies.
pid_t start_orphaned_group() {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  pid_t leader = ::fork();
  if (leader == 0) {
    ::setpgid(0, 0);
    pid_t sleeper = ::fork();
    if (sleeper == 0) {
      ::execlp("sleep", "sleep", "300", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    if (::write(fds[1], &sleeper, sizeof sleeper) != sizeof sleeper) ::_exit(1);
    ::_exit(0);
  }
  pid_t sleeper = -1;
  if (::read(fds[0], &sleeper, sizeof sleeper) != sizeof sleeper) sleeper = -1;
  ::waitpid(leader, nullptr, 0);
  ::close(fds[0]);
  ::close(fds[1]);
  return leader;  // the process group id
}

TEST_F(OperationTest, RecoverEndsTheRecordedProcessGroupFirst) {
  git::Repository repo = git::Repository::open(repo_);
  std::string id = snapshot::SnapshotStore(repo).create("").manifest.id;
  pid_t pgid = start_orphaned_group();
  ASSERT_GT(pgid, 1);
  ASSERT_EQ(::kill(-pgid, 0), 0);
  journal().write(JournalEntry{"attempt", id, 999999, pgid, "t", "tier 1"});
  Recovery r = recover(repo, "cmd", sink());
  bool gone = ::kill(-pgid, 0) != 0 && errno == ESRCH;
  if (!gone) ::kill(-pgid, SIGKILL);
  EXPECT_TRUE(r.ended_processes);
  EXPECT_TRUE(gone) << "process group " << pgid << " still alive after recover";
  ASSERT_FALSE(messages_.empty());
  EXPECT_EQ(messages_.front(), "ending process group " + std::to_string(pgid) + " left by the interrupted gate");
}

// ---- a fixer that damages .git (issue #17, items 2 and 3) ----

std::vector<std::string> private_copies() {
  std::vector<std::string> out;
  fs::path root = *Vault::state_home();
  if (fs::exists(root))
    for (const auto& e : fs::directory_iterator(root)) out.push_back(e.path().string());
  return out;
}

TEST_F(OperationTest, BeginKeepsAPrivateCopyAndTheJournalsMirrorUntilTheEnd) {
  TempDir state;
  std::string old_state = std::getenv("XDG_STATE_HOME");
  ::setenv("XDG_STATE_HOME", state.path().c_str(), 1);
  git::Repository repo = git::Repository::open(repo_);
  {
    Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
    Vault v = Vault::of(repo);
    ASSERT_TRUE(fs::exists(*v.journal_path()));
    EXPECT_EQ(autofix::testing::read_file(*v.journal_path()), autofix::testing::read_file(journal().path()));
    EXPECT_EQ(journal().read()->snapshot_commit, git::to_hex(op.snapshot().commit));
    EXPECT_TRUE(fs::is_directory(*v.objects_dir()));
    op.finish();
  }
  EXPECT_EQ(private_copies(), std::vector<std::string>{});
  ::setenv("XDG_STATE_HOME", old_state.c_str(), 1);
}

TEST_F(OperationTest, BeginWithoutAPlaceForThePrivateCopyChangesNothing) {
  std::string state = std::getenv("XDG_STATE_HOME");
  std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  ::unsetenv("XDG_STATE_HOME");
  ::unsetenv("HOME");
  TreeFingerprint before = fingerprint(repo_);
  git::Repository repo = git::Repository::open(repo_);
  EXPECT_THROW(Operation::begin(repo, "attempt", "", "cmd", sink()), Error);
  ::setenv("XDG_STATE_HOME", state.c_str(), 1);
  ::setenv("HOME", home.c_str(), 1);
  expect_same_tree(before);
  EXPECT_EQ(journal().read(), std::nullopt);
  EXPECT_EQ(autofix::testing::git(repo_, {"for-each-ref", "refs/autofix/"}), "");
}

TEST_F(OperationTest, RollbackAfterTheStateDirectoryWasDeletedIsVerifiedAndLeavesNothing) {
  TreeFingerprint before = fingerprint(repo_);
  git::Repository repo = git::Repository::open(repo_);
  Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
  mutate();
  fs::remove_all(state_dir());
  snapshot::RestoreReport r = op.roll_back();
  EXPECT_TRUE(r.changed_anything());
  expect_same_tree(before);
  EXPECT_FALSE(journal().exists());
  EXPECT_EQ(messages_.front(), "warning: the lock file '" + (state_dir() / "lock").string() +
                                   "' was deleted while this gate held it: created and locked again");
}

TEST_F(OperationTest, RollbackAfterTheSnapshotWasPrunedReadsThePrivateCopyAndWritesItBack) {
  TreeFingerprint before = fingerprint(repo_);
  git::Repository repo = git::Repository::open(repo_);
  Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
  std::string id = op.snapshot().manifest.id;
  mutate();
  git(repo_, {"update-ref", "-d", "refs/autofix/snapshots/" + id});
  git(repo_, {"reflog", "expire", "--expire=now", "--all"});
  git(repo_, {"gc", "-q", "--prune=now"});
  op.roll_back();
  expect_same_tree(before);
  EXPECT_EQ(git(repo_, {"for-each-ref", "--format=%(refname)", "refs/autofix/snapshots/"}),
            "refs/autofix/snapshots/" + id + "\n");
  EXPECT_EQ(run({"git", "fsck", "--no-dangling", "--no-progress"}, repo_).exit_code, 0);
  ASSERT_GE(messages_.size(), 2u);
  EXPECT_EQ(messages_[0].rfind("wrote back ", 0), 0u) << messages_[0];
  EXPECT_EQ(messages_[1], "put back refs/autofix/snapshots/" + id + ", which had been deleted or moved");
}

// A gate killed (no destructor runs) after its fixer deleted .git/autofix: `recover` reads the journal's
// mirror and the private copy.
TEST_F(OperationTest, RecoverAfterTheStateDirectoryAndTheSnapshotRefWereDeleted) {
  TreeFingerprint before = fingerprint(repo_);
  pid_t child = ::fork();
  if (child == 0) {
    git::Repository repo = git::Repository::open(repo_);
    Operation op = Operation::begin(repo, "attempt", "", "cmd", [](const std::string&) {});
    mutate();
    fs::remove_all(state_dir());
    git(repo_, {"for-each-ref", "--format=%(refname)", "refs/autofix/"});
    run({"sh", "-c", "git for-each-ref --format='%(refname)' refs/autofix | xargs -n1 git update-ref -d"}, repo_);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_EQ(git(repo_, {"for-each-ref", "refs/autofix/"}), "");
  ASSERT_FALSE(fs::exists(state_dir() / "journal.json"));
  git::Repository repo = git::Repository::open(repo_);
  Recovery r = recover(repo, "autofix-gate recover", sink());
  ASSERT_TRUE(r.unfinished);
  ASSERT_TRUE(r.restore);
  expect_same_tree(before);
  EXPECT_FALSE(journal().exists());
  EXPECT_EQ(git(repo_, {"for-each-ref", "--format=%(refname)", "refs/autofix/snapshots/"}),
            "refs/autofix/snapshots/" + *r.unfinished->snapshot + "\n");
}

TEST_F(OperationTest, TheBranchOfAnAcceptedFixSurvivesTheRollbackAndOtherNewBranchesDoNot) {
  git::Repository repo = git::Repository::open(repo_);
  Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
  op.keep_ref("refs/heads/autofix/" + op.snapshot().manifest.id);
  EXPECT_EQ(journal().read()->kept_refs, std::vector<std::string>{"refs/heads/autofix/" + op.snapshot().manifest.id});
  git(repo_, {"branch", "autofix/" + op.snapshot().manifest.id});
  git(repo_, {"branch", "planted"});
  snapshot::RestoreReport r = op.roll_back();
  EXPECT_EQ(git(repo_, {"branch", "--list", "--format=%(refname)"}),
            "refs/heads/autofix/" + op.snapshot().manifest.id + "\nrefs/heads/main\n");
  ASSERT_EQ(r.git_metadata.size(), 1u);
  EXPECT_EQ(r.git_metadata[0].rfind("refs/heads/planted (created during the operation, at ", 0), 0u);
}

TEST_F(OperationTest, RestoringGitMetadataAfterAFixerLeavesHeadItsBranchAndTheIndex) {
  git::Repository repo = git::Repository::open(repo_);
  Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
  std::string config = autofix::testing::read_file(repo_ / ".git" / "config");
  git(repo_, {"config", "core.hooksPath", "/planted"});
  git(repo_, {"commit", "-q", "--allow-empty", "-m", "the fixer's commit"});
  std::string moved = git(repo_, {"rev-parse", "HEAD"});
  git(repo_, {"tag", "planted-tag"});
  std::vector<std::string> said = op.restore_git_metadata();
  ASSERT_EQ(said.size(), 2u);
  EXPECT_EQ(said[0], ".git/config (changed during the operation: restored)");
  EXPECT_EQ(said[1].rfind("refs/tags/planted-tag (created during the operation, at ", 0), 0u) << said[1];
  EXPECT_EQ(autofix::testing::read_file(repo_ / ".git" / "config"), config);
  EXPECT_EQ(git(repo_, {"rev-parse", "HEAD"}), moved);
  EXPECT_EQ(messages_.back().rfind("the fix changed .git (never part of a fix): restored .git/config", 0), 0u);
  op.roll_back();
  EXPECT_NE(git(repo_, {"rev-parse", "HEAD"}), moved);
}

TEST_F(OperationTest, FinishPutsBackGitFilesButKeepsTheTree) {
  git::Repository repo = git::Repository::open(repo_);
  Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
  std::string config = autofix::testing::read_file(repo_ / ".git" / "config");
  mutate();
  git(repo_, {"config", "core.fsmonitor", "/planted"});
  op.finish();
  EXPECT_EQ(autofix::testing::read_file(repo_ / ".git" / "config"), config);
  EXPECT_EQ(autofix::testing::read_file(repo_ / "README.md"), "changed by the fix\n");
  EXPECT_FALSE(fs::exists(*Vault::of(repo).dir()));
}

TEST_F(OperationTest, FailedRollbackWithoutAnyJournalSaysHowToRestore) {
  write_file(repo_ / "precious.txt", "content only the snapshot has 0d17\n");
  git::Repository repo = git::Repository::open(repo_);
  std::string id;
  {
    Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
    id = op.snapshot().manifest.id;
    fs::remove(repo_ / "precious.txt");
    lose_object(repo_, "content only the snapshot has 0d17\n");
    Vault v = Vault::of(repo);
    fs::remove_all(*v.dir());
    write_file(*v.dir(), "a file where the private copy was\n");
    fs::remove_all(state_dir());
    write_file(state_dir(), "a file where the state directory was\n");
  }
  ASSERT_FALSE(messages_.empty());
  EXPECT_EQ(messages_.back().rfind("error: rollback failed: ", 0), 0u) << messages_.back();
  EXPECT_NE(messages_.back().find("; no journal could be kept: restore the work tree with `autofix-gate restore " + id + "`"),
            std::string::npos)
      << messages_.back();
  fs::remove(*Vault::of(repo).dir());
}

// ---- what the gate changed, and what others changed meanwhile (gate/snapshot/outside_changes.h) ----------------

TEST_F(OperationTest, JournalRecordsTheProcessMarkerAndWhatTheGateChanged) {
  git::Repository repo = git::Repository::open(repo_);
  Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
  std::optional<JournalEntry> e = journal().read();
  ASSERT_TRUE(e);
  ASSERT_TRUE(e->process_marker);
  EXPECT_EQ(runners::operation_marker(), e->process_marker);  // every child started now carries it
  EXPECT_EQ(e->gate_changes, "unknown");
  op.gate_changed_nothing_yet();
  EXPECT_EQ(journal().read()->gate_changes, "none");
  op.gate_change_starting();
  EXPECT_EQ(journal().read()->gate_changes, "unknown");
  git_oid before = op.snapshot().manifest.worktree_tree;
  mutate();
  git_oid after = worktree_tree_now(repo, {});
  op.gate_changed(before, after);
  e = journal().read();
  EXPECT_EQ(e->gate_changes, "known");
  EXPECT_EQ(e->changes_before, git::to_hex(before));
  EXPECT_EQ(e->changes_after, git::to_hex(after));
  op.roll_back();
  EXPECT_EQ(runners::operation_marker(), std::nullopt);
}

TEST_F(OperationTest, RollBackKeepsWhatOthersChangedAndSaysSo) {
  git::Repository repo = git::Repository::open(repo_);
  Operation op = Operation::begin(repo, "attempt", "", "cmd", sink());
  op.gate_changed_nothing_yet();
  write_file(repo_ / "notes.txt", "the user's notes\n");
  op.roll_back();
  EXPECT_EQ(testing::read_file(repo_ / "notes.txt"), "the user's notes\n");
  ASSERT_EQ(op.outside_changes().size(), 1u);
  EXPECT_EQ(op.outside_changes().front().path, "notes.txt");
  EXPECT_EQ(op.outside_changes().front().action, OutsideChange::Action::kept);
  ASSERT_FALSE(messages_.empty());
  EXPECT_EQ(messages_.back(),
            "warning: 1 path(s) changed during the operation by someone other than the fix were kept as they are: "
            "'notes.txt' (added)");
}

TEST_F(OperationTest, RecoverUndoesTheJournaledFixAndKeepsWhatOthersChanged) {
  git::Repository repo = git::Repository::open(repo_);
  snapshot::StoredSnapshot snap = snapshot::SnapshotStore(repo).create("");
  git_oid before = snap.manifest.worktree_tree;
  write_file(repo_ / "README.md", "changed by the fix\n");
  git_oid after = worktree_tree_now(repo, {});
  write_file(repo_ / "notes.txt", "written by the user after the fix\n");
  JournalEntry e{"attempt", snap.manifest.id, 999999, std::nullopt, "2026-11-22T04:19:40Z", "test"};
  e.gate_changes = "known";
  e.changes_before = git::to_hex(before);
  e.changes_after = git::to_hex(after);
  journal().write(e);
  Recovery r = recover(repo, "autofix-gate recover", sink());
  EXPECT_EQ(testing::read_file(repo_ / "README.md"), "modified before the operation\n");
  EXPECT_EQ(testing::read_file(repo_ / "notes.txt"), "written by the user after the fix\n");
  ASSERT_EQ(r.outside.size(), 1u);
  EXPECT_EQ(r.outside.front().path, "notes.txt");
  EXPECT_EQ(journal().read(), std::nullopt);
}

TEST_F(OperationTest, RecoverOfAJournalWithoutAKnownChangeRestoresEverything) {
  TreeFingerprint before = fingerprint(repo_);
  git::Repository repo = git::Repository::open(repo_);
  std::string id = snapshot::SnapshotStore(repo).create("").manifest.id;
  JournalEntry e{"attempt", id, 999999, std::nullopt, "2026-11-22T04:19:40Z", "fix"};
  e.gate_changes = "known";  // but without its trees: not trusted
  journal().write(e);
  mutate();
  Recovery r = recover(repo, "autofix-gate recover", sink());
  EXPECT_TRUE(r.outside.empty());
  expect_same_tree(before);
}

}  // namespace
}  // namespace autofix
