// SPDX-License-Identifier: MIT
#include "gate/git/repository.h"

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::git {
namespace {

namespace fs = std::filesystem;
using autofix::testing::git;
using autofix::testing::init_repo;
using autofix::testing::run;
using autofix::testing::TempDir;
using autofix::testing::write_file;

Error open_error(const fs::path& dir) {
  try {
    Repository::open(dir);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "opened " << dir;
  return Error(ErrorKind::internal, "no error");
}

// main and "other" both change README.md; merging "other" into main stops with a conflict.
void make_merge_conflict(const fs::path& repo) {
  git(repo, {"checkout", "-q", "-b", "other"});
  write_file(repo / "README.md", "other side\n");
  git(repo, {"commit", "-q", "-am", "other"});
  git(repo, {"checkout", "-q", "main"});
  write_file(repo / "README.md", "main side\n");
  git(repo, {"commit", "-q", "-am", "main"});
  runners::ProcessResult r = run({"git", "merge", "-q", "other"}, repo);
  ASSERT_NE(r.exit_code, 0) << "the merge was expected to conflict";
  ASSERT_TRUE(fs::exists(repo / ".git" / "MERGE_HEAD"));
}

TEST(Repository, OpensAWorkTreeAtItsRoot) {
  TempDir dir;
  fs::path repo = dir / "my repo";
  init_repo(repo);
  Repository r = Repository::open(repo);
  EXPECT_NE(r.get(), nullptr);
  EXPECT_EQ(r.workdir(), repo);
  EXPECT_EQ(r.git_dir(), repo / ".git");
}

TEST(Repository, OpensFromASubdirectoryLikeGitDoes) {
  TempDir dir;
  fs::path repo = dir / "repo";
  init_repo(repo);
  fs::create_directories(repo / "a" / "b c");
  Repository r = Repository::open(repo / "a" / "b c");
  EXPECT_EQ(r.workdir(), repo);
  EXPECT_EQ(r.git_dir(), repo / ".git");
}

TEST(Repository, MissingDirectoryIsAUsageError) {
  TempDir dir;
  Error e = open_error(dir / "does not exist");
  EXPECT_EQ(e.kind(), ErrorKind::usage);
  EXPECT_EQ(std::string(e.what()), "no such directory: '" + (dir / "does not exist").string() + "'");
}

TEST(Repository, AFileIsNotADirectory) {
  TempDir dir;
  write_file(dir / "file", "x");
  EXPECT_EQ(open_error(dir / "file").kind(), ErrorKind::usage);
}

TEST(Repository, NonRepositoryIsARepositoryStateError) {
  TempDir dir;
  fs::create_directories(dir / "plain dir");
  Error e = open_error(dir / "plain dir");
  EXPECT_EQ(e.kind(), ErrorKind::repository_state);
  EXPECT_EQ(std::string(e.what()), "not a git repository (or any parent up to /): '" + (dir / "plain dir").string() + "'");
}

TEST(Repository, BareRepositoryIsARepositoryStateError) {
  TempDir dir;
  fs::path bare = dir / "bare.git";
  fs::create_directories(bare);
  git(bare, {"init", "-q", "--bare"});
  Error e = open_error(bare);
  EXPECT_EQ(e.kind(), ErrorKind::repository_state);
  EXPECT_NE(std::string(e.what()).find("is a bare repository"), std::string::npos) << e.what();
}

TEST(Repository, LinkedWorktreeHasItsOwnGitDirectory) {
  TempDir dir;
  fs::path repo = dir / "main repo";
  init_repo(repo);
  git(repo, {"worktree", "add", "-q", "-b", "side", (dir / "linked tree").string()});
  fs::path private_dir = autofix::testing::git(dir / "linked tree", {"rev-parse", "--absolute-git-dir"});
  private_dir = private_dir.string().substr(0, private_dir.string().find('\n'));
  ASSERT_EQ(private_dir.parent_path(), repo / ".git" / "worktrees");
  Repository r = Repository::open(dir / "linked tree");
  EXPECT_EQ(r.workdir(), dir / "linked tree");
  EXPECT_EQ(r.git_dir(), private_dir);
  EXPECT_EQ(r.state_dir(), private_dir / "autofix");
}

TEST(Repository, StateDirectoryIsCreatedOnDemand) {
  TempDir dir;
  init_repo(dir / "repo");
  Repository r = Repository::open(dir / "repo");
  EXPECT_FALSE(fs::exists(dir / "repo" / ".git" / "autofix"));
  EXPECT_EQ(r.state_dir(), dir / "repo" / ".git" / "autofix");
  EXPECT_TRUE(fs::is_directory(dir / "repo" / ".git" / "autofix"));
  EXPECT_EQ(r.state_dir(), dir / "repo" / ".git" / "autofix");  // a second call is fine
}

TEST(Repository, IdleRepositoryIsAccepted) {
  TempDir dir;
  init_repo(dir / "repo");
  Repository r = Repository::open(dir / "repo");
  EXPECT_NO_THROW(r.require_idle());
  EXPECT_EQ(r.operation_in_progress(), std::nullopt);
}

TEST(Repository, MergeInProgressIsRefused) {
  TempDir dir;
  fs::path repo = dir / "repo";
  init_repo(repo);
  make_merge_conflict(repo);
  Repository r = Repository::open(repo);
  EXPECT_EQ(r.operation_in_progress(), "merge");
  try {
    r.require_idle();
    FAIL() << "a merge in progress was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::repository_state);
    EXPECT_EQ(std::string(e.what()), "a merge is in progress in '" + repo.string() + "'");
    EXPECT_NE(e.hint().find("git merge --abort"), std::string::npos) << e.hint();
  }
}

TEST(Repository, CherryPickInProgressIsRefused) {
  TempDir dir;
  fs::path repo = dir / "repo";
  init_repo(repo);
  git(repo, {"checkout", "-q", "-b", "other"});
  write_file(repo / "README.md", "other side\n");
  git(repo, {"commit", "-q", "-am", "other"});
  git(repo, {"checkout", "-q", "main"});
  write_file(repo / "README.md", "main side\n");
  git(repo, {"commit", "-q", "-am", "main"});
  ASSERT_NE(run({"git", "cherry-pick", "other"}, repo).exit_code, 0);
  Repository r = Repository::open(repo);
  EXPECT_EQ(r.operation_in_progress(), "cherry-pick");
  try {
    r.require_idle();
    FAIL() << "a cherry-pick in progress was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::repository_state);
    EXPECT_EQ(std::string(e.what()), "a cherry-pick is in progress in '" + repo.string() + "'");
  }
}

TEST(Repository, IndexLockIsRefusedWithADifferentMessage) {
  TempDir dir;
  fs::path repo = dir / "repo";
  init_repo(repo);
  write_file(repo / ".git" / "index.lock", "");
  Repository r = Repository::open(repo);
  EXPECT_EQ(r.operation_in_progress(), std::nullopt);  // a lock is not an operation
  try {
    r.require_idle();
    FAIL() << "an index.lock was ignored";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::repository_state);
    EXPECT_EQ(std::string(e.what()),
              "another git process is writing the index ('" + (repo / ".git" / "index.lock").string() + "' exists)");
    EXPECT_EQ(std::string(e.what()).find("merge"), std::string::npos);
  }
  fs::remove(repo / ".git" / "index.lock");
  EXPECT_NO_THROW(r.require_idle());
}

}  // namespace
}  // namespace autofix::git
