// SPDX-License-Identifier: MIT
#include "gate/snapshot/worktree_scan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "gate/util/paths.h"
#include "tests/support/test_support.h"

namespace autofix::snapshot {
namespace {

namespace fs = std::filesystem;
using autofix::testing::git;
using autofix::testing::init_repo;
using autofix::testing::run;
using autofix::testing::TempDir;
using autofix::testing::write_file;
using Listing = std::vector<std::pair<std::string, std::string>>;  // (path, kind)

std::string blob_hex(const std::string& content) {
  git_oid oid;
  git_odb_hash(&oid, content.data(), content.size(), GIT_OBJECT_BLOB);
  return git::to_hex(oid);
}

ScanOptions options(Timestamp index_mtime, bool store_blobs = true) {
  ScanOptions o;
  o.index_mtime = index_mtime;
  o.store_blobs = store_blobs;
  return o;
}

// Stores `content` as a blob and returns 0, or libgit2's error code.
int git_odb_write_helper(const git::Repository& r, const std::string& content, git_oid* out) {
  return git_blob_create_from_buffer(out, r.get(), content.data(), content.size());
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

Listing listing(const ScanResult& r) {
  Listing out;
  for (const Change& c : r.changes) out.emplace_back(c.path, to_string(c.kind));
  return out;
}

const Change& change_at(const ScanResult& r, const std::string& path) {
  for (const Change& c : r.changes)
    if (c.path == path) return c;
  throw std::runtime_error("no change for " + path);
}

// Every file of a directory as git would store it: "mode oid" by path (.git and `skip` left out).
std::map<std::string, std::string> files_as_git_sees_them(const fs::path& root, const std::vector<std::string>& skip = {}) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = it->path().lexically_relative(root).generic_string();  // never resolves links
    if (rel == ".git" || std::find(skip.begin(), skip.end(), rel) != skip.end()) {
      it.disable_recursion_pending();
      continue;
    }
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) throw std::runtime_error("lstat " + rel);
    if (S_ISLNK(st.st_mode)) out[rel] = "120000 " + blob_hex(fs::read_symlink(it->path()).string());
    else if (S_ISREG(st.st_mode))
      out[rel] = std::string((st.st_mode & S_IXUSR) ? "100755 " : "100644 ") + blob_hex(autofix::testing::read_file(it->path()));
  }
  return out;
}

// `git ls-tree -r` of a tree: "mode oid" by path.
std::map<std::string, std::string> ls_tree(const fs::path& repo, const git_oid& tree) {
  std::string text = git(repo, {"ls-tree", "-r", "-z", git::to_hex(tree)});
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\0', start);
    std::string line = text.substr(start, end - start);
    start = end + 1;
    // "<mode> <type> <oid>\t<path>"
    size_t tab = line.find('\t');
    std::string meta = line.substr(0, tab);
    out[line.substr(tab + 1)] = meta.substr(0, meta.find(' ')) + " " + meta.substr(meta.rfind(' ') + 1);
  }
  return out;
}

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override { init_repo(repo_); }

  // Writes files and commits them, leaving the index clean and not racy: the files' ctime must be
  // older than the index file's mtime, so the index is written a little later.
  void commit(const std::map<std::string, std::string>& files) {
    for (const auto& [path, content] : files) write_file(repo_ / path, content);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    git(repo_, {"add", "-A"});
    git(repo_, {"commit", "-q", "-m", "files"});
  }

  ScanResult scan(bool store_blobs = true) {
    git::Repository r = git::Repository::open(repo_);
    git::IndexPtr index;
    git::check(git_repository_index(git::out(index), r.get()), "open index");
    git::check(git_index_read(index.get(), 1), "read index");
    return scan_worktree(r, index.get(), options(index_file_mtime(r), store_blobs));
  }

  ScanResult scan_with_umask(uint32_t umask, bool unlock = false) {
    git::Repository r = git::Repository::open(repo_);
    git::IndexPtr index;
    git::check(git_repository_index(git::out(index), r.get()), "open index");
    git::check(git_index_read(index.get(), 1), "read index");
    ScanOptions o = options(index_file_mtime(r));
    o.umask = umask;
    o.unlock = unlock;
    return scan_worktree(r, index.get(), o);
  }

  // Scans and writes the work tree's tree in one go.
  git_oid scan_and_write_tree(ScanResult* result = nullptr) {
    git::Repository r = git::Repository::open(repo_);
    git::IndexPtr index;
    git::check(git_repository_index(git::out(index), r.get()), "open index");
    git::check(git_index_read(index.get(), 1), "read index");
    ScanResult s = scan_worktree(r, index.get(), options(index_file_mtime(r)));
    git_oid tree = write_worktree_tree(r, index.get(), s);
    if (result) *result = std::move(s);
    return tree;
  }

  bool object_exists(const std::string& hex) { return run({"git", "cat-file", "-e", hex}, repo_).exit_code == 0; }

  git::Library lib_;
  TempDir dir_;
  fs::path repo_ = dir_ / "work tree";
};

// Names are bytes: what the file system holds is what the scan lists and what the tree stores.
TEST_F(ScanTest, NamesThatAreNotUtf8AreListedAndStoredByteForByte) {
  commit({{"c\xc3\x28", "committed\n"}});
  write_file(repo_ / "c\xc3\x28", "changed\n");
  write_file(repo_ / "u\xff", "untracked\n");
  write_file(repo_ / "n\nl", "newline\n");
  ScanResult s;
  git_oid tree = scan_and_write_tree(&s);
  EXPECT_EQ(listing(s), (Listing{{"c\xc3\x28", "modified"}, {"n\nl", "added"}, {"u\xff", "added"}}));
  std::string names = run({"git", "ls-tree", "-z", "--name-only", git::to_hex(tree)}, repo_).out;
  constexpr char kNames[] = "README.md\0c\xc3\x28\0n\nl\0u\xff\0";
  EXPECT_EQ(names, std::string(kNames, sizeof kNames - 1));
}

// Every system call takes the whole path: one of PATH_MAX bytes or more cannot be read or restored. A
// snapshot refuses it as the user's to fix (usage); elsewhere (a rollback) it is a file system error.
TEST_F(ScanTest, APathLongerThanPathMaxFailsTheScanNamingIt) {
  const std::string component(200, 'd');
  std::string rel;
  int fd = ::open(repo_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < 21; ++i) {
    ASSERT_EQ(::mkdirat(fd, component.c_str(), 0755), 0);
    int next = ::openat(fd, component.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ::close(fd);
    ASSERT_GE(next, 0);
    fd = next;
    if (repo_.native().size() + 1 + rel.size() < PATH_MAX) rel += (rel.empty() ? "" : "/") + component;
  }
  ::close(fd);
  // The first directory on the way down whose path reaches the limit is the one named.
  const size_t named = repo_.native().size() + 1 + rel.size();
  ASSERT_GE(named, size_t{PATH_MAX});
  git::Repository r = git::Repository::open(repo_);
  git::IndexPtr index;
  git::check(git_repository_index(git::out(index), r.get()), "open index");
  for (bool usage : {false, true}) {
    ScanOptions o = options(index_file_mtime(r));
    o.too_long_is_usage = usage;
    try {
      scan_worktree(r, index.get(), o);
      ADD_FAILURE() << "the scan went through";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), usage ? ErrorKind::usage : ErrorKind::io);
      std::string what = e.what();
      EXPECT_TRUE(what.starts_with("name too long: the work tree holds '" + component.substr(0, 60) + "...")) << what;
      EXPECT_TRUE(what.ends_with("', whose path is " + std::to_string(named) +
                                 " bytes long (the limit is 4095)"))
          << what;
    }
  }
  run({"rm", "-rf", (repo_ / component).string()}, repo_);
}

TEST_F(ScanTest, CleanRepositoryHasNoChanges) {
  ScanResult r = scan();
  EXPECT_FALSE(r.full);
  EXPECT_EQ(listing(r), Listing{});
  EXPECT_TRUE(r.empty_dirs.empty());
  EXPECT_TRUE(r.ignored.empty());
  EXPECT_TRUE(r.nested_repositories.empty());
  EXPECT_TRUE(r.submodules.empty());
  EXPECT_TRUE(r.special_files.empty());
  EXPECT_EQ(r.stats.files, 1u);
  EXPECT_EQ(r.stats.untracked_files, 0u);
  EXPECT_EQ(r.stats.directories, 1u);
}

TEST_F(ScanTest, UnchangedFilesAreTrustedFromTheIndexAndNotHashed) {
  commit({{"a.txt", "a\n"}, {"dir/b.txt", "b\n"}, {"dir/sub/c.txt", "c\n"}});
  ScanResult r = scan();
  EXPECT_EQ(listing(r), Listing{});
  EXPECT_EQ(r.stats.files, 4u);
  EXPECT_EQ(r.stats.directories, 3u);
  EXPECT_EQ(r.stats.hashed_files, 0u);
  EXPECT_EQ(r.stats.hashed_bytes, 0u);
}

TEST_F(ScanTest, WithoutAnIndexTimeEveryTrackedFileIsRacyAndHashed) {
  commit({{"a.txt", "a\n"}, {"dir/b.txt", "bb\n"}});
  git::Repository r = git::Repository::open(repo_);
  git::IndexPtr index;
  git::check(git_repository_index(git::out(index), r.get()), "open index");
  ScanResult s = scan_worktree(r, index.get(), options(Timestamp{}));
  EXPECT_EQ(listing(s), Listing{});
  EXPECT_EQ(s.stats.hashed_files, 3u);
  EXPECT_EQ(s.stats.hashed_bytes, std::string("# test repository\n").size() + 2 + 3);
}

TEST_F(ScanTest, ModifiedFile) {
  write_file(repo_ / "README.md", "changed\n");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), (Listing{{"README.md", "modified"}}));
  EXPECT_EQ(git::to_hex(change_at(r, "README.md").state.oid), blob_hex("changed\n"));
  EXPECT_EQ(change_at(r, "README.md").state.mode, 0100644u);
  EXPECT_EQ(r.stats.untracked_files, 0u);
  EXPECT_TRUE(object_exists(blob_hex("changed\n")));  // stored, so the snapshot holds it
}

TEST_F(ScanTest, SameSizeModificationIsSeen) {
  commit({{"same.txt", "aaaa"}});
  write_file(repo_ / "same.txt", "bbbb");
  EXPECT_EQ(listing(scan()), (Listing{{"same.txt", "modified"}}));
}

TEST_F(ScanTest, DeletedFile) {
  fs::remove(repo_ / "README.md");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), (Listing{{"README.md", "deleted"}}));
  EXPECT_EQ(r.stats.files, 0u);
}

TEST_F(ScanTest, UntrackedFile) {
  write_file(repo_ / "new dir" / "\xc3\xa9t\xc3\xa9.txt", "new\n");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), (Listing{{"new dir/\xc3\xa9t\xc3\xa9.txt", "added"}}));
  EXPECT_EQ(r.stats.untracked_files, 1u);
  EXPECT_EQ(r.stats.files, 2u);
  EXPECT_EQ(git::to_hex(r.changes[0].state.oid), blob_hex("new\n"));
  EXPECT_EQ(r.changes[0].state.mode, 0100644u);
}

TEST_F(ScanTest, IntentToAddIsListedWithItsWorkTreeContent) {
  write_file(repo_ / "ita.txt", "intended\n");
  git(repo_, {"add", "-N", "ita.txt"});
  ScanResult r = scan();
  // The index has a stage-0 entry for it (an empty placeholder), so relative to the index it is modified.
  EXPECT_EQ(listing(r), (Listing{{"ita.txt", "modified"}}));
  EXPECT_EQ(git::to_hex(change_at(r, "ita.txt").state.oid), blob_hex("intended\n"));
  EXPECT_EQ(r.stats.untracked_files, 0u);
}

TEST_F(ScanTest, EmptyIntentToAddFileIsStillListed) {
  write_file(repo_ / "empty.txt", "");
  git(repo_, {"add", "-N", "empty.txt"});
  ScanResult r = scan();
  EXPECT_EQ(listing(r), (Listing{{"empty.txt", "modified"}}));
  EXPECT_EQ(git::to_hex(change_at(r, "empty.txt").state.oid), blob_hex(""));
}

TEST_F(ScanTest, ExecutableBitChange) {
  fs::permissions(repo_ / "README.md", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
  ScanResult r = scan();
  EXPECT_EQ(listing(r), (Listing{{"README.md", "modified"}}));
  EXPECT_EQ(change_at(r, "README.md").state.mode, 0100755u);
  EXPECT_EQ(git::to_hex(change_at(r, "README.md").state.oid), blob_hex("# test repository\n"));
  EXPECT_EQ(r.stats.executables, 1u);
}

TEST_F(ScanTest, UntrackedSymlinkIsStoredAsALinkNotFollowed) {
  fs::create_symlink("README.md", repo_ / "link");
  fs::create_symlink("/nonexistent/target", repo_ / "dangling");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), (Listing{{"dangling", "added"}, {"link", "added"}}));
  EXPECT_EQ(change_at(r, "link").state.mode, 0120000u);
  EXPECT_EQ(git::to_hex(change_at(r, "link").state.oid), blob_hex("README.md"));
  EXPECT_EQ(git::to_hex(change_at(r, "dangling").state.oid), blob_hex("/nonexistent/target"));
  EXPECT_EQ(r.stats.symlinks, 2u);
}

TEST_F(ScanTest, SymlinkToADirectoryIsNotWalked) {
  commit({{"real/x.txt", "x\n"}});
  fs::create_directory_symlink("real", repo_ / "alias");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), (Listing{{"alias", "added"}}));
  EXPECT_EQ(change_at(r, "alias").state.mode, 0120000u);
}

TEST_F(ScanTest, TrackedFileReplacedBySymlink) {
  fs::remove(repo_ / "README.md");
  fs::create_symlink("elsewhere", repo_ / "README.md");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), (Listing{{"README.md", "modified"}}));
  EXPECT_EQ(change_at(r, "README.md").state.mode, 0120000u);
  EXPECT_EQ(git::to_hex(change_at(r, "README.md").state.oid), blob_hex("elsewhere"));
}

TEST_F(ScanTest, FileReplacedByDirectory) {
  commit({{"thing", "a file\n"}});
  fs::remove(repo_ / "thing");
  write_file(repo_ / "thing" / "inner.txt", "inside\n");
  EXPECT_EQ(listing(scan()), (Listing{{"thing", "deleted"}, {"thing/inner.txt", "added"}}));
}

TEST_F(ScanTest, DirectoryReplacedByFile) {
  commit({{"thing/x.txt", "x\n"}, {"thing/y/z.txt", "z\n"}});
  fs::remove_all(repo_ / "thing");
  write_file(repo_ / "thing", "now a file\n");
  EXPECT_EQ(listing(scan()), (Listing{{"thing", "added"}, {"thing/x.txt", "deleted"}, {"thing/y/z.txt", "deleted"}}));
}

TEST_F(ScanTest, IgnoredFilesAreListedApartAndNotAsChanges) {
  commit({{".gitignore", "*.log\nbuild/\n"}});
  write_file(repo_ / "x.log", "log\n");
  write_file(repo_ / "build" / "out.o", "obj");
  write_file(repo_ / "build" / "deep" / "more.o", "obj");
  write_file(repo_ / "src" / "y.log", "log\n");
  write_file(repo_ / "src" / "main.c", "int main;\n");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), (Listing{{"src/main.c", "added"}}));
  EXPECT_EQ(r.ignored, (std::vector<std::string>{"build/", "src/y.log", "x.log"}));
  EXPECT_TRUE(r.empty_dirs.empty());
}

TEST_F(ScanTest, DirectoryHoldingOnlyIgnoredFilesCountsAsEmpty) {
  commit({{".gitignore", "*.log\n"}});
  write_file(repo_ / "logs" / "a.log", "log\n");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), Listing{});
  EXPECT_EQ(r.ignored, (std::vector<std::string>{"logs/a.log"}));
  EXPECT_EQ(r.empty_dirs, (std::vector<std::string>{"logs"}));
}

TEST_F(ScanTest, TrackedFileMatchingAnIgnorePatternIsStillTracked) {
  commit({{".gitignore", "*.log\n"}});
  write_file(repo_ / "kept.log", "v1\n");
  git(repo_, {"add", "-f", "kept.log"});
  git(repo_, {"commit", "-q", "-m", "kept"});
  write_file(repo_ / "kept.log", "v2\n");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), (Listing{{"kept.log", "modified"}}));
  EXPECT_TRUE(r.ignored.empty());
}

TEST_F(ScanTest, UntrackedDirectoryWithItsOwnGitIsANestedRepository) {
  init_repo(repo_ / "nested repo");
  write_file(repo_ / "nested repo" / "dirty.txt", "not ours\n");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), Listing{});
  EXPECT_EQ(r.nested_repositories, (std::vector<std::string>{"nested repo"}));
  EXPECT_TRUE(r.empty_dirs.empty());
}

TEST_F(ScanTest, EmptyUntrackedDirectories) {
  fs::create_directories(repo_ / "empty");
  fs::create_directories(repo_ / "a" / "b");
  commit({{"full/f.txt", "f\n"}});
  fs::create_directories(repo_ / "full" / "hollow");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), Listing{});
  EXPECT_EQ(r.empty_dirs, (std::vector<std::string>{"a", "a/b", "empty", "full/hollow"}));
}

TEST_F(ScanTest, FifoIsASpecialFileAndNotSaved) {
  ASSERT_EQ(::mkfifo((repo_ / "pipe").c_str(), 0644), 0);
  ScanResult r = scan();
  EXPECT_EQ(listing(r), Listing{});
  EXPECT_EQ(r.special_files, (std::vector<std::string>{"pipe"}));
}

TEST_F(ScanTest, CheckedOutSubmoduleIsLeftAlone) {
  init_repo(dir_ / "library");
  run({"git", "-c", "protocol.file.allow=always", "submodule", "add", "-q", (dir_ / "library").string(), "lib"},
      repo_);
  git(repo_, {"commit", "-q", "-m", "submodule"});
  write_file(repo_ / "lib" / "dirty.txt", "inside the submodule\n");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), Listing{});
  EXPECT_EQ(r.submodules, (std::vector<std::string>{"lib"}));
}

TEST_F(ScanTest, StoreBlobsFalseOnlyHashes) {
  write_file(repo_ / "only hashed.txt", "content seen by a verification scan 7f3a\n");
  ScanResult r = scan(/*store_blobs=*/false);
  EXPECT_EQ(listing(r), (Listing{{"only hashed.txt", "added"}}));
  EXPECT_EQ(git::to_hex(r.changes[0].state.oid), blob_hex("content seen by a verification scan 7f3a\n"));
  EXPECT_FALSE(object_exists(blob_hex("content seen by a verification scan 7f3a\n")));
  scan(/*store_blobs=*/true);
  EXPECT_TRUE(object_exists(blob_hex("content seen by a verification scan 7f3a\n")));
}

TEST_F(ScanTest, ScanChangesNothingInTheRepository) {
  commit({{".gitignore", "*.log\n"}, {"dir/a.txt", "a\n"}});
  write_file(repo_ / "README.md", "changed\n");
  write_file(repo_ / "new.txt", "new\n");
  write_file(repo_ / "x.log", "log\n");
  fs::create_directories(repo_ / "empty");
  autofix::testing::TreeFingerprint before = autofix::testing::fingerprint(repo_);
  std::string index_before = autofix::testing::read_file(repo_ / ".git" / "index");
  scan_and_write_tree();
  EXPECT_EQ(autofix::testing::fingerprint(repo_), before);
  EXPECT_EQ(autofix::testing::read_file(repo_ / ".git" / "index"), index_before);
}

// A repository created inside a tracked directory: its .git is left out (libgit2's built-in ignore
// rules cover ".git" at any depth), so no saved path ever has a .git component.
// Its tracked files are still the outer repository's; its .git is never walked into, and the directory is
// listed as a repository (a restore moves a new one's .git aside).
TEST_F(ScanTest, NestedGitDirectoryInsideATrackedDirectoryIsNotWalkedInto) {
  commit({{"lib/tracked.txt", "t\n"}});
  git(repo_ / "lib", {"init", "-q"});
  write_file(repo_ / "lib" / "new.txt", "n\n");
  write_file(repo_ / "lib" / "tracked.txt", "changed\n");
  ScanResult r = scan();
  EXPECT_EQ(listing(r), (Listing{{"lib/new.txt", "added"}, {"lib/tracked.txt", "modified"}}));
  EXPECT_EQ(r.ignored, std::vector<std::string>{});
  EXPECT_EQ(r.nested_repositories, std::vector<std::string>{"lib"});
  for (const Change& c : r.changes) EXPECT_TRUE(is_safe_relative_path(c.path)) << "listed: " << c.path;
}

TEST_F(ScanTest, PermissionsThatGitWouldNotGiveAreListed) {
  commit({{"dir/a.txt", "a\n"}, {"tool.sh", "#!/bin/sh\n"}});
  write_file(repo_ / "private.txt", "p\n");
  write_file(repo_ / "build" / "ignored.txt", "i\n");
  write_file(repo_ / ".gitignore", "build/\n");
  fs::permissions(repo_, fs::perms(0755));
  fs::permissions(repo_ / "private.txt", fs::perms(0600));
  fs::permissions(repo_ / "tool.sh", fs::perms(0750));
  fs::permissions(repo_ / "dir", fs::perms(0700));
  fs::permissions(repo_ / "build" / "ignored.txt", fs::perms(0640));  // ignored: never the gate's business
  EXPECT_EQ(scan_with_umask(022).permissions,
            (std::vector<PathMode>{{"dir", 0700}, {"private.txt", 0600}, {"tool.sh", 0750}}));
  // Under umask 077 git would create 0600 files and 0700 directories: the others are listed.
  EXPECT_EQ(scan_with_umask(077).permissions, (std::vector<PathMode>{{"", 0755},
                                                                     {".gitignore", 0644},
                                                                     {"README.md", 0644},
                                                                     {"dir/a.txt", 0644},
                                                                     {"tool.sh", 0750}}));
  EXPECT_EQ(default_mode(false, false, 022), 0644u);
  EXPECT_EQ(default_mode(false, true, 022), 0755u);
  EXPECT_EQ(default_mode(true, false, 027), 0750u);
}

// A restore must read what a fixer made unreadable; a snapshot never changes anything.
TEST_F(ScanTest, UnlockMakesUnreadableDirectoriesAndFilesReadableAndSaysWhich) {
  commit({{"dir/a.txt", "a\n"}, {"b.txt", "b\n"}});
  write_file(repo_ / "b.txt", "changed\n");
  fs::permissions(repo_ / "b.txt", fs::perms::none);
  fs::permissions(repo_ / "dir", fs::perms::none);
  ScanResult r = scan_with_umask(022, true);
  EXPECT_EQ(r.unlocked, (std::vector<std::string>{"b.txt", "dir"}));
  EXPECT_EQ(r.permissions, (std::vector<PathMode>{{"b.txt", 0}, {"dir", 0}}));  // as they were found
  EXPECT_EQ(listing(r), (Listing{{"b.txt", "modified"}}));
  EXPECT_EQ(fs::status(repo_ / "dir").permissions(), fs::perms(0700));
  EXPECT_EQ(fs::status(repo_ / "b.txt").permissions(), fs::perms(0400));
}

TEST_F(ScanTest, ConflictedIndexIsScannedInFullMode) {
  git(repo_, {"checkout", "-q", "-b", "other"});
  write_file(repo_ / "README.md", "other side\n");
  git(repo_, {"commit", "-q", "-am", "other"});
  git(repo_, {"checkout", "-q", "main"});
  commit({{"README.md", "main side\n"}, {"extra.txt", "extra\n"}});
  ASSERT_NE(run({"git", "merge", "-q", "other"}, repo_).exit_code, 0);
  ScanResult r;
  git_oid tree = scan_and_write_tree(&r);
  EXPECT_TRUE(r.full);
  EXPECT_EQ(listing(r), (Listing{{"README.md", "added"}, {"extra.txt", "added"}}));
  EXPECT_EQ(ls_tree(repo_, tree), files_as_git_sees_them(repo_));  // the conflict markers are saved as they are
}

TEST_F(ScanTest, WorktreeTreeOfACleanRepositoryIsTheIndexTree) {
  commit({{"dir/a.txt", "a\n"}});
  git_oid tree = scan_and_write_tree();
  EXPECT_EQ(git::to_hex(tree), first_line(git(repo_, {"rev-parse", "HEAD^{tree}"})));
}

TEST_F(ScanTest, WorktreeTreeListsExactlyTheWorkTreeFiles) {
  commit({{".gitignore", "*.log\n"},
          {"keep.txt", "keep\n"},
          {"gone.txt", "gone\n"},
          {"dir/a.txt", "a\n"},
          {"dir/sub/b.txt", "b\n"},
          {"tool.sh", "#!/bin/sh\n"},
          {"f2d", "file becoming a directory\n"},
          {"d2f/x.txt", "directory becoming a file\n"},
          {"old link target", "t\n"}});
  write_file(repo_ / "README.md", "modified\n");
  fs::remove(repo_ / "gone.txt");
  fs::remove_all(repo_ / "dir" / "sub");
  fs::permissions(repo_ / "tool.sh", fs::perms::owner_exec, fs::perm_options::add);
  fs::remove(repo_ / "f2d");
  write_file(repo_ / "f2d" / "inner.txt", "inner\n");
  fs::remove_all(repo_ / "d2f");
  write_file(repo_ / "d2f", "now a file\n");
  write_file(repo_ / "new dir" / "\xc3\xa9 x.txt", "untracked\n");
  fs::create_symlink("README.md", repo_ / "link");
  fs::create_symlink("../outside", repo_ / "dir" / "dangling");
  write_file(repo_ / "ignored.log", "not saved\n");
  fs::create_directories(repo_ / "empty dir");

  git_oid tree = scan_and_write_tree();
  EXPECT_EQ(ls_tree(repo_, tree), files_as_git_sees_them(repo_, {"ignored.log", "empty dir"}));
}

TEST_F(ScanTest, WorktreeTreeChecksOutToTheSameFiles) {
  commit({{"dir/a.txt", "a\n"}, {"run.sh", "#!/bin/sh\necho hi\n"}});
  write_file(repo_ / "dir" / "a.txt", "changed\n");
  fs::permissions(repo_ / "run.sh", fs::perms::owner_exec, fs::perm_options::add);
  write_file(repo_ / "untracked file.txt", "u\n");
  fs::create_symlink("dir/a.txt", repo_ / "link");
  git_oid tree = scan_and_write_tree();

  fs::path out = dir_ / "checked out";
  fs::create_directories(out);
  runners::ProcessResult r = run({"sh", "-c", "git archive --format=tar \"$TREE\" | tar -x -C \"$OUT\""}, repo_,
                                 {{"TREE", git::to_hex(tree)}, {"OUT", out.string()}});
  ASSERT_TRUE(r.succeeded()) << r.err;
  EXPECT_EQ(files_as_git_sees_them(out), files_as_git_sees_them(repo_));
}

TEST_F(ScanTest, WorktreeTreeOfAnEmptyWorkTreeIsTheEmptyTree) {
  fs::remove(repo_ / "README.md");
  git_oid tree = scan_and_write_tree();
  EXPECT_EQ(git::to_hex(tree), "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
}

TEST_F(ScanTest, IndexFileMtimeIsTheIndexFilesMtimeOrZero) {
  git::Repository r = git::Repository::open(repo_);
  struct stat st;
  ASSERT_EQ(::stat((repo_ / ".git" / "index").c_str(), &st), 0);
  Timestamp t = index_file_mtime(r);
  EXPECT_EQ(t.seconds, st.st_mtim.tv_sec);
  EXPECT_EQ(t.nanoseconds, st.st_mtim.tv_nsec);
  fs::remove(repo_ / ".git" / "index");
  EXPECT_EQ(index_file_mtime(r), Timestamp{});
}

TEST_F(ScanTest, ExcludedPathsAreTreatedAsIgnored) {
  write_file(repo_ / "build dir" / "a.o", "object\n");
  write_file(repo_ / "build dir" / "sub" / "b.o", "object\n");
  write_file(repo_ / "reports" / "junit.xml", "<x/>\n");
  write_file(repo_ / "reports-old" / "keep.txt", "not excluded\n");
  write_file(repo_ / "src.txt", "s\n");
  git::Repository r = git::Repository::open(repo_);
  git::IndexPtr index;
  git::check(git_repository_index(git::out(index), r.get()), "open index");
  ScanOptions o = options(index_file_mtime(r));
  o.excluded = {"build dir", "reports/junit.xml"};
  ScanResult s = scan_worktree(r, index.get(), o);
  EXPECT_EQ(listing(s), (Listing{{"reports-old/keep.txt", "added"}, {"src.txt", "added"}}));
  EXPECT_EQ(s.ignored, (std::vector<std::string>{"build dir/", "reports/junit.xml"}));
  EXPECT_EQ(s.empty_dirs, std::vector<std::string>{"reports"});
}

TEST(IsExcluded, MatchesThePathAndEverythingBelowIt) {
  std::vector<std::string> excluded{"build", "out/reports"};
  EXPECT_TRUE(is_excluded(excluded, "build"));
  EXPECT_TRUE(is_excluded(excluded, "build/"));
  EXPECT_TRUE(is_excluded(excluded, "build/x/y.o"));
  EXPECT_TRUE(is_excluded(excluded, "out/reports"));
  EXPECT_TRUE(is_excluded(excluded, "out/reports/a.xml"));
  EXPECT_FALSE(is_excluded(excluded, "builder"));
  EXPECT_FALSE(is_excluded(excluded, "build.txt"));
  EXPECT_FALSE(is_excluded(excluded, "out"));
  EXPECT_FALSE(is_excluded(excluded, "out/reportsX"));
  EXPECT_FALSE(is_excluded(excluded, "src/build"));
  EXPECT_FALSE(is_excluded(excluded, ""));
  EXPECT_FALSE(is_excluded({}, "build"));
}

TEST_F(ScanTest, ApplyChangesOnTheEmptyTreeIgnoresDeletionsOfMissingPaths) {
  git::Repository r = git::Repository::open(repo_);
  git_oid a, b;
  ASSERT_EQ(git_odb_write_helper(r, "a\n", &a), 0);
  ASSERT_EQ(git_odb_write_helper(r, "b\n", &b), 0);
  std::vector<Change> changes{{"dir/a.txt", ChangeKind::added, {a, 0100644}},
                              {"dir/gone.txt", ChangeKind::deleted, {}},
                              {"run", ChangeKind::added, {b, 0100755}}};
  git_oid tree = apply_changes(r, nullptr, changes);
  EXPECT_EQ(ls_tree(repo_, tree), (std::map<std::string, std::string>{{"dir/a.txt", "100644 " + git::to_hex(a)},
                                                                      {"run", "100755 " + git::to_hex(b)}}));
  EXPECT_EQ(git::to_hex(apply_changes(r, nullptr, {})), "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
}

TEST(ChangeKind, Names) {
  EXPECT_STREQ(to_string(ChangeKind::added), "added");
  EXPECT_STREQ(to_string(ChangeKind::modified), "modified");
  EXPECT_STREQ(to_string(ChangeKind::deleted), "deleted");
}

}  // namespace
}  // namespace autofix::snapshot
