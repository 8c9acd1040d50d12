// SPDX-License-Identifier: MIT
#include "gate/snapshot/vault.h"

#include <sys/stat.h>

#include <cstdlib>

#include <gtest/gtest.h>

#include "gate/snapshot/snapshot_store.h"
#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using autofix::testing::git;
using autofix::testing::init_repo;
using autofix::testing::TempDir;
using autofix::testing::write_file;

// Sets (or unsets, for nullptr) an environment variable for the scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string hex_of(const std::string& content) {
  git_oid oid;
  git_odb_hash(&oid, content.data(), content.size(), GIT_OBJECT_BLOB);
  return git::to_hex(oid);
}

fs::path loose(const fs::path& objects, const std::string& hex) { return objects / hex.substr(0, 2) / hex.substr(2); }

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_repo(repo_);
    write_file(repo_ / "untracked.txt", kOnlyInTheSnapshot);
  }
  static constexpr const char* kOnlyInTheSnapshot = "content only the snapshot has 7f31\n";
  TempDir dir_;
  fs::path repo_ = dir_ / "work tree";
  ScopedEnv state_{"XDG_STATE_HOME", (dir_ / "state home").c_str()};
};

TEST(VaultStateHome, IsXdgStateHomeThenHomeAndNeverARelativePath) {
  {
    ScopedEnv x("XDG_STATE_HOME", "/somewhere/state");
    ScopedEnv h("HOME", "/home/someone");
    EXPECT_EQ(Vault::state_home(), fs::path("/somewhere/state/autofix-gate"));
  }
  {
    ScopedEnv x("XDG_STATE_HOME", "relative/state");  // ignored, as the XDG specification says
    ScopedEnv h("HOME", "/home/someone");
    EXPECT_EQ(Vault::state_home(), fs::path("/home/someone/.local/state/autofix-gate"));
  }
  {
    ScopedEnv x("XDG_STATE_HOME", nullptr);
    ScopedEnv h("HOME", nullptr);
    EXPECT_EQ(Vault::state_home(), std::nullopt);
  }
}

TEST_F(VaultTest, OneDirectoryPerRepository) {
  TempDir other;
  init_repo(other / "other");
  git::Repository a = git::Repository::open(repo_);
  git::Repository b = git::Repository::open(other / "other");
  ASSERT_TRUE(Vault::of(a).dir());
  EXPECT_EQ(Vault::of(a).dir()->parent_path(), dir_ / "state home" / "autofix-gate");
  EXPECT_EQ(Vault::of(a).dir(), Vault::of(git::Repository::open(repo_ / ".git" / "..")).dir());
  EXPECT_NE(Vault::of(a).dir(), Vault::of(b).dir());
  EXPECT_EQ(Vault::of(a).journal_path(), *Vault::of(a).dir() / "journal.json");
}

TEST_F(VaultTest, CreateMakesAPrivateDirectoryNamingTheRepository) {
  git::Repository repo = git::Repository::open(repo_);
  Vault v = Vault::of(repo);
  v.create();
  struct stat st;
  ASSERT_EQ(::lstat(v.dir()->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(testing::read_file(*v.dir() / "repository"), fs::canonical(repo_ / ".git").string() + "\n");
  v.remove();
  EXPECT_FALSE(fs::exists(*v.dir()));
  EXPECT_NO_THROW(v.remove());  // gone already
}

TEST_F(VaultTest, WithoutAStateHomeCreateIsAnIoErrorWithAHint) {
  ScopedEnv x("XDG_STATE_HOME", nullptr);
  ScopedEnv h("HOME", nullptr);
  git::Repository repo = git::Repository::open(repo_);
  Vault v = Vault::of(repo);
  EXPECT_EQ(v.dir(), std::nullopt);
  try {
    v.create();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_STREQ(e.what(), "there is no place for the rollback's private copy: neither XDG_STATE_HOME nor HOME is an "
                           "absolute path");
    EXPECT_EQ(e.hint(), "set XDG_STATE_HOME (or HOME) to a directory of yours; see docs/snapshots.md");
  }
}

// The scenario of issue #17 item 3: the snapshot's ref deleted and its objects pruned.
TEST_F(VaultTest, PrunedSnapshotObjectsAreReadFromTheCopyAndWrittenBack) {
  std::string hex = hex_of(kOnlyInTheSnapshot);
  Vault v;
  {
    git::Repository repo = git::Repository::open(repo_);
    snapshot::StoredSnapshot s = snapshot::SnapshotStore(repo).create("");
    v = Vault::of(repo);
    EXPECT_GT(v.keep(repo, {s.commit}), 3u);  // commit, trees, blobs
    EXPECT_EQ(v.keep(repo, {s.commit}), 0u) << "what the copy has is not copied again";
  }
  EXPECT_TRUE(fs::exists(loose(*v.objects_dir(), hex)));
  git(repo_, {"update-ref", "-d", "refs/autofix/snapshots/" + snapshot::SnapshotStore(git::Repository::open(repo_)).list().front().manifest.id});
  git(repo_, {"reflog", "expire", "--expire=now", "--all"});
  git(repo_, {"gc", "-q", "--prune=now"});
  ASSERT_NE(testing::run({"git", "cat-file", "-e", hex}, repo_).exit_code, 0) << "the object was not pruned";

  git::Repository repo = git::Repository::open(repo_);
  git_oid blob = git::from_hex(hex);
  git::BlobPtr found;
  EXPECT_NE(git_blob_lookup(git::out(found), repo.get(), &blob), 0);
  ASSERT_TRUE(v.attach(repo));
  ASSERT_EQ(git_blob_lookup(git::out(found), repo.get(), &blob), 0);
  EXPECT_EQ(std::string(static_cast<const char*>(git_blob_rawcontent(found.get())), git_blob_rawsize(found.get())),
            kOnlyInTheSnapshot);
  EXPECT_GT(v.give_back(repo), 3u);
  EXPECT_EQ(testing::run({"git", "cat-file", "-e", hex}, repo_).exit_code, 0) << "not written back into .git";
  EXPECT_EQ(v.give_back(repo), 0u);
}

// Every object read from the copy is hashed first: a damaged copy fails loudly instead of restoring wrong bytes.
TEST_F(VaultTest, ADamagedObjectInTheCopyIsRefused) {
  std::string hex = hex_of(kOnlyInTheSnapshot);
  git::Repository repo = git::Repository::open(repo_);
  snapshot::StoredSnapshot s = snapshot::SnapshotStore(repo).create("");
  Vault v = Vault::of(repo);
  v.keep(repo, {s.commit});
  // Another valid object's file in its place: well-formed, but not the object with this name.
  fs::path target = loose(*v.objects_dir(), hex);
  fs::path other = loose(*v.objects_dir(), hex_of("# test repository\n"));
  fs::permissions(target, fs::perms::owner_write, fs::perm_options::add);
  fs::copy_file(other, target, fs::copy_options::overwrite_existing);
  fs::remove(loose(repo_ / ".git" / "objects", hex));
  git::Repository fresh = git::Repository::open(repo_);
  ASSERT_TRUE(v.attach(fresh));
  git_oid blob = git::from_hex(hex);
  git::BlobPtr found;
  EXPECT_LT(git_blob_lookup(git::out(found), fresh.get(), &blob), 0);
  std::string message = git_error_last() ? git_error_last()->message : "";
  EXPECT_NE(message.find("hash"), std::string::npos) << message;
}

// The copy costs what the changes cost: what HEAD's tree holds at the same place is not copied.
TEST_F(VaultTest, WhatTheBaseTreeHoldsIsNotCopied) {
  for (int d = 0; d < 5; ++d)
    for (int f = 0; f < 5; ++f) write_file(repo_ / ("dir" + std::to_string(d)) / ("f" + std::to_string(f)), "x" + std::to_string(d * 10 + f));
  git(repo_, {"add", "dir0", "dir1", "dir2", "dir3", "dir4"});  // untracked.txt stays untracked
  git(repo_, {"commit", "-q", "-m", "files"});
  write_file(repo_ / "dir3" / "f1", "changed\n");
  git::Repository repo = git::Repository::open(repo_);
  snapshot::StoredSnapshot s = snapshot::SnapshotStore(repo).create("");
  git::CommitPtr head;
  ASSERT_EQ(git_commit_lookup(git::out(head), repo.get(), &*s.manifest.head.oid), 0);
  git_oid head_tree = *git_commit_tree_id(head.get());
  Vault v = Vault::of(repo);
  size_t written = v.keep(repo, {s.commit}, {{s.manifest.worktree_tree, head_tree}, {*s.manifest.staged_tree, head_tree}});
  // The changed file and the untracked one, their trees (worktree/, worktree/dir3), the commit, the root tree,
  // the index, the manifest and the saved .git files: but none of the 24 unchanged files nor 4 unchanged trees.
  EXPECT_TRUE(fs::exists(loose(*v.objects_dir(), hex_of("changed\n"))));
  EXPECT_TRUE(fs::exists(loose(*v.objects_dir(), hex_of(kOnlyInTheSnapshot))));
  EXPECT_FALSE(fs::exists(loose(*v.objects_dir(), hex_of("x0"))));
  EXPECT_FALSE(fs::exists(loose(*v.objects_dir(), git::to_hex(*s.manifest.staged_tree))));
  Vault full = v;
  v.remove();
  size_t everything = full.keep(repo, {s.commit});
  EXPECT_GE(everything, written + 24 + 4) << written;
}

TEST_F(VaultTest, AttachWithoutACopySaysSo) {
  git::Repository repo = git::Repository::open(repo_);
  EXPECT_FALSE(Vault::of(repo).attach(repo));
}

}  // namespace
}  // namespace autofix
