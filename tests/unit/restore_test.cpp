// SPDX-License-Identifier: MIT
#include "gate/snapshot/restore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::snapshot {
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
using namespace std::chrono_literals;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Everything under a directory that is not a repository: kind and content by path.
std::map<std::string, std::string> contents_of(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = it->path().lexically_relative(root).generic_string();
    if (it->is_symlink()) out[rel] = "link " + fs::read_symlink(it->path()).string();
    else if (it->is_directory()) out[rel] = "dir";
    else out[rel] = "file " + autofix::testing::read_file(it->path());
  }
  return out;
}

struct timespec mtime_of(const fs::path& p) {
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) throw std::runtime_error("lstat " + p.string());
  return st.st_mtim;
}

ino_t inode_of(const fs::path& p) {
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) throw std::runtime_error("lstat " + p.string());
  return st.st_ino;
}

bool same_time(const struct timespec& a, const struct timespec& b) { return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec; }
bool later(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

class RestoreTest : public ::testing::Test {
 protected:
  void SetUp() override { init_repo(repo_); }

  void commit(const std::map<std::string, std::string>& files) {
    for (const auto& [path, content] : files) write_file(repo_ / path, content);
    git(repo_, {"add", "-A"});
    git(repo_, {"commit", "-q", "-m", "files"});
  }

  // Takes the snapshot and the fingerprint the restore must bring back.
  StoredSnapshot snapshot(const fs::path& repo) {
    expected_ = fingerprint(repo);
    git::Repository r = git::Repository::open(repo);
    return SnapshotStore(r).create("test");
  }
  StoredSnapshot snapshot() { return snapshot(repo_); }

  // Restores with a repository opened afresh, as `recover` in another process would.
  RestoreReport restore(const StoredSnapshot& s, const fs::path& repo) {
    git::Repository r = git::Repository::open(repo);
    return restore_snapshot(r, s);
  }
  RestoreReport restore(const StoredSnapshot& s) { return restore(s, repo_); }

  // Restores; an exception is a test failure but the test goes on, so the tree can still be compared.
  void restore_and_report(const StoredSnapshot& s) {
    try {
      restore(s);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "restore failed: " << e.what();
    }
  }

  void expect_restored(const fs::path& repo) {
    TreeFingerprint now = fingerprint(repo);
    EXPECT_EQ(now, expected_) << describe_difference(expected_, now);
  }
  void expect_restored() { expect_restored(repo_); }

  TempDir dir_;
  fs::path repo_ = dir_ / "work tree";
  TreeFingerprint expected_;
};

TEST_F(RestoreTest, NothingToDoWhenNothingChanged) {
  write_file(repo_ / "untracked.txt", "u\n");
  StoredSnapshot s = snapshot();
  RestoreReport report = restore(s);
  EXPECT_FALSE(report.changed_anything());
  EXPECT_FALSE(report.discarded_commit);
  expect_restored();
}

TEST_F(RestoreTest, UndoesModificationsDeletionsAndNewFiles) {
  commit({{"a.txt", "a\n"}, {"b.txt", "b\n"}, {"dir/c.txt", "c\n"}});
  write_file(repo_ / "a.txt", "a, changed before the snapshot\n");
  write_file(repo_ / "untracked before.txt", "kept\n");
  StoredSnapshot s = snapshot();

  write_file(repo_ / "a.txt", "the fix changed it\n");
  fs::remove(repo_ / "b.txt");
  fs::remove(repo_ / "untracked before.txt");
  write_file(repo_ / "c.txt", "new file\n");
  write_file(repo_ / "new dir" / "deep" / "n.txt", "new\n");
  fs::remove_all(repo_ / "dir");

  RestoreReport report = restore(s);
  expect_restored();
  EXPECT_EQ(report.written, (std::vector<std::string>{"a.txt", "b.txt", "dir/c.txt", "untracked before.txt"}));
  EXPECT_EQ(report.removed, (std::vector<std::string>{"new dir/deep/n.txt", "c.txt"}));  // deepest first
  EXPECT_FALSE(fs::exists(repo_ / "new dir"));
  EXPECT_FALSE(report.head_moved);
  EXPECT_FALSE(report.index_rewritten);
}

TEST_F(RestoreTest, KeepsTheDiscardedWorkTreeUnderARef) {
  commit({{"a.txt", "a\n"}});
  StoredSnapshot s = snapshot();
  write_file(repo_ / "a.txt", "the fix's version\n");
  write_file(repo_ / "fix only.txt", "written by the fix\n");
  RestoreReport report = restore(s);
  ASSERT_TRUE(report.discarded_commit);
  std::string ref = std::string(kDiscardedRefPrefix) + s.manifest.id;
  EXPECT_EQ(trimmed(git(repo_, {"rev-parse", ref})), git::to_hex(*report.discarded_commit));
  EXPECT_EQ(git(repo_, {"show", ref + ":a.txt"}), "the fix's version\n");
  EXPECT_EQ(git(repo_, {"show", ref + ":fix only.txt"}), "written by the fix\n");
}

TEST_F(RestoreTest, SecondRestoreHasNothingToDo) {
  StoredSnapshot s = snapshot();
  write_file(repo_ / "README.md", "changed\n");
  write_file(repo_ / "new.txt", "new\n");
  EXPECT_TRUE(restore(s).changed_anything());
  RestoreReport again = restore(s);
  EXPECT_FALSE(again.changed_anything());
  expect_restored();
}

TEST_F(RestoreTest, ExplicitIndexBytesOverload) {
  StoredSnapshot s = snapshot();
  git(repo_, {"rm", "-q", "README.md"});
  git::Repository r = git::Repository::open(repo_);
  RestoreReport report = restore_snapshot(r, s, SnapshotStore(r).index_bytes(s.manifest));
  EXPECT_TRUE(report.index_rewritten);
  expect_restored();
}

// The restore's final check (restore.cpp:282-303, on_disk_as) reads back every path the restore
// touched with lstat(workdir/path), and gets two cases wrong:
//  (a) a path that had to be removed and whose parent is now a file: lstat fails with ENOTDIR, which is
//      not taken as "absent" (line 286: only ENOENT is), so the restore throws
//      Error(io) "cannot stat '<repo>/thing/inner/x.txt': Not a directory";
//  (b) a path that had to be removed (a file, a symlink) and is now a directory because the snapshot has
//      files below it: any existing path counts as "still there" (line 289), so the restore throws
//      Error(verification) "left 1 path(s) different from the snapshot: 'thing' (should not exist)".
// In both cases the tree on disk is correct; the error is spurious, but it makes every rollback of a
// fix that swapped a file and a directory (or put a symlink where a directory was) fail with exit 4 and
// leave the journal for `recover`.

// Regression (fixed): restore.cpp:286, case (a) above. Expected: restore succeeds; actual: Error(io) "Not a directory".
TEST_F(RestoreTest, FileReplacedByDirectoryBecomesAFileAgain) {
  commit({{"thing", "a file\n"}});
  StoredSnapshot s = snapshot();
  fs::remove(repo_ / "thing");
  write_file(repo_ / "thing" / "inner" / "x.txt", "x\n");
  restore_and_report(s);
  expect_restored();
  EXPECT_EQ(autofix::testing::read_file(repo_ / "thing"), "a file\n");
}

// Regression (fixed): restore.cpp:289, case (b) above. Expected: restore succeeds; actual: Error(verification)
// "'thing' (should not exist)".
TEST_F(RestoreTest, DirectoryReplacedByFileBecomesADirectoryAgain) {
  commit({{"thing/x.txt", "x\n"}, {"thing/sub/y.txt", "y\n"}});
  write_file(repo_ / "thing" / "untracked.txt", "u\n");
  StoredSnapshot s = snapshot();
  fs::remove_all(repo_ / "thing");
  write_file(repo_ / "thing", "now a file\n");
  restore_and_report(s);
  expect_restored();
}

// Regression (fixed): restore.cpp:286 and :289, cases (a) and (b) above, for untracked files.
TEST_F(RestoreTest, UntrackedFileAndDirectorySwapBothWays) {
  write_file(repo_ / "was file", "f\n");
  write_file(repo_ / "was dir" / "f.txt", "d\n");
  StoredSnapshot s = snapshot();
  fs::remove(repo_ / "was file");
  write_file(repo_ / "was file" / "x", "x\n");
  fs::remove_all(repo_ / "was dir");
  write_file(repo_ / "was dir", "file now\n");
  restore_and_report(s);
  expect_restored();
}

class RestoreOutsideTest : public RestoreTest {
 protected:
  void SetUp() override {
    RestoreTest::SetUp();
    write_file(outside_ / "x.txt", "outside x\n");
    write_file(outside_ / "sub" / "y.txt", "outside y\n");
    write_file(outside_ / "only outside.txt", "o\n");
    outside_before_ = contents_of(outside_);
  }
  void expect_outside_untouched() { EXPECT_EQ(contents_of(outside_), outside_before_); }

  fs::path outside_ = dir_ / "outside the repo";
  std::map<std::string, std::string> outside_before_;
};

// Regression (fixed): restore.cpp:289, case (b) above: the symlink "d" is removed and d/ recreated correctly, nothing
// outside is written, but the check then reports "'d' (should not exist)" (Error(verification)).
TEST_F(RestoreOutsideTest, TrackedDirectoryReplacedBySymlinkToOutside) {
  commit({{"d/x.txt", "inside x\n"}, {"d/sub/y.txt", "inside y\n"}, {"d/z.txt", "inside z\n"}});
  StoredSnapshot s = snapshot();
  fs::remove_all(repo_ / "d");
  fs::create_directory_symlink(outside_, repo_ / "d");
  restore_and_report(s);
  expect_outside_untouched();
  expect_restored();
  EXPECT_FALSE(fs::is_symlink(repo_ / "d"));
}

// Regression (fixed): restore.cpp:289, case (b) above ("'u' (should not exist)").
TEST_F(RestoreOutsideTest, UntrackedDirectoryReplacedBySymlinkToOutside) {
  write_file(repo_ / "u" / "x.txt", "untracked x\n");
  write_file(repo_ / "u" / "sub" / "y.txt", "untracked y\n");
  fs::create_directories(repo_ / "u" / "empty");
  StoredSnapshot s = snapshot();
  fs::remove_all(repo_ / "u");
  fs::create_directory_symlink(outside_, repo_ / "u");
  restore_and_report(s);
  expect_outside_untouched();
  expect_restored();
}

// Regression (fixed): restore.cpp:289, case (b) above ("'a/b' (should not exist)").
TEST_F(RestoreOutsideTest, ParentOfAParentReplacedByRelativeSymlinkToOutside) {
  commit({{"a/b/x.txt", "deep x\n"}, {"a/b/sub/y.txt", "deep y\n"}});
  StoredSnapshot s = snapshot();
  fs::remove_all(repo_ / "a");
  fs::create_directories(repo_ / "a");
  fs::create_directory_symlink("../../outside the repo", repo_ / "a" / "b");
  ASSERT_TRUE(fs::exists(repo_ / "a" / "b" / "only outside.txt"));
  restore_and_report(s);
  expect_outside_untouched();
  expect_restored();
}

TEST_F(RestoreOutsideTest, FileReplacedBySymlinkToAnOutsideFileIsNotWrittenThrough) {
  commit({{"config.txt", "inside\n"}});
  StoredSnapshot s = snapshot();
  fs::remove(repo_ / "config.txt");
  fs::create_symlink(outside_ / "x.txt", repo_ / "config.txt");
  restore_and_report(s);
  expect_outside_untouched();
  expect_restored();
}

TEST_F(RestoreTest, NewGitignoreCannotHideANewFile) {
  StoredSnapshot s = snapshot();
  write_file(repo_ / ".gitignore", "hidden.txt\n");
  write_file(repo_ / "hidden.txt", "the fix wants this to stay\n");
  restore(s);
  EXPECT_FALSE(fs::exists(repo_ / "hidden.txt"));
  EXPECT_FALSE(fs::exists(repo_ / ".gitignore"));
  expect_restored();
}

TEST_F(RestoreTest, ModifiedGitignoreCannotHideANewFile) {
  commit({{".gitignore", "*.log\n"}, {"sub/keep.txt", "k\n"}});
  StoredSnapshot s = snapshot();
  write_file(repo_ / ".gitignore", "*.log\nsecret.txt\n");
  write_file(repo_ / "secret.txt", "s\n");
  write_file(repo_ / "sub" / ".gitignore", "hidden.txt\n");
  write_file(repo_ / "sub" / "hidden.txt", "h\n");
  restore(s);
  EXPECT_FALSE(fs::exists(repo_ / "secret.txt"));
  EXPECT_FALSE(fs::exists(repo_ / "sub" / "hidden.txt"));
  expect_restored();
}

// Regression (fixed): restore.cpp:346-359 only sees .gitignore files that the scan lists, and a new .gitignore that
// ignores itself (".gitignore" in its own patterns, or "*" in a subdirectory) is never listed: the scan
// classifies it as ignored. The fix's new ignore rules therefore stay in force and the files they hide
// survive the rollback, contrary to docs/snapshots.md ("a fix cannot hide a new file behind a new
// ignore rule"). Expected: .gitignore, hidden.txt, sub/.gitignore and sub/also hidden.txt removed;
// actual: all four are still there after the restore.
TEST_F(RestoreTest, SelfIgnoringNewGitignoreCannotHideANewFile) {
  commit({{"sub/keep.txt", "k\n"}});
  StoredSnapshot s = snapshot();
  write_file(repo_ / ".gitignore", ".gitignore\nhidden.txt\n");
  write_file(repo_ / "hidden.txt", "the fix wants this to stay\n");
  write_file(repo_ / "sub" / ".gitignore", "*\n");
  write_file(repo_ / "sub" / "also hidden.txt", "h\n");
  restore_and_report(s);
  EXPECT_FALSE(fs::exists(repo_ / "hidden.txt"));
  EXPECT_FALSE(fs::exists(repo_ / "sub" / "also hidden.txt"));
  expect_restored();
}

TEST_F(RestoreTest, DeletedGitignoreDoesNotExposeIgnoredFilesToRemoval) {
  commit({{".gitignore", "*.log\nbuild/\n"}});
  write_file(repo_ / "keep.log", "ignored, must survive\n");
  write_file(repo_ / "build" / "out.o", "object\n");
  StoredSnapshot s = snapshot();
  fs::remove(repo_ / ".gitignore");
  restore(s);
  EXPECT_EQ(autofix::testing::read_file(repo_ / "keep.log"), "ignored, must survive\n");
  EXPECT_EQ(autofix::testing::read_file(repo_ / "build" / "out.o"), "object\n");
  expect_restored();
}

TEST_F(RestoreTest, IgnoredFilesAreNeverTouched) {
  commit({{".gitignore", "*.log\n"}});
  write_file(repo_ / "cache.log", "before\n");
  StoredSnapshot s = snapshot();
  write_file(repo_ / "cache.log", "changed by the fix\n");
  write_file(repo_ / "new.log", "created by the fix\n");
  restore(s);
  EXPECT_EQ(autofix::testing::read_file(repo_ / "cache.log"), "changed by the fix\n");
  EXPECT_EQ(autofix::testing::read_file(repo_ / "new.log"), "created by the fix\n");
}

TEST_F(RestoreTest, ExcludedPathsAreNeverTouched) {
  write_file(repo_ / "build" / "cache.o", "before\n");
  expected_ = fingerprint(repo_);
  git::Repository r = git::Repository::open(repo_);
  StoredSnapshot s = SnapshotStore(r).create("", {"build", "report.xml"});
  write_file(repo_ / "build" / "cache.o", "rebuilt by the fix's build\n");
  write_file(repo_ / "build" / "new" / "x.o", "new object\n");
  write_file(repo_ / "report.xml", "<report/>\n");
  write_file(repo_ / "README.md", "changed by the fix\n");
  restore(s);
  EXPECT_EQ(autofix::testing::read_file(repo_ / "build" / "cache.o"), "rebuilt by the fix's build\n");
  EXPECT_EQ(autofix::testing::read_file(repo_ / "build" / "new" / "x.o"), "new object\n");
  EXPECT_EQ(autofix::testing::read_file(repo_ / "report.xml"), "<report/>\n");
  EXPECT_EQ(autofix::testing::read_file(repo_ / "README.md"), "# test repository\n");
}

TEST_F(RestoreTest, RestoredFilesGetAFreshMtimeAndUntouchedFilesKeepTheirs) {
  commit({{"changed.txt", "original\n"}, {"untouched.txt", "same\n"}, {"dir/also untouched.txt", "same\n"}});
  StoredSnapshot s = snapshot();
  std::this_thread::sleep_for(50ms);
  write_file(repo_ / "changed.txt", "fixed!!!\n");
  struct timespec fix_time = mtime_of(repo_ / "changed.txt");
  struct timespec untouched_time = mtime_of(repo_ / "untouched.txt");
  struct timespec deep_time = mtime_of(repo_ / "dir" / "also untouched.txt");
  ino_t untouched_inode = inode_of(repo_ / "untouched.txt");
  std::this_thread::sleep_for(50ms);

  restore(s);
  expect_restored();
  EXPECT_TRUE(later(mtime_of(repo_ / "changed.txt"), fix_time))
      << "a build tool would not see that the restored file changed";
  EXPECT_TRUE(same_time(mtime_of(repo_ / "untouched.txt"), untouched_time));
  EXPECT_TRUE(same_time(mtime_of(repo_ / "dir" / "also untouched.txt"), deep_time));
  EXPECT_EQ(inode_of(repo_ / "untouched.txt"), untouched_inode);
}

TEST_F(RestoreTest, ExecutableBitsAndSymlinksComeBack) {
  commit({{"run.sh", "#!/bin/sh\n"}, {"plain.txt", "p\n"}});
  fs::permissions(repo_ / "run.sh", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
  fs::create_symlink("plain.txt", repo_ / "link");
  git(repo_, {"add", "-A"});
  git(repo_, {"commit", "-q", "-m", "modes"});
  fs::create_symlink("run.sh", repo_ / "untracked link");
  StoredSnapshot s = snapshot();

  fs::permissions(repo_ / "run.sh", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::remove);
  fs::permissions(repo_ / "plain.txt", fs::perms::owner_exec, fs::perm_options::add);
  fs::remove(repo_ / "link");
  fs::create_symlink("elsewhere", repo_ / "link");
  fs::remove(repo_ / "untracked link");
  write_file(repo_ / "untracked link", "now a file\n");
  restore(s);
  expect_restored();
  EXPECT_EQ(fs::read_symlink(repo_ / "link"), "plain.txt");
}

TEST_F(RestoreTest, EmptyDirectoriesComeBackAndNewOnesGo) {
  fs::create_directories(repo_ / "keep" / "empty");
  fs::create_directories(repo_ / "top empty");
  StoredSnapshot s = snapshot();
  fs::remove_all(repo_ / "keep");
  fs::remove_all(repo_ / "top empty");
  fs::create_directories(repo_ / "made" / "by" / "the fix");
  restore(s);
  EXPECT_TRUE(fs::is_directory(repo_ / "keep" / "empty"));
  EXPECT_TRUE(fs::is_directory(repo_ / "top empty"));
  EXPECT_FALSE(fs::exists(repo_ / "made"));
  expect_restored();
}

TEST_F(RestoreTest, DirectoriesEmptiedByRemovalsArePrunedButNotDirectoriesWithIgnoredFiles) {
  commit({{".gitignore", "*.o\n"}});
  StoredSnapshot s = snapshot();
  write_file(repo_ / "gen" / "deep" / "a.txt", "a\n");
  write_file(repo_ / "objs" / "x.txt", "x\n");
  write_file(repo_ / "objs" / "x.o", "ignored object\n");
  restore(s);
  EXPECT_FALSE(fs::exists(repo_ / "gen"));
  EXPECT_FALSE(fs::exists(repo_ / "objs" / "x.txt"));
  EXPECT_EQ(autofix::testing::read_file(repo_ / "objs" / "x.o"), "ignored object\n");
}

TEST_F(RestoreTest, NestedRepositoriesAreLeftAlone) {
  init_repo(repo_ / "nested");
  StoredSnapshot s = snapshot();
  write_file(repo_ / "nested" / "README.md", "changed inside the nested repository\n");
  write_file(repo_ / "nested" / "new.txt", "new\n");
  restore(s);
  EXPECT_EQ(autofix::testing::read_file(repo_ / "nested" / "README.md"), "changed inside the nested repository\n");
  EXPECT_TRUE(fs::exists(repo_ / "nested" / "new.txt"));
}

TEST_F(RestoreTest, IndexBytesComeBackAfterStaging) {
  write_file(repo_ / "new.txt", "n\n");
  write_file(repo_ / "README.md", "modified, unstaged\n");
  StoredSnapshot s = snapshot();
  std::string index_before = autofix::testing::read_file(repo_ / ".git" / "index");
  git(repo_, {"add", "-A"});
  RestoreReport report = restore(s);
  EXPECT_TRUE(report.index_rewritten);
  EXPECT_EQ(autofix::testing::read_file(repo_ / ".git" / "index"), index_before);
  expect_restored();
}

TEST_F(RestoreTest, IntentToAddEntryComesBack) {
  write_file(repo_ / "ita.txt", "intended\n");
  git(repo_, {"add", "-N", "ita.txt"});
  StoredSnapshot s = snapshot();
  git(repo_, {"add", "ita.txt"});
  write_file(repo_ / "ita.txt", "changed\n");
  restore(s);
  expect_restored();
}

TEST_F(RestoreTest, BranchMovedByACommitAfterTheSnapshotIsMovedBack) {
  std::string head_before = trimmed(git(repo_, {"rev-parse", "HEAD"}));
  StoredSnapshot s = snapshot();
  write_file(repo_ / "README.md", "committed by the fix\n");
  write_file(repo_ / "added.txt", "a\n");
  git(repo_, {"add", "-A"});
  git(repo_, {"commit", "-q", "-m", "fix"});
  RestoreReport report = restore(s);
  EXPECT_TRUE(report.head_moved);
  EXPECT_TRUE(report.index_rewritten);
  EXPECT_EQ(trimmed(git(repo_, {"rev-parse", "refs/heads/main"})), head_before);
  expect_restored();
}

TEST_F(RestoreTest, BranchSwitchIsUndone) {
  StoredSnapshot s = snapshot();
  git(repo_, {"checkout", "-q", "-b", "feature"});
  write_file(repo_ / "README.md", "on feature\n");
  git(repo_, {"commit", "-q", "-am", "feature work"});
  restore(s);
  EXPECT_EQ(trimmed(git(repo_, {"symbolic-ref", "HEAD"})), "refs/heads/main");
  expect_restored();
}

TEST_F(RestoreTest, DetachedHeadComesBack) {
  commit({{"second.txt", "2\n"}});
  git(repo_, {"checkout", "-q", "--detach", "HEAD~1"});
  StoredSnapshot s = snapshot();
  write_file(repo_ / "README.md", "detached commit by the fix\n");
  git(repo_, {"commit", "-q", "-am", "fix"});
  RestoreReport report = restore(s);
  EXPECT_TRUE(report.head_moved);
  EXPECT_NE(run({"git", "symbolic-ref", "-q", "HEAD"}, repo_).exit_code, 0);  // still detached
  expect_restored();
}

TEST_F(RestoreTest, UnbornHeadComesBackAndTheBranchIsDeletedAgain) {
  fs::path fresh = dir_ / "fresh repo";
  fs::create_directories(fresh);
  git(fresh, {"init", "-q", "-b", "main"});
  write_file(fresh / "a.txt", "a\n");
  write_file(fresh / "dir" / "b.txt", "b\n");
  StoredSnapshot s = snapshot(fresh);
  ASSERT_FALSE(fs::exists(fresh / ".git" / "index"));
  git(fresh, {"add", "-A"});
  git(fresh, {"commit", "-q", "-m", "first commit, by the fix"});
  write_file(fresh / "a.txt", "changed\n");
  RestoreReport report = restore(s, fresh);
  EXPECT_TRUE(report.head_moved);
  EXPECT_TRUE(report.index_rewritten);
  EXPECT_FALSE(fs::exists(fresh / ".git" / "index"));
  EXPECT_NE(run({"git", "rev-parse", "-q", "--verify", "refs/heads/main"}, fresh).exit_code, 0);
  EXPECT_EQ(trimmed(git(fresh, {"symbolic-ref", "HEAD"})), "refs/heads/main");
  expect_restored(fresh);
}

// `git stash pop` can leave conflict stages in the index without MERGE_HEAD, so a snapshot may be taken
// of a conflicted index (a "full" scan); its restore must bring the stages and the file back.
TEST_F(RestoreTest, ConflictedIndexWithoutMergeHeadComesBack) {
  commit({{"c.txt", "base\n"}});
  write_file(repo_ / "c.txt", "stashed\n");
  git(repo_, {"stash", "-q"});
  commit({{"c.txt", "committed\n"}});
  ASSERT_NE(run({"git", "stash", "pop", "-q"}, repo_).exit_code, 0);
  ASSERT_FALSE(fs::exists(repo_ / ".git" / "MERGE_HEAD"));
  StoredSnapshot s = snapshot();
  EXPECT_TRUE(s.manifest.scan.full);
  EXPECT_TRUE(s.manifest.index.conflicts);
  write_file(repo_ / "c.txt", "resolved by the fix\n");
  git(repo_, {"add", "c.txt"});
  write_file(repo_ / "extra.txt", "new\n");
  restore(s);
  expect_restored();
}

TEST_F(RestoreTest, IndexDeletedByTheFixComesBack) {
  write_file(repo_ / "staged.txt", "s\n");
  git(repo_, {"add", "staged.txt"});
  StoredSnapshot s = snapshot();
  fs::remove(repo_ / ".git" / "index");
  RestoreReport report = restore(s);
  EXPECT_TRUE(report.index_rewritten);
  expect_restored();
}

TEST_F(RestoreTest, DeletedBranchIsRecreated) {
  std::string head_before = trimmed(git(repo_, {"rev-parse", "HEAD"}));
  StoredSnapshot s = snapshot();
  git(repo_, {"checkout", "-q", "-b", "elsewhere"});
  git(repo_, {"branch", "-q", "-D", "main"});
  restore(s);
  EXPECT_EQ(trimmed(git(repo_, {"rev-parse", "refs/heads/main"})), head_before);
  expect_restored();
}

TEST_F(RestoreTest, FilesAddedToAnEmptyDirectoryOfTheSnapshotGoButTheDirectoryStays) {
  fs::create_directories(repo_ / "keep" / "empty");
  StoredSnapshot s = snapshot();
  write_file(repo_ / "keep" / "empty" / "deep" / "new.txt", "n\n");
  restore(s);
  EXPECT_TRUE(fs::is_directory(repo_ / "keep" / "empty"));
  EXPECT_FALSE(fs::exists(repo_ / "keep" / "empty" / "deep"));
  expect_restored();
}

TEST_F(RestoreTest, LinkedWorktreeIsRestoredWithItsOwnIndexAndHead) {
  fs::path linked = dir_ / "linked tree";
  git(repo_, {"worktree", "add", "-q", "-b", "side", linked.string()});
  write_file(linked / "README.md", "changed in the linked tree\n");
  write_file(linked / "untracked.txt", "u\n");
  TreeFingerprint main_before = fingerprint(repo_);
  StoredSnapshot s = snapshot(linked);
  write_file(linked / "README.md", "the fix\n");
  git(linked, {"add", "-A"});
  git(linked, {"commit", "-q", "-m", "fix in the linked tree"});
  restore(s, linked);
  expect_restored(linked);
  EXPECT_EQ(trimmed(git(linked, {"symbolic-ref", "HEAD"})), "refs/heads/side");
  TreeFingerprint main_now = fingerprint(repo_);
  EXPECT_EQ(main_now, main_before) << describe_difference(main_before, main_now);
}

TEST_F(RestoreTest, ManifestPathOutsideTheWorkTreeIsRefusedBeforeAnythingIsWritten) {
  StoredSnapshot s = snapshot();
  git_oid blob;
  ASSERT_EQ(git_odb_hash(&blob, "evil\n", 5, GIT_OBJECT_BLOB), 0);
  s.manifest.scan.changes.insert(s.manifest.scan.changes.begin(), Change{"../escape.txt", ChangeKind::added, {blob, 0100644}});
  write_file(repo_ / "README.md", "changed, must stay changed\n");
  try {
    restore(s);
    FAIL() << "restored a manifest that names a path outside the work tree";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    EXPECT_NE(std::string(e.what()).find("'../escape.txt'"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir_ / "escape.txt"));
  EXPECT_EQ(autofix::testing::read_file(repo_ / "README.md"), "changed, must stay changed\n");
}

// Regression (fixed): restore.cpp validates the change paths of the manifest (is_safe_relative_path) but not
// m.scan.empty_dirs, which it recreates with ensure_directory() → mkdir(workdir / d). A manifest whose
// empty_dirs holds "../created outside" (manifest_from_json does not check them either) makes the
// restore create a directory outside the work tree. Expected: Error(internal) and nothing created
// outside; actual: "<parent of the work tree>/created outside" is created and the restore succeeds.
TEST_F(RestoreTest, EmptyDirectoryOutsideTheWorkTreeIsRefused) {
  StoredSnapshot s = snapshot();
  s.manifest.scan.empty_dirs.push_back("../created outside");
  try {
    restore(s);
    ADD_FAILURE() << "restored a manifest whose empty directory lies outside the work tree";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal);
  }
  EXPECT_FALSE(fs::exists(dir_ / "created outside")) << "restore created a directory outside the work tree";
}

// Rewrites the index file with `from` replaced by `to` (20 raw bytes each) and a recomputed checksum.
void patch_index_oid(const fs::path& repo, const std::string& from_hex, const std::string& to_hex) {
  fs::path index = repo / ".git" / "index";
  std::string bytes = autofix::testing::read_file(index);
  git_oid from = git::from_hex(from_hex), to = git::from_hex(to_hex);
  std::string from_raw(reinterpret_cast<const char*>(from.id), 20), to_raw(reinterpret_cast<const char*>(to.id), 20);
  size_t at = bytes.find(from_raw);
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 20, to_raw);
  std::string body = bytes.substr(0, bytes.size() - 20);
  write_file(repo / ".git" / "index body", body);
  std::string sum = run({"sha1sum", (repo / ".git" / "index body").string()}, repo).out.substr(0, 40);
  fs::remove(repo / ".git" / "index body");
  git_oid checksum = git::from_hex(sum);
  write_file(index, body + std::string(reinterpret_cast<const char*>(checksum.id), 20));
}

// Regression (fixed): restore.cpp:204 (restore_index) puts the saved index bytes back with write_file_atomically, so
// the index file gets a new mtime. Entries that were "racily clean" when the snapshot was taken (their
// mtime not older than the index file's, so git re-hashes them) then look older than the index and git
// trusts their stat data again: a file whose content differs from its index entry, which git showed as
// modified before the snapshot, is shown clean after the restore, and `git status`, `git diff` and
// `git commit -a` miss the change. Set up deterministically (git's race is a file rewritten within the
// same timestamp tick as `git add`): the index entry keeps racy.txt's stat data but the blob of its
// previous content, and the index file's mtime equals racy.txt's mtime, ten seconds in the past.
// Expected: `git status --porcelain` after the restore is " M racy.txt", as at snapshot time;
// actual: empty (racy.txt reported unmodified).
TEST_F(RestoreTest, RacilyCleanEntryStaysModifiedAfterTheIndexIsRestored) {
  git::Library lib;
  commit({{"racy.txt", "aaaa\n"}});
  std::string old_blob = trimmed(git(repo_, {"rev-parse", ":racy.txt"}));
  write_file(repo_ / "racy.txt", "bbbb\n");  // same size
  struct timespec past[2];
  ASSERT_EQ(::clock_gettime(CLOCK_REALTIME, &past[0]), 0);
  past[0].tv_sec -= 10;
  past[1] = past[0];
  ASSERT_EQ(::utimensat(AT_FDCWD, (repo_ / "racy.txt").c_str(), past, 0), 0);
  git(repo_, {"add", "racy.txt"});  // the entry records racy.txt's stat data...
  std::string new_blob = trimmed(git(repo_, {"rev-parse", ":racy.txt"}));
  patch_index_oid(repo_, new_blob, old_blob);  // ...but the blob of its previous content
  ASSERT_EQ(::utimensat(AT_FDCWD, (repo_ / ".git" / "index").c_str(), past, 0), 0);
  ASSERT_EQ(git(repo_, {"--no-optional-locks", "status", "--porcelain"}), " M racy.txt\n");  // git re-hashes it

  StoredSnapshot s = snapshot();
  write_file(repo_ / "by the fix.txt", "f\n");
  git(repo_, {"add", "by the fix.txt"});  // the fix stages something: the index must be put back
  restore(s);
  EXPECT_EQ(autofix::testing::read_file(repo_ / "racy.txt"), "bbbb\n");
  EXPECT_EQ(git(repo_, {"--no-optional-locks", "status", "--porcelain"}), " M racy.txt\n");
  expect_restored();
}

// ---- beyond content: permissions, repositories created after the snapshot, temporaries, .git ----

TEST_F(RestoreTest, PermissionsOfFilesAndDirectoriesComeBackAndAreNamed) {
  commit({{"data/file.txt", "data\n"}, {"tool.sh", "#!/bin/sh\n"}});
  write_file(repo_ / "private.txt", "mine\n");
  fs::permissions(repo_ / "private.txt", fs::perms(0600));
  fs::permissions(repo_ / "tool.sh", fs::perms(0750));
  StoredSnapshot s = snapshot();
  fs::permissions(repo_ / "data" / "file.txt", fs::perms::none);
  fs::permissions(repo_ / "data", fs::perms::none);
  fs::permissions(repo_ / "private.txt", fs::perms(0644));
  fs::permissions(repo_ / "tool.sh", fs::perms(0755));
  RestoreReport r = restore(s);
  EXPECT_EQ(r.permissions, (std::vector<std::string>{"data/file.txt", "data", "private.txt", "tool.sh"}));
  EXPECT_EQ(fs::status(repo_ / "data").permissions(), fs::perms(0755));
  EXPECT_EQ(fs::status(repo_ / "data" / "file.txt").permissions(), fs::perms(0644));
  EXPECT_EQ(fs::status(repo_ / "private.txt").permissions(), fs::perms(0600));
  EXPECT_EQ(fs::status(repo_ / "tool.sh").permissions(), fs::perms(0750));
  expect_restored();
  EXPECT_EQ(restore(s).permissions, std::vector<std::string>{});
}

TEST_F(RestoreTest, AWrittenBackFileGetsTheRecordedPermissions) {
  write_file(repo_ / "private.txt", "mine\n");
  fs::permissions(repo_ / "private.txt", fs::perms(0600));
  StoredSnapshot s = snapshot();
  fs::remove(repo_ / "private.txt");
  RestoreReport r = restore(s);
  EXPECT_EQ(r.written, std::vector<std::string>{"private.txt"});
  EXPECT_EQ(r.permissions, std::vector<std::string>{"private.txt"});
  EXPECT_EQ(fs::status(repo_ / "private.txt").permissions(), fs::perms(0600));
}

TEST_F(RestoreTest, RepositoriesCreatedAfterTheSnapshotAreMovedAsideNeverDeleted) {
  commit({{"src/code.txt", "code\n"}});
  write_file(repo_ / "drafts" / "a.txt", "draft\n");
  StoredSnapshot s = snapshot();
  git(repo_, {"init", "-q", "new repo"});
  write_file(repo_ / "new repo" / "n.txt", "n\n");
  git(repo_, {"init", "-q", "src"});
  git(repo_, {"init", "-q", "drafts"});
  write_file(repo_ / "drafts" / "extra.txt", "extra\n");
  RestoreReport r = restore(s);
  fs::path aside = repo_ / ".git" / "autofix" / "set-aside" / s.manifest.id;
  EXPECT_EQ(r.set_aside, (std::vector<std::pair<std::string, std::string>>{
                             {"drafts/.git", (aside / "drafts" / ".git").string()},
                             {"new repo", (aside / "new repo").string()},
                             {"src/.git", (aside / "src" / ".git").string()}}));
  EXPECT_EQ(r.removed, std::vector<std::string>{"drafts/extra.txt"});
  EXPECT_EQ(autofix::testing::read_file(aside / "new repo" / "n.txt"), "n\n");
  EXPECT_TRUE(fs::exists(aside / "src" / ".git" / "HEAD"));
  expect_restored();
  // Again: a name taken by the first restore gets a suffix.
  git(repo_, {"init", "-q", "new repo"});
  EXPECT_EQ(restore(s).set_aside, (std::vector<std::pair<std::string, std::string>>{
                                      {"new repo", (aside / "new repo.2").string()}}));
}

TEST_F(RestoreTest, RepositoriesThatWereThereAreLeftAlone) {
  git(repo_, {"init", "-q", "vendor"});
  StoredSnapshot s = snapshot();
  write_file(repo_ / "vendor" / "theirs.txt", "theirs\n");
  RestoreReport r = restore(s);
  EXPECT_EQ(r.set_aside, (std::vector<std::pair<std::string, std::string>>{}));
  EXPECT_EQ(autofix::testing::read_file(repo_ / "vendor" / "theirs.txt"), "theirs\n");
}

TEST_F(RestoreTest, PathsAreAnnouncedBeforeAnyTemporaryExists) {
  commit({{"a.txt", "a\n"}, {"dir/b.txt", "b\n"}});
  StoredSnapshot s = snapshot();
  write_file(repo_ / "a.txt", "changed\n");
  fs::remove(repo_ / "dir" / "b.txt");
  std::vector<std::string> announced;
  RestoreOptions o;
  o.before_writing = [&](const std::vector<std::string>& paths) {
    for (const auto& e : fs::recursive_directory_iterator(repo_))
      EXPECT_EQ(e.path().filename().string().find(".autofix-tmp-"), std::string::npos) << e.path();
    announced.insert(announced.end(), paths.begin(), paths.end());
  };
  RestoreReport r = restore_snapshot(git::Repository::open(repo_), s, o);
  EXPECT_EQ(announced, (std::vector<std::string>{"a.txt", "dir/b.txt"}));
  EXPECT_EQ(r.written, announced);
}

TEST_F(RestoreTest, RemoveTemporariesTakesOnlyThatProcesssTemporariesOfThosePaths) {
  TempDir outside;
  for (const char* name : {"a.txt.autofix-tmp-123-0", "a.txt.autofix-tmp-123-17", "a.txt.autofix-tmp-124-0",
                           "a.txt.autofix-tmp-123-x", "z.txt.autofix-tmp-123-0", "dir/b.txt.autofix-tmp-123-2"})
    write_file(repo_ / name, "partial\n");
  write_file(outside / "c.txt.autofix-tmp-123-0", "not ours\n");
  fs::create_directory_symlink(outside.path(), repo_ / "link");
  std::vector<std::string> removed =
      remove_temporaries(git::Repository::open(repo_), 123, {"a.txt", "dir/b.txt", "link/c.txt", "../x"});
  EXPECT_EQ(removed, (std::vector<std::string>{"a.txt.autofix-tmp-123-0", "a.txt.autofix-tmp-123-17",
                                               "dir/b.txt.autofix-tmp-123-2"}));
  EXPECT_TRUE(fs::exists(repo_ / "a.txt.autofix-tmp-124-0"));
  EXPECT_TRUE(fs::exists(repo_ / "a.txt.autofix-tmp-123-x"));
  EXPECT_TRUE(fs::exists(repo_ / "z.txt.autofix-tmp-123-0"));
  EXPECT_TRUE(fs::exists(outside / "c.txt.autofix-tmp-123-0"));
}

TEST_F(RestoreTest, GitFilesAndRefsComeBackOnlyWhenAsked) {
  StoredSnapshot s = snapshot();
  std::string config = autofix::testing::read_file(repo_ / ".git" / "config");
  git(repo_, {"config", "core.fsmonitor", "/planted"});
  git(repo_, {"branch", "new-branch"});
  RestoreReport plain = restore(s);
  EXPECT_EQ(plain.git_metadata, std::vector<std::string>{});
  EXPECT_NE(autofix::testing::read_file(repo_ / ".git" / "config"), config);
  RestoreOptions o;
  o.git_metadata = true;
  RestoreReport r = restore_snapshot(git::Repository::open(repo_), s, o);
  ASSERT_EQ(r.git_metadata.size(), 2u);
  EXPECT_EQ(r.git_metadata[0], ".git/config (changed during the operation: restored)");
  EXPECT_EQ(r.git_metadata[1].rfind("refs/heads/new-branch (created during the operation, at ", 0), 0u) << r.git_metadata[1];
  EXPECT_EQ(autofix::testing::read_file(repo_ / ".git" / "config"), config);
  EXPECT_EQ(git(repo_, {"branch", "--list", "new-branch"}), "");
}

// The file behind a new info/exclude rule is not ignored by the rules of the snapshot: it goes.
TEST_F(RestoreTest, AFileHiddenByANewExcludeRuleGoesWhenGitFilesAreRestored) {
  write_file(repo_ / "build" / "out.o", "old output\n");
  write_file(repo_ / ".gitignore", "build/\n");
  StoredSnapshot s = snapshot();
  write_file(repo_ / ".git" / "info" / "exclude", "hidden-*\n");
  write_file(repo_ / "hidden-file", "x\n");
  write_file(repo_ / "build" / "new.o", "new output\n");
  RestoreOptions o;
  o.git_metadata = true;
  RestoreReport r = restore_snapshot(git::Repository::open(repo_), s, o);
  EXPECT_EQ(r.removed, std::vector<std::string>{"hidden-file"});
  EXPECT_FALSE(fs::exists(repo_ / "hidden-file"));
  EXPECT_TRUE(fs::exists(repo_ / "build" / "new.o"));  // ignored by the rules of the snapshot
}

}  // namespace
}  // namespace autofix::snapshot
