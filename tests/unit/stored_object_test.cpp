// SPDX-License-Identifier: MIT
#include "gate/git/stored_object.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "gate/git/hash_text.h"
#include "tests/support/test_support.h"

namespace autofix::git {
namespace {

namespace fs = std::filesystem;
using autofix::testing::git;
using autofix::testing::init_repo;
using autofix::testing::run;
using autofix::testing::TempDir;

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

class StoredObjectTest : public ::testing::Test {
 protected:
  void SetUp() override { init_repo(repo_); }

  fs::path object_file(const git_oid& id) {
    std::string hex = to_hex(id);
    return repo_ / ".git" / "objects" / hex.substr(0, 2) / hex.substr(2);
  }
  // What libgit2 reads back for `id`, through a repository opened afresh.
  std::string read_back(const git_oid& id) {
    Repository again = Repository::open(repo_);
    OdbPtr odb;
    check(git_repository_odb(out(odb), again.get()), "open odb");
    OdbObjectPtr object;
    check(git_odb_read(out(object), odb.get(), &id), "read object");
    EXPECT_EQ(git_odb_object_type(object.get()), GIT_OBJECT_BLOB);
    return std::string(static_cast<const char*>(git_odb_object_data(object.get())), git_odb_object_size(object.get()));
  }
  // What `git hash-object` gives for the same bytes (without writing them).
  std::string git_hash(const std::string& content) {
    autofix::testing::write_file(dir_ / "content", content);
    return first_line(git(repo_, {"hash-object", "--no-filters", (dir_ / "content").string()}));
  }

  TempDir dir_;
  fs::path repo_ = dir_ / "work tree";
};

TEST_F(StoredObjectTest, WritesABlobThatLibgit2AndGitReadBackExactly) {
  std::string binary("a\0b\r\n\xff\xfe tail", 12);
  std::string large;  // more than one stored block (64 KiB) of zlib
  for (int i = 0; i < 50000; ++i) large += std::to_string(i) + (i % 7 ? " " : "\n");
  Repository r = Repository::open(repo_);
  for (const std::string& content : {std::string(), std::string("hello\n"), binary, large}) {
    git_oid id = store_blob_uncompressed(r, content, "the test content");
    EXPECT_EQ(to_hex(id), git_hash(content));
    EXPECT_EQ(read_back(id), content);
    EXPECT_EQ(git(repo_, {"cat-file", "-t", to_hex(id)}), "blob\n");
    EXPECT_EQ(git(repo_, {"cat-file", "-s", to_hex(id)}), std::to_string(content.size()) + "\n");
    EXPECT_EQ(git(repo_, {"cat-file", "blob", to_hex(id)}), content);
  }
  EXPECT_EQ(run({"git", "fsck", "--strict", "--full"}, repo_).exit_code, 0);
}

TEST_F(StoredObjectTest, StoresWithoutCompressionAsAReadOnlyFile) {
  std::string content(200000, 'x');  // zlib at any level above 0 makes this a few hundred bytes
  Repository r = Repository::open(repo_);
  git_oid id = store_blob_uncompressed(r, content, "the test content");
  struct stat st;
  ASSERT_EQ(::lstat(object_file(id).c_str(), &st), 0);
  EXPECT_GT(st.st_size, static_cast<off_t>(content.size()));
  EXPECT_EQ(st.st_mode & 0777, 0444u);
  for (const auto& e : fs::directory_iterator(object_file(id).parent_path()))
    EXPECT_EQ(e.path().filename().string().rfind("tmp_obj_", 0), std::string::npos) << e.path();
}

TEST_F(StoredObjectTest, AnObjectTheStoreHasIsNotWrittenAgain) {
  std::string content = "already committed\n";
  autofix::testing::write_file(repo_ / "a.txt", content);
  git(repo_, {"add", "a.txt"});
  git(repo_, {"commit", "-q", "-m", "a"});
  git(repo_, {"gc", "-q"});  // packed: no loose file for it
  Repository r = Repository::open(repo_);
  git_oid id = store_blob_uncompressed(r, content, "the test content");
  EXPECT_EQ(to_hex(id), git_hash(content));
  EXPECT_FALSE(fs::exists(object_file(id)));

  // A loose object that exists is left as it is (same inode, same time).
  git_oid fresh = store_blob_uncompressed(r, "fresh\n", "the test content");
  struct stat before, after;
  ASSERT_EQ(::lstat(object_file(fresh).c_str(), &before), 0);
  write_loose_object(repo_ / ".git" / "objects", fresh, GIT_OBJECT_BLOB, "fresh\n");
  ASSERT_EQ(::lstat(object_file(fresh).c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
}

TEST_F(StoredObjectTest, WritesIntoAnyObjectDirectoryWithTheModesAsked) {
  TempDir other;
  fs::path objects = other / "objects";
  fs::create_directory(objects);
  std::string content = "kept elsewhere\n";
  git_oid id = hash_text(content, "the test content");
  write_loose_object(objects, id, GIT_OBJECT_BLOB, content, LooseObjectModes{0700, 0400});
  std::string hex = to_hex(id);
  struct stat dir_st, file_st;
  ASSERT_EQ(::lstat((objects / hex.substr(0, 2)).c_str(), &dir_st), 0);
  ASSERT_EQ(::lstat((objects / hex.substr(0, 2) / hex.substr(2)).c_str(), &file_st), 0);
  EXPECT_EQ(dir_st.st_mode & 0777, 0700u);
  EXPECT_EQ(file_st.st_mode & 0777, 0400u);
  OdbPtr odb;
  check(git_odb_open(out(odb), objects.c_str()), "open odb");
  OdbObjectPtr object;
  check(git_odb_read(out(object), odb.get(), &id), "read object");
  EXPECT_EQ(std::string(static_cast<const char*>(git_odb_object_data(object.get())), git_odb_object_size(object.get())),
            content);
}

}  // namespace
}  // namespace autofix::git
