// SPDX-License-Identifier: MIT
#include "gate/git/commit_walk.h"

#include <gtest/gtest.h>

#include "gate/git/reference.h"
#include "gate/git/tree_edit.h"
#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::git {
namespace {

namespace fs = std::filesystem;
using autofix::testing::git;
using autofix::testing::TempDir;
using autofix::testing::write_file;

std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// main: base -> a (trailers) -> merge of side -> b; side branches off base.
class CommitWalk : public ::testing::Test {
 protected:
  CommitWalk() : root_(tmp_ / "walk repo") {
    autofix::testing::init_repo(root_);
    base_ = commit("base.txt", "base\n", "base");
    a_ = commit("x/a.txt", "a\n", "autofix: a\n\nAutofix-Attempt: 20261207T000000Z-aaaaaa\nAutofix-Fix: a");
    git(root_, {"checkout", "-q", "-b", "side", base_});
    side_ = commit("side.txt", "s\n", "side work");
    git(root_, {"checkout", "-q", "main"});
    git(root_, {"merge", "-q", "--no-ff", "-m", "merge side", "side"});
    merge_ = head();
    b_ = commit("x/b.txt", "b\n", "b");
    repo_.emplace(Repository::open(root_));
  }
  std::string commit(const std::string& path, const std::string& content, const std::string& message) {
    fs::create_directories((root_ / path).parent_path());
    write_file(root_ / path, content);
    git(root_, {"add", "-A"});
    git(root_, {"commit", "-q", "-m", message});
    return head();
  }
  std::string head() { return trimmed(git(root_, {"rev-parse", "HEAD"})); }
  std::vector<std::string> ids(const std::vector<WalkedCommit>& walked) {
    std::vector<std::string> out;
    for (const WalkedCommit& w : walked) out.push_back(to_hex(w.id));
    return out;
  }
  TempDir tmp_;
  fs::path root_;
  std::string base_, a_, side_, merge_, b_;
  std::optional<Repository> repo_;
};

TEST_F(CommitWalk, FirstParentLineNewestFirstWithSummariesAndTrailers) {
  std::vector<WalkedCommit> walked = first_parent_commits_since(*repo_, from_hex(base_), from_hex(b_));
  EXPECT_EQ(ids(walked), (std::vector<std::string>{b_, merge_, a_}));  // side's commit is not on the line
  EXPECT_EQ(walked[2].summary, "autofix: a");
  EXPECT_EQ(walked[2].trailers, (std::vector<std::pair<std::string, std::string>>{
                                    {"Autofix-Attempt", "20261207T000000Z-aaaaaa"}, {"Autofix-Fix", "a"}}));
  EXPECT_EQ(walked[1].parents, 2u);
  EXPECT_EQ(to_hex(*walked[0].first_parent), merge_);
  EXPECT_TRUE(first_parent_commits_since(*repo_, from_hex(b_), from_hex(b_)).empty());
}

TEST_F(CommitWalk, ACommitOffTheFirstParentLineIsAUsageError) {
  EXPECT_TRUE(is_ancestor(*repo_, from_hex(side_), from_hex(b_)));  // an ancestor, through the merge
  EXPECT_FALSE(is_ancestor(*repo_, from_hex(b_), from_hex(base_)));
  try {
    first_parent_commits_since(*repo_, from_hex(side_), from_hex(b_));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_EQ(std::string(e.what()), "commit " + side_ + " is not on the first-parent line of " + b_);
  }
}

TEST_F(CommitWalk, TreeWithPathsFromTakesAddsAndRemovesExactlyThosePaths) {
  const git_oid base_tree = from_hex(trimmed(git(root_, {"rev-parse", base_ + "^{tree}"})));
  const git_oid head_tree = from_hex(trimmed(git(root_, {"rev-parse", b_ + "^{tree}"})));
  // x/a.txt and x/b.txt are gone from base: they go; base.txt is the same; side.txt stays as HEAD has it.
  git_oid edited = tree_with_paths_from(*repo_, head_tree, base_tree, {"x/a.txt", "x/b.txt", "base.txt", "nowhere.txt"});
  EXPECT_EQ(git(root_, {"ls-tree", "-r", "--name-only", to_hex(edited)}), "README.md\nbase.txt\nside.txt\n");
  git_oid back = tree_with_paths_from(*repo_, edited, head_tree, {"x/b.txt"});
  EXPECT_EQ(git(root_, {"ls-tree", "-r", "--name-only", to_hex(back)}), "README.md\nbase.txt\nside.txt\nx/b.txt\n");
}

TEST_F(CommitWalk, UpstreamIsReadFromTheBranchsConfiguration) {
  EXPECT_FALSE(branch_has_upstream(*repo_, "refs/heads/main"));
  git(root_, {"config", "branch.main.remote", "."});
  git(root_, {"config", "branch.main.merge", "refs/heads/side"});
  EXPECT_TRUE(branch_has_upstream(*repo_, "refs/heads/main"));
}

}  // namespace
}  // namespace autofix::git
