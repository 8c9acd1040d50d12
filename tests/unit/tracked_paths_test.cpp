// SPDX-License-Identifier: MIT
#include "gate/git/tracked_paths.h"

#include <algorithm>
#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix::git {
namespace {

namespace fs = std::filesystem;
using autofix::testing::git;
using autofix::testing::TempDir;
using autofix::testing::write_file;
using Strings = std::vector<std::string>;

class TrackedPaths : public ::testing::Test {
 protected:
  TrackedPaths() : root_(tmp_ / "tracked paths") {
    autofix::testing::init_repo(root_);
    write_file(root_ / ".gitignore", "*.log\n");
    write_file(root_ / "build/tracked.txt", "t\n");
    write_file(root_ / "build/sub/deep.txt", "d\n");
    write_file(root_ / "build2/other.txt", "a sibling whose name starts the same\n");
    git(root_, {"add", "-A"});
    git(root_, {"commit", "-q", "-m", "files"});
    write_file(root_ / "build/new.txt", "n\n");
    write_file(root_ / "build/x/y/z.txt", "z\n");
    write_file(root_ / "build/ignored.log", "i\n");
    write_file(root_ / "build2/new.txt", "n\n");
    repo_.emplace(Repository::open(root_));
  }

  TempDir tmp_;
  fs::path root_;
  std::optional<Repository> repo_;
};

TEST_F(TrackedPaths, TrackedPathsUnderADirectoryAreTheIndexs) {
  EXPECT_EQ(tracked_paths_under(*repo_, "build"), (Strings{"build/sub/deep.txt", "build/tracked.txt"}));
  EXPECT_EQ(tracked_paths_under(*repo_, "build/sub"), (Strings{"build/sub/deep.txt"}));
  EXPECT_EQ(tracked_paths_under(*repo_, "nothing"), Strings{});
  git(root_, {"add", "build/new.txt"});  // read from disk: what another git just staged counts
  EXPECT_EQ(tracked_paths_under(*repo_, "build"), (Strings{"build/new.txt", "build/sub/deep.txt", "build/tracked.txt"}));
}

TEST_F(TrackedPaths, APathInConflictIsNamedOnce) {
  git(root_, {"checkout", "-q", "-b", "other"});
  write_file(root_ / "build/tracked.txt", "other\n");
  git(root_, {"commit", "-q", "-am", "other"});
  git(root_, {"checkout", "-q", "main"});
  write_file(root_ / "build/tracked.txt", "main\n");
  git(root_, {"commit", "-q", "-am", "main"});
  ASSERT_FALSE(autofix::testing::run({"git", "merge", "-q", "other"}, root_).succeeded());
  const std::string stages = git(root_, {"ls-files", "-s", "build/tracked.txt"});
  ASSERT_EQ(std::count(stages.begin(), stages.end(), '\n'), 3) << stages;
  EXPECT_EQ(tracked_paths_under(*repo_, "build"), (Strings{"build/sub/deep.txt", "build/tracked.txt"}));
}

TEST_F(TrackedPaths, UntrackedPathsAreTheFilesNeitherTrackedNorIgnored) {
  EXPECT_EQ(untracked_paths_under(*repo_, "build"), (Strings{"build/new.txt", "build/x/y/z.txt"}));
  EXPECT_EQ(untracked_paths_under(*repo_, "build2"), (Strings{"build2/new.txt"}));
  EXPECT_EQ(untracked_paths_under(*repo_, "nothing"), Strings{});
}

}  // namespace
}  // namespace autofix::git
