// SPDX-License-Identifier: MIT
#include "gate/snapshot/git_metadata.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::snapshot {
namespace {

namespace fs = std::filesystem;
using autofix::testing::git;
using autofix::testing::init_repo;
using autofix::testing::TempDir;
using autofix::testing::write_file;
using Strings = std::vector<std::string>;

class GitMetadataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_repo(repo_);
    git(repo_, {"branch", "topic"});
    git(repo_, {"tag", "v1"});
    git(repo_, {"pack-refs", "--all"});
    git(repo_, {"branch", "loose"});
    git(repo_, {"symbolic-ref", "refs/remotes/origin/HEAD", "refs/heads/main"});
    write_file(repo_ / ".git" / "hooks" / "pre-commit", "#!/bin/sh\nexit 0\n");
    fs::permissions(repo_ / ".git" / "hooks" / "pre-commit", fs::perms(0755));
    write_file(repo_ / ".git" / "info" / "exclude", "*.local\n");
    git(repo_, {"update-ref", "refs/autofix/snapshots/S1", "HEAD"});  // the gate's own: never saved
  }

  GitMetadata capture() { return capture_git_metadata(git::Repository::open(repo_)); }

  TempDir dir_;
  fs::path repo_ = dir_ / "work tree";
};

TEST_F(GitMetadataTest, CaptureSavesTheFilesAndEveryRefButTheGatesOwn) {
  GitMetadata m = capture();
  std::string head = git(repo_, {"rev-parse", "HEAD"});
  head.pop_back();
  EXPECT_EQ(m.refs, (std::map<std::string, std::string>{{"refs/heads/loose", head},
                                                         {"refs/heads/main", head},
                                                         {"refs/heads/topic", head},
                                                         {"refs/remotes/origin/HEAD", "ref: refs/heads/main"},
                                                         {"refs/tags/v1", head}}));
  std::string listing = git(repo_, {"ls-tree", "-r", "--name-only", git::to_hex(m.files)});
  EXPECT_NE(listing.find("config\n"), std::string::npos) << listing;
  EXPECT_NE(listing.find("hooks/pre-commit\n"), std::string::npos) << listing;
  EXPECT_NE(listing.find("info/exclude\n"), std::string::npos) << listing;
  EXPECT_EQ(git(repo_, {"ls-tree", git::to_hex(m.files), "hooks/pre-commit"}).substr(0, 6), "100755");
  EXPECT_EQ(git_metadata_differences(git::Repository::open(repo_), m), Strings{});
}

TEST_F(GitMetadataTest, PlantedConfigHooksAndExcludeRulesAreUndoneAndNamed) {
  GitMetadata m = capture();
  std::string config = testing::read_file(repo_ / ".git" / "config");
  git(repo_, {"config", "core.fsmonitor", "/tmp/planted"});
  git(repo_, {"config", "core.hooksPath", "/tmp/planted-hooks"});
  write_file(repo_ / ".git" / "hooks" / "post-checkout", "#!/bin/sh\nplanted\n");
  fs::remove(repo_ / ".git" / "hooks" / "pre-commit");
  write_file(repo_ / ".git" / "info" / "exclude", "*.local\nhidden-*\n");
  fs::create_directories(repo_ / ".git" / "info" / "new dir");
  GitMetadataScope files_only;
  files_only.refs = false;
  GitMetadataRestore r = restore_git_metadata(git::Repository::open(repo_), m, files_only);
  EXPECT_EQ(r.restored, (Strings{".git/config (changed during the operation: restored)",
                                 ".git/hooks/post-checkout (created during the operation: removed)",
                                 ".git/hooks/pre-commit (deleted during the operation: restored)",
                                 ".git/info/new dir (created during the operation: removed)",
                                 ".git/info/exclude (changed during the operation: restored)"}));
  EXPECT_EQ(testing::read_file(repo_ / ".git" / "config"), config);
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "hooks" / "post-checkout"));
  EXPECT_EQ(fs::status(repo_ / ".git" / "hooks" / "pre-commit").permissions(), fs::perms(0755));
  EXPECT_EQ(testing::read_file(repo_ / ".git" / "info" / "exclude"), "*.local\n");
  EXPECT_FALSE(fs::exists(repo_ / ".git" / "info" / "new dir"));
  EXPECT_EQ(git_metadata_differences(git::Repository::open(repo_), m), Strings{});
}

TEST_F(GitMetadataTest, DeletedMovedAndCreatedRefsAreUndoneAndKeptRefsAreLeftAlone) {
  GitMetadata m = capture();
  std::string before = git(repo_, {"for-each-ref", "--format=%(refname) %(objectname) %(symref)"});
  write_file(repo_ / "x.txt", "x\n");
  git(repo_, {"add", "x.txt"});
  git(repo_, {"commit", "-q", "-m", "x"});
  std::string moved_to = git(repo_, {"rev-parse", "--short=12", "HEAD"});
  moved_to.pop_back();
  git(repo_, {"branch", "-f", "loose", "HEAD"});
  git(repo_, {"branch", "-D", "topic"});
  git(repo_, {"tag", "-d", "v1"});
  git(repo_, {"branch", "evil"});
  git(repo_, {"branch", "autofix/S1"});
  git(repo_, {"reset", "-q", "--soft", "HEAD~1"});
  GitMetadataScope scope;
  scope.files = false;
  scope.leave_ref = [](const std::string& ref) { return ref == "refs/heads/autofix/S1"; };
  GitMetadataRestore r = restore_git_metadata(git::Repository::open(repo_), m, scope);
  std::string head = m.refs.at("refs/heads/main").substr(0, 12);
  EXPECT_EQ(r.restored, (Strings{"refs/heads/evil (created during the operation, at " + moved_to + ": deleted)",
                                 "refs/heads/loose (moved to " + moved_to + ": restored at " + head + ")",
                                 "refs/heads/topic (deleted during the operation: restored at " + head + ")",
                                 "refs/tags/v1 (deleted during the operation: restored at " + head + ")"}));
  EXPECT_EQ(r.lost, Strings{});
  std::string after = git(repo_, {"for-each-ref", "--format=%(refname) %(objectname) %(symref)"});
  std::string kept = "refs/heads/autofix/S1 " + git(repo_, {"rev-parse", "autofix/S1"}).substr(0, 40) + " \n";
  size_t at = after.find(kept);
  ASSERT_NE(at, std::string::npos) << after;
  EXPECT_EQ(after.erase(at, kept.size()), before);
}

TEST_F(GitMetadataTest, ARefWhoseObjectIsGoneIsReportedAsLost) {
  GitMetadata m = capture();
  m.refs["refs/tags/gone"] = std::string(40, 'e');
  GitMetadataRestore r = restore_git_metadata(git::Repository::open(repo_), m);
  EXPECT_EQ(r.restored, Strings{});
  EXPECT_EQ(r.lost, Strings{"refs/tags/gone (was at eeeeeeeeeeee, an object that no longer exists)"});
}

}  // namespace
}  // namespace autofix::snapshot
