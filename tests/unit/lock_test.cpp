// SPDX-License-Identifier: MIT
#include "gate/state/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;

TEST(RepositoryLock, NoLockFileMeansNoHolder) {
  TempDir dir;
  EXPECT_EQ(RepositoryLock::holder(dir.path()), std::nullopt);
}

TEST(RepositoryLock, AcquireRecordsThisProcessAsHolder) {
  TempDir dir;
  std::string takeover = "untouched";
  RepositoryLock lock = RepositoryLock::acquire(dir.path(), "autofix-gate snapshot -m x", &takeover);
  EXPECT_EQ(takeover, "untouched");  // nothing to take over from
  std::optional<LockHolder> h = RepositoryLock::holder(dir.path());
  ASSERT_TRUE(h);
  EXPECT_EQ(h->pid, ::getpid());
  EXPECT_EQ(h->command, "autofix-gate snapshot -m x");
  EXPECT_NO_THROW(parse_iso8601_utc(h->started));
  nlohmann::json file = nlohmann::json::parse(testing::read_file(dir / "lock"));
  EXPECT_EQ(file["pid"], ::getpid());
  EXPECT_EQ(file["command"], "autofix-gate snapshot -m x");
}

TEST(RepositoryLock, SecondAcquireInTheSameProcessIsBusyAndNamesTheHolder) {
  TempDir dir;
  RepositoryLock lock = RepositoryLock::acquire(dir.path(), "first command");
  try {
    RepositoryLock::acquire(dir.path(), "second command");
    FAIL() << "the lock was acquired twice";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::busy);
    std::string what = e.what();
    EXPECT_NE(what.find("pid " + std::to_string(::getpid())), std::string::npos) << what;
    EXPECT_NE(what.find("running `first command`"), std::string::npos) << what;
    EXPECT_NE(e.hint().find("autofix-gate status"), std::string::npos);
  }
  // The failed attempt did not disturb the holder's record.
  std::optional<LockHolder> h = RepositoryLock::holder(dir.path());
  ASSERT_TRUE(h);
  EXPECT_EQ(h->command, "first command");
}

TEST(RepositoryLock, LockHeldByAnotherProcessIsBusy) {
  TempDir dir;
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int rc = 1;
    try {
      RepositoryLock lock = RepositoryLock::acquire(dir.path(), "child gate");
      char c = 'r';
      if (::write(ready[1], &c, 1) == 1 && ::read(release[0], &c, 1) == 1) rc = 0;
    } catch (...) {
    }
    ::_exit(rc);
  }
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  try {
    RepositoryLock::acquire(dir.path(), "parent gate");
    ADD_FAILURE() << "acquired a lock another process holds";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::busy);
    EXPECT_NE(std::string(e.what()).find("pid " + std::to_string(child)), std::string::npos) << e.what();
  }
  std::optional<LockHolder> h = RepositoryLock::holder(dir.path());
  ASSERT_TRUE(h);
  EXPECT_EQ(h->pid, child);
  ASSERT_EQ(::write(release[1], "x", 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(RepositoryLock::holder(dir.path()), std::nullopt);
  EXPECT_NO_THROW(RepositoryLock::acquire(dir.path(), "parent gate"));
  for (int fd : {ready[0], ready[1], release[0], release[1]}) ::close(fd);
}

TEST(RepositoryLock, ReleaseFreesTheLockAndEmptiesTheFile) {
  TempDir dir;
  { RepositoryLock lock = RepositoryLock::acquire(dir.path(), "cmd"); }
  EXPECT_EQ(RepositoryLock::holder(dir.path()), std::nullopt);
  ASSERT_TRUE(fs::exists(dir / "lock"));  // never deleted, only emptied
  EXPECT_EQ(fs::file_size(dir / "lock"), 0u);
  std::string takeover;
  RepositoryLock again = RepositoryLock::acquire(dir.path(), "cmd 2", &takeover);
  EXPECT_EQ(takeover, "");  // a clean release leaves nothing to take over
  EXPECT_EQ(RepositoryLock::holder(dir.path())->command, "cmd 2");
}

TEST(RepositoryLock, StaleLockFileIsTakenOverAndTheMessageNamesTheDeadHolder) {
  TempDir dir;
  testing::write_file(dir / "lock",
                      R"({"pid": 999999, "started": "2026-01-02T03:04:05Z", "command": "autofix-gate attempt"})");
  EXPECT_EQ(RepositoryLock::holder(dir.path()), std::nullopt);  // a file without an flock holds nothing
  std::string takeover;
  RepositoryLock lock = RepositoryLock::acquire(dir.path(), "new gate", &takeover);
  EXPECT_EQ(takeover,
            "took over the lock left by pid 999999, started 2026-01-02T03:04:05Z, running `autofix-gate attempt`, "
            "which is no longer running");
  std::optional<LockHolder> h = RepositoryLock::holder(dir.path());
  ASSERT_TRUE(h);
  EXPECT_EQ(h->pid, ::getpid());
  EXPECT_EQ(h->command, "new gate");
}

TEST(RepositoryLock, StaleLockFileWithGarbageIsTakenOverFromAnUnknownProcess) {
  TempDir dir;
  testing::write_file(dir / "lock", "not json at all");
  std::string takeover;
  RepositoryLock lock = RepositoryLock::acquire(dir.path(), "new gate", &takeover);
  EXPECT_EQ(takeover, "took over the lock left by an unknown process, which is no longer running");
  nlohmann::json file = nlohmann::json::parse(testing::read_file(dir / "lock"));  // fully rewritten
  EXPECT_EQ(file["command"], "new gate");
}

TEST(RepositoryLock, LongerStaleContentIsFullyReplaced) {
  TempDir dir;
  testing::write_file(dir / "lock", R"({"pid": 5, "started": "", "command": ")" + std::string(5000, 'c') + "\"}");
  RepositoryLock lock = RepositoryLock::acquire(dir.path(), "short");
  EXPECT_NO_THROW(nlohmann::json::parse(testing::read_file(dir / "lock")));
  EXPECT_EQ(RepositoryLock::holder(dir.path())->command, "short");
}

TEST(RepositoryLock, MovedLockStaysHeldUntilTheNewOwnerIsDestroyed) {
  TempDir dir;
  std::optional<RepositoryLock> outer;
  {
    RepositoryLock lock = RepositoryLock::acquire(dir.path(), "moved");
    outer.emplace(std::move(lock));
  }  // the moved-from object is destroyed here and must not release
  EXPECT_THROW(RepositoryLock::acquire(dir.path(), "other"), Error);
  EXPECT_EQ(RepositoryLock::holder(dir.path())->command, "moved");
  outer.reset();
  EXPECT_EQ(RepositoryLock::holder(dir.path()), std::nullopt);
}

TEST(RepositoryLock, HolderOfALockWithUnreadableContentIsAnEmptyRecord) {
  TempDir dir;
  RepositoryLock lock = RepositoryLock::acquire(dir.path(), "cmd");
  testing::write_file(dir / "lock", "garbage");  // same inode: the flock stays
  std::optional<LockHolder> h = RepositoryLock::holder(dir.path());
  ASSERT_TRUE(h);
  EXPECT_EQ(h->pid, 0);
  EXPECT_EQ(h->command, "");
}

TEST(RepositoryLock, MissingStateDirectoryIsAnIoError) {
  TempDir dir;
  try {
    RepositoryLock::acquire(dir / "missing", "cmd");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_NE(std::string(e.what()).find((dir / "missing" / "lock").string()), std::string::npos);
  }
}

TEST(RepositoryLock, ReassertWithTheFileInPlaceDoesNothing) {
  TempDir dir;
  RepositoryLock lock = RepositoryLock::acquire(dir.path(), "cmd");
  EXPECT_EQ(lock.reassert(), std::nullopt);
}

// A fixer deletes .git/autofix while the gate holds the lock: without reassert(), a second gate would create
// a new lock file and lock it.
TEST(RepositoryLock, ReassertAfterTheStateDirectoryWasDeletedLocksANewFile) {
  TempDir dir;
  fs::create_directories(dir / "autofix");
  RepositoryLock lock = RepositoryLock::acquire(dir / "autofix", "the gate's command");
  fs::remove_all(dir / "autofix");
  std::optional<std::string> said = lock.reassert();
  ASSERT_TRUE(said);
  EXPECT_EQ(*said, "the lock file '" + (dir / "autofix" / "lock").string() +
                       "' was deleted while this gate held it: created and locked again");
  std::optional<LockHolder> h = RepositoryLock::holder(dir / "autofix");
  ASSERT_TRUE(h) << "the new lock file is not held";
  EXPECT_EQ(h->command, "the gate's command");
  EXPECT_THROW(RepositoryLock::acquire(dir / "autofix", "a second gate"), Error);
  EXPECT_EQ(lock.reassert(), std::nullopt);
}

TEST(RepositoryLock, ReassertWhenAnotherGateLockedTheNewFileIsBusy) {
  TempDir dir;
  RepositoryLock lock = RepositoryLock::acquire(dir.path(), "first");
  fs::remove(dir / "lock");
  RepositoryLock other = RepositoryLock::acquire(dir.path(), "second");
  try {
    lock.reassert();
    FAIL() << "two gates hold the lock";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::busy);
    EXPECT_NE(std::string(e.what()).find("running `second`"), std::string::npos) << e.what();
  }
}

// A run that created the state directory and is refused before it changes anything leaves no trace.
TEST(RepositoryLockRemoval, RemoveOnReleaseDeletesTheLockFileAndTheEmptyStateDirectory) {
  TempDir dir;
  fs::path state = dir / "state dir";
  fs::create_directories(state);
  {
    RepositoryLock lock = RepositoryLock::acquire(state, "cmd");
    lock.remove_on_release(true);
  }
  EXPECT_FALSE(fs::exists(state));
}

TEST(RepositoryLockRemoval, RemoveOnReleaseLeavesADirectoryThatHoldsOtherFiles) {
  TempDir dir;
  fs::path state = dir / "state dir";
  fs::create_directories(state);
  testing::write_file(state / "journal.json", "{}");
  {
    RepositoryLock lock = RepositoryLock::acquire(state, "cmd");
    lock.remove_on_release(true);
  }
  EXPECT_FALSE(fs::exists(state / "lock"));
  EXPECT_TRUE(fs::exists(state / "journal.json"));
}

TEST(RepositoryLockRemoval, RemovalCanBeWithdrawnAndMovesWithTheLock) {
  TempDir dir;
  fs::path state = dir / "state dir";
  fs::create_directories(state);
  {
    RepositoryLock lock = RepositoryLock::acquire(state, "cmd");
    lock.remove_on_release(true);
    RepositoryLock moved(std::move(lock));
    moved.remove_on_release(false);
  }
  EXPECT_TRUE(fs::exists(state / "lock"));
  EXPECT_EQ(testing::read_file(state / "lock"), "");
  {
    RepositoryLock lock = RepositoryLock::acquire(state, "cmd");
    lock.remove_on_release(true);
    RepositoryLock moved(std::move(lock));  // the moved-from lock removes nothing
  }
  EXPECT_FALSE(fs::exists(state));
}

// Someone opened the lock file just before a refused run removed it: once the file is gone, only the
// file at the path is the lock, so two gates can never both hold it.
TEST(RepositoryLockRemoval, AfterARemovalTheNewFileIsTheOnlyLock) {
  TempDir dir;
  fs::path state = dir / "state dir";
  fs::create_directories(state);
  testing::write_file(state / "keep", "");  // so that the directory stays
  UniqueFd early;
  {
    RepositoryLock lock = RepositoryLock::acquire(state, "refused run");
    lock.remove_on_release(true);
    early = UniqueFd(::open((state / "lock").c_str(), O_RDWR | O_CLOEXEC));
    ASSERT_TRUE(early);
  }
  ASSERT_EQ(::flock(early.get(), LOCK_EX | LOCK_NB), 0);  // the old, unlinked file: nobody's lock now
  RepositoryLock second = RepositoryLock::acquire(state, "second");
  std::optional<LockHolder> h = RepositoryLock::holder(state);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->command, "second");
  EXPECT_THROW(RepositoryLock::acquire(state, "third"), Error);
}

}  // namespace
}  // namespace autofix
