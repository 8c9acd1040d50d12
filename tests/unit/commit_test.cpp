// SPDX-License-Identifier: MIT
#include "gate/git/commit.h"

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::git {
namespace {

namespace fs = std::filesystem;
using autofix::testing::git;
using autofix::testing::read_file;
using autofix::testing::TempDir;
using autofix::testing::tree_entries;
using autofix::testing::write_file;

std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

const CommitIdentity kIdentity{{"Fix Author", "author@example.com", GitTime{1700000000, 60}},
                               {"Gate Committer", "committer@example.com", GitTime{1700000100, -120}}};

// HEAD holds a.txt, b.txt and c.txt; the work tree holds the user's uncommitted edit of a.txt.
class Commit : public ::testing::Test {
 protected:
  Commit() : root_(tmp_ / "commit repo") {
    autofix::testing::init_repo(root_);
    write_file(root_ / "a.txt", "a\n");
    write_file(root_ / "b.txt", "b\n");
    write_file(root_ / "c.txt", "c\n");
    git(root_, {"add", "-A"});
    git(root_, {"commit", "-q", "-m", "three files"});
    head_ = trimmed(git(root_, {"rev-parse", "HEAD"}));
    write_file(root_ / "a.txt", "a, edited by the user\n");
    repo_.emplace(Repository::open(root_));
  }

  // The work tree as a tree (everything in it), written through an index of its own.
  git_oid worktree_tree() {
    const fs::path index = tmp_ / "scratch index";
    fs::remove(index);
    std::vector<std::pair<std::string, std::string>> env = {{"GIT_INDEX_FILE", index.string()}};
    EXPECT_TRUE(autofix::testing::run({"git", "add", "-A"}, root_, env).succeeded());
    runners::ProcessResult tree = autofix::testing::run({"git", "write-tree"}, root_, env);
    EXPECT_TRUE(tree.succeeded()) << tree.err;
    return from_hex(trimmed(tree.out));
  }

  std::string show(const std::string& spec) { return git(root_, {"show", spec}); }

  TempDir tmp_;
  fs::path root_;
  std::string head_;
  std::optional<Repository> repo_;
};

TEST_F(Commit, CommitFixHoldsTheFixAloneOnTopOfHead) {
  git_oid before = worktree_tree();
  write_file(root_ / "b.txt", "b, fixed\n");
  fs::remove(root_ / "c.txt");
  const std::string binary("\0\x01\x02 binary\xff\n", 12);
  write_file(root_ / "data.bin", binary);
  git_oid after = worktree_tree();
  const std::string refs = git(root_, {"for-each-ref"});

  git_oid commit = commit_fix(*repo_, from_hex(head_), before, after, "fix: b\n\nbody\n", kIdentity);
  const std::string c = to_hex(commit);
  EXPECT_EQ(trimmed(git(root_, {"rev-parse", c + "^"})), head_);
  EXPECT_EQ(show(c + ":a.txt"), "a\n") << "the user's edit went into the fix commit";
  EXPECT_EQ(show(c + ":b.txt"), "b, fixed\n");
  EXPECT_EQ(trimmed(git(root_, {"ls-tree", "--name-only", c})), "README.md\na.txt\nb.txt\ndata.bin");
  EXPECT_EQ(show(c + ":data.bin"), binary);
  EXPECT_EQ(git(root_, {"log", "-1", "--format=%an <%ae> %at %ai%n%cn <%ce> %ct %ci%n%B", c}),
            "Fix Author <author@example.com> 1700000000 2023-11-14 23:13:20 +0100\n"
            "Gate Committer <committer@example.com> 1700000100 2023-11-14 20:15:00 -0200\n"
            "fix: b\n\nbody\n\n");
  EXPECT_EQ(git(root_, {"for-each-ref"}), refs) << "no reference may name the commit yet";
  EXPECT_EQ(trimmed(git(root_, {"rev-parse", "HEAD"})), head_);
}

TEST_F(Commit, CommitFixRefusesAFixThatOverlapsTheUsersEdit) {
  git_oid before = worktree_tree();
  write_file(root_ / "a.txt", "a, edited by the user and the fix\n");
  git_oid after = worktree_tree();
  try {
    commit_fix(*repo_, from_hex(head_), before, after, "fix\n", kIdentity);
    FAIL() << "the fix was committed with the user's edit";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_EQ(std::string(e.what()).rfind("the fix overlaps uncommitted changes, so it cannot be committed on its own: ", 0),
              0u) << e.what();
    EXPECT_EQ(e.hint(), "commit or stash your work first, or use --on-accept keep");
  }
}

TEST_F(Commit, CommitFixOnAnUnbornHeadIsARootCommit) {
  const fs::path fresh = tmp_ / "unborn repo";
  fs::create_directories(fresh);
  git(fresh, {"init", "-q", "-b", "main"});
  Repository repo = Repository::open(fresh);
  write_file(fresh / "old.txt", "old\n");
  const fs::path index = tmp_ / "unborn index";
  std::vector<std::pair<std::string, std::string>> env = {{"GIT_INDEX_FILE", index.string()}};
  auto tree_now = [&] {
    fs::remove(index);
    EXPECT_TRUE(autofix::testing::run({"git", "add", "-A"}, fresh, env).succeeded());
    return from_hex(trimmed(autofix::testing::run({"git", "write-tree"}, fresh, env).out));
  };
  git_oid before = tree_now();
  write_file(fresh / "new.txt", "new\n");
  git_oid after = tree_now();
  git_oid commit = commit_fix(repo, std::nullopt, before, after, "root\n", kIdentity);
  EXPECT_EQ(trimmed(git(fresh, {"rev-list", "--parents", "-n", "1", to_hex(commit)})), to_hex(commit));
  EXPECT_EQ(trimmed(git(fresh, {"ls-tree", "--name-only", to_hex(commit)})), "new.txt");
}

TEST_F(Commit, CreateBranchPointsANewBranchAtTheCommitOnce) {
  create_branch(*repo_, "autofix/one", from_hex(head_), "autofix-gate: accepted attempt one");
  EXPECT_EQ(trimmed(git(root_, {"rev-parse", "refs/heads/autofix/one"})), head_);
  EXPECT_EQ(trimmed(git(root_, {"reflog", "-1", "--format=%gs", "refs/heads/autofix/one"})),
            "autofix-gate: accepted attempt one");
  try {
    create_branch(*repo_, "autofix/one", from_hex(head_), "again");
    FAIL() << "an existing branch was overwritten";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::git);
    EXPECT_EQ(std::string(e.what()).rfind("cannot create branch autofix/one: ", 0), 0u) << e.what();
  }
}

TEST_F(Commit, CommitOnCurrentBranchMovesTheBranchAndStagesOnlyTheFixedPaths) {
  git(root_, {"add", "a.txt"});  // the user's edit is staged, and stays so
  git_oid before = worktree_tree();
  write_file(root_ / "b.txt", "b, fixed\n");
  fs::remove(root_ / "c.txt");
  git_oid after = worktree_tree();
  git_oid commit = commit_fix(*repo_, from_hex(head_), before, after, "fix\n", kIdentity);
  const auto files_before = tree_entries(root_);

  commit_on_current_branch(*repo_, "refs/heads/main", commit,
                           {{"b.txt", FileStatus::modified}, {"c.txt", FileStatus::deleted}}, "autofix-gate: accepted attempt two");
  EXPECT_EQ(trimmed(git(root_, {"symbolic-ref", "HEAD"})), "refs/heads/main");
  EXPECT_EQ(trimmed(git(root_, {"rev-parse", "main"})), to_hex(commit));
  EXPECT_EQ(trimmed(git(root_, {"reflog", "-1", "--format=%gs", "main"})), "autofix-gate: accepted attempt two");
  EXPECT_EQ(git(root_, {"ls-files", "-s"}),
            "100644 " + trimmed(git(root_, {"rev-parse", "HEAD:README.md"})) + " 0\tREADME.md\n" +
                "100644 " + trimmed(git(root_, {"hash-object", "a.txt"})) + " 0\ta.txt\n" +
                "100644 " + trimmed(git(root_, {"rev-parse", "HEAD:b.txt"})) + " 0\tb.txt\n");
  EXPECT_EQ(git(root_, {"diff", "--cached", "--name-only"}), "a.txt\n");
  EXPECT_EQ(tree_entries(root_), files_before) << "the work tree was touched";
}

TEST_F(Commit, CommitOnCurrentBranchMovesADetachedHeadItself) {
  git(root_, {"checkout", "-q", "--detach"});
  git_oid before = worktree_tree();
  write_file(root_ / "b.txt", "b, fixed\n");
  git_oid after = worktree_tree();
  git_oid commit = commit_fix(*repo_, from_hex(head_), before, after, "fix\n", kIdentity);
  commit_on_current_branch(*repo_, std::nullopt, commit, {{"b.txt", FileStatus::modified}}, "unused for HEAD");
  EXPECT_FALSE(autofix::testing::run({"git", "symbolic-ref", "-q", "HEAD"}, root_).succeeded());
  EXPECT_EQ(trimmed(git(root_, {"rev-parse", "HEAD"})), to_hex(commit));
  EXPECT_EQ(trimmed(git(root_, {"rev-parse", "main"})), head_) << "a branch moved";
}

}  // namespace
}  // namespace autofix::git
