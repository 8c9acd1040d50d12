// SPDX-License-Identifier: MIT
#include "gate/git/revision.h"

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::git {
namespace {

namespace fs = std::filesystem;
using autofix::testing::git;
using autofix::testing::TempDir;
using autofix::testing::write_file;
using Outcome = RevisionLookup::Outcome;

std::string rev_parse(const fs::path& repo, const std::string& spec) {
  std::string out = git(repo, {"rev-parse", spec});
  return out.substr(0, out.find('\n'));
}

// main: initial -> second; topic branches off at initial with one commit; v1 an annotated tag on second;
// lonely an orphan branch with no history in common.
class Revision : public ::testing::Test {
 protected:
  Revision() : root_(tmp_ / "revision repo") {
    autofix::testing::init_repo(root_);
    git(root_, {"checkout", "-q", "-b", "topic"});
    write_file(root_ / "topic.txt", "topic\n");
    git(root_, {"add", "-A"});
    git(root_, {"commit", "-q", "-m", "topic"});
    git(root_, {"checkout", "-q", "main"});
    write_file(root_ / "second.txt", "second\n");
    git(root_, {"add", "-A"});
    git(root_, {"commit", "-q", "-m", "second"});
    git(root_, {"tag", "-a", "v1", "-m", "version 1"});
    git(root_, {"checkout", "-q", "--orphan", "lonely"});
    git(root_, {"commit", "-q", "-m", "lonely"});
    git(root_, {"checkout", "-q", "main"});
    repo_.emplace(Repository::open(root_));
  }

  TempDir tmp_;
  fs::path root_;
  std::optional<Repository> repo_;
};

TEST_F(Revision, LookupCommitGivesTheIdTreeAndParentsOfWhatASpecNames) {
  for (const std::string& spec : std::vector<std::string>{"HEAD", "main", "HEAD~1", "v1", "topic", rev_parse(root_, "HEAD~1")}) {
    RevisionLookup found = lookup_commit(*repo_, spec);
    ASSERT_EQ(found.outcome, Outcome::commit) << spec;
    EXPECT_EQ(to_hex(found.commit.id), rev_parse(root_, spec + "^{commit}")) << spec;
    EXPECT_EQ(to_hex(found.commit.tree), rev_parse(root_, spec + "^{tree}")) << spec;
    EXPECT_EQ(found.commit.parents, spec == "HEAD~1" || spec.size() == 40 ? 0u : 1u) << spec;
    EXPECT_EQ(found.reason, "") << spec;
  }
}

TEST_F(Revision, LookupCommitSaysWhatIsMissingAndWhatIsNoCommit) {
  RevisionLookup missing = lookup_commit(*repo_, "no-such-branch");
  EXPECT_EQ(missing.outcome, Outcome::not_found);
  EXPECT_EQ(missing.reason, "revspec 'no-such-branch' not found");
  RevisionLookup tree = lookup_commit(*repo_, "HEAD^{tree}");
  EXPECT_EQ(tree.outcome, Outcome::not_a_commit);
  RevisionLookup blob = lookup_commit(*repo_, "HEAD:README.md");
  EXPECT_EQ(blob.outcome, Outcome::not_a_commit);
}

TEST_F(Revision, RevisionExistsForAnyObject) {
  EXPECT_TRUE(revision_exists(*repo_, "refs/heads/topic"));
  EXPECT_TRUE(revision_exists(*repo_, "HEAD:README.md"));
  EXPECT_FALSE(revision_exists(*repo_, "refs/heads/master"));
  EXPECT_FALSE(revision_exists(*repo_, "refs/remotes/origin/HEAD"));
}

TEST_F(Revision, TreeOfCommitIsItsTreeOrAnErrorNamingWhat) {
  EXPECT_EQ(to_hex(tree_of_commit(*repo_, from_hex(rev_parse(root_, "topic")), "the topic")),
            rev_parse(root_, "topic^{tree}"));
  try {
    tree_of_commit(*repo_, from_hex(rev_parse(root_, "HEAD^{tree}")), "HEAD's commit");
    FAIL() << "a tree was read as a commit";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::git);
    EXPECT_EQ(std::string(e.what()).rfind("cannot read HEAD's commit: ", 0), 0u) << e.what();
  }
}

TEST_F(Revision, MergeBaseIsWhereHistoriesMeet) {
  std::optional<git_oid> base = merge_base(*repo_, from_hex(rev_parse(root_, "main")), from_hex(rev_parse(root_, "topic")));
  ASSERT_TRUE(base);
  EXPECT_EQ(to_hex(*base), rev_parse(root_, "main~1"));
  base = merge_base(*repo_, from_hex(rev_parse(root_, "main")), from_hex(rev_parse(root_, "main~1")));
  ASSERT_TRUE(base);
  EXPECT_EQ(to_hex(*base), rev_parse(root_, "main~1"));
  EXPECT_FALSE(merge_base(*repo_, from_hex(rev_parse(root_, "main")), from_hex(rev_parse(root_, "lonely"))));
}

}  // namespace
}  // namespace autofix::git
