// SPDX-License-Identifier: MIT
#include "gate/git/record_commit.h"

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::git {
namespace {

using autofix::testing::git;
using autofix::testing::TempDir;
using autofix::testing::write_file;

const CommitIdentity kIdentity{{"Gate", "gate@example.com", GitTime{1700000000, 0}},
                               {"Gate", "gate@example.com", GitTime{1700000000, 0}}};

std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

struct RecordRepo {
  TempDir tmp;
  std::filesystem::path root = tmp / "record repo";
  RecordRepo() {
    autofix::testing::init_repo(root);
    write_file(root / "src" / "a.txt", "a\n");
    git(root, {"add", "src/a.txt"});
    git(root, {"commit", "-q", "-m", "a"});
  }
  git_oid oid(const std::string& spec) const { return from_hex(trimmed(git(root, {"rev-parse", spec}))); }
};

TEST(RecordCommit, WritesACommitOfTheTreeUnderANewRefAndReadsItBack) {
  RecordRepo r;
  Repository repo = Repository::open(r.root);
  const git_oid tree = r.oid("HEAD^{tree}");
  const git_oid commit = write_record_commit(repo, tree, r.oid("HEAD"), "autofix-gate checkpoint B/1\n\n{}\n", kIdentity);
  EXPECT_EQ(trimmed(git(r.root, {"rev-parse", to_hex(commit) + "^"})), to_hex(r.oid("HEAD")));
  EXPECT_EQ(reference_target(repo, "refs/autofix/checkpoints/B/1"), std::nullopt);
  create_new_reference(repo, "refs/autofix/checkpoints/B/1", commit, "test");
  ASSERT_TRUE(reference_target(repo, "refs/autofix/checkpoints/B/1").has_value());
  EXPECT_EQ(to_hex(*reference_target(repo, "refs/autofix/checkpoints/B/1")), to_hex(commit));
  std::optional<RecordCommit> read = read_record_commit(repo, commit);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(to_hex(read->tree), to_hex(tree));
  EXPECT_EQ(read->message, "autofix-gate checkpoint B/1\n\n{}\n");
  EXPECT_EQ(read_record_commit(repo, from_hex(std::string(40, '1'))), std::nullopt);
  // An existing ref is never moved.
  try {
    create_new_reference(repo, "refs/autofix/checkpoints/B/1", r.oid("HEAD"), "test");
    ADD_FAILURE() << "moved an existing ref";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::git);
    EXPECT_TRUE(std::string(e.what()).starts_with("cannot create the ref refs/autofix/checkpoints/B/1: ")) << e.what();
  }
  EXPECT_EQ(to_hex(*reference_target(repo, "refs/autofix/checkpoints/B/1")), to_hex(commit));
}

TEST(RecordCommit, MissingObjectsNamesEachPathWhoseObjectIsGone) {
  RecordRepo r;
  Repository repo = Repository::open(r.root);
  const git_oid tree = r.oid("HEAD^{tree}");
  EXPECT_EQ(missing_objects(repo, tree), std::vector<std::string>{});
  const std::string blob = to_hex(r.oid("HEAD:src/a.txt"));
  std::filesystem::remove(r.root / ".git" / "objects" / blob.substr(0, 2) / blob.substr(2));
  EXPECT_EQ(missing_objects(repo, tree), std::vector<std::string>{"src/a.txt (" + blob + ")"});
  const std::string subtree = to_hex(r.oid("HEAD:src"));
  std::filesystem::remove(r.root / ".git" / "objects" / subtree.substr(0, 2) / subtree.substr(2));
  EXPECT_EQ(missing_objects(repo, tree), std::vector<std::string>{"src (" + subtree + ")"});
}

}  // namespace
}  // namespace autofix::git
