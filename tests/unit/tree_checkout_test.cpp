// SPDX-License-Identifier: MIT
#include "gate/git/tree_checkout.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <gtest/gtest.h>

#include "gate/git/patch.h"
#include "gate/git/tree_diff.h"
#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using testing::git;
using testing::read_file;
using testing::TempDir;
using testing::tree_entries;
using testing::write_file;
using Entries = std::map<std::string, std::string>;
using Strings = std::vector<std::string>;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// What the index file is, byte for byte, and when it was last written.
struct IndexFile {
  std::string bytes;
  int64_t mtime_ns = 0;
  ino_t inode = 0;
  bool operator==(const IndexFile&) const = default;
};

class TreeCheckout : public ::testing::Test {
 protected:
  TreeCheckout() : root_(tmp_ / "tree checkout") {
    testing::init_repo(root_);
    write_file(root_ / ".gitignore", "*.log\n");
    git(root_, {"add", "-A"});
    git(root_, {"commit", "-q", "-m", "ignore logs"});
  }

  const git::Repository& repo() {
    if (!repo_) repo_.emplace(git::Repository::open(root_));
    return *repo_;
  }

  // Commits the whole work tree as it is and returns the commit's tree.
  git_oid commit_state(const std::string& message) {
    git(root_, {"add", "-A"});
    git(root_, {"commit", "-q", "--allow-empty", "-m", message});
    return git::from_hex(trimmed(git(root_, {"rev-parse", "HEAD^{tree}"})));
  }

  // What `verify` hands over: every path the two trees differ in.
  Strings paths_between(const git_oid& from, const git_oid& to) {
    Strings out;
    git::DiffPtr diff = diff_trees(repo(), from, to);
    for (const FileChange& f : changed_files(diff.get())) out.push_back(f.path);
    return out;
  }

  IndexFile index_file() const {
    struct stat st{};
    EXPECT_EQ(::lstat((root_ / ".git/index").c_str(), &st), 0);
    return {read_file(root_ / ".git/index"), int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, st.st_ino};
  }

  // From the work tree of `from` (on disk now) to `to` and back, with the paths in the diff's order and
  // reversed: each time the work tree is exactly what it was when that tree was committed, the index untouched.
  void expect_round_trips(const git_oid& from, const Entries& from_entries, const git_oid& to, const Entries& to_entries) {
    for (bool reversed : {false, true}) {
      Strings there = paths_between(from, to), back = paths_between(to, from);
      if (reversed) {
        std::reverse(there.begin(), there.end());
        std::reverse(back.begin(), back.end());
      }
      const IndexFile index = index_file();
      materialize_paths(repo(), to, there);
      EXPECT_EQ(tree_entries(root_), to_entries) << (reversed ? "reversed" : "in order");
      materialize_paths(repo(), from, back);
      EXPECT_EQ(tree_entries(root_), from_entries) << (reversed ? "reversed" : "in order");
      EXPECT_TRUE(index_file() == index) << "the index was written";
    }
  }

  TempDir tmp_;
  fs::path root_;
  std::optional<git::Repository> repo_;
};

TEST_F(TreeCheckout, WritesContentAndTheExecutableBit) {
  write_file(root_ / "tool.sh", "echo one\n");
  write_file(root_ / "notes/one.txt", "one\n");
  git_oid a = commit_state("a");
  Entries in_a = tree_entries(root_);
  write_file(root_ / "notes/one.txt", "two\n");
  fs::permissions(root_ / "tool.sh", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
  git_oid b = commit_state("b");
  Entries in_b = tree_entries(root_);
  ASSERT_NE(in_a, in_b);
  EXPECT_EQ(paths_between(b, a), (Strings{"notes/one.txt", "tool.sh"}));
  expect_round_trips(b, in_b, a, in_a);
}

TEST_F(TreeCheckout, AFileBecomesADirectoryAndBack) {
  write_file(root_ / "conf", "a file\n");
  git_oid file = commit_state("conf is a file");
  Entries as_file = tree_entries(root_);
  fs::remove(root_ / "conf");
  write_file(root_ / "conf/value", "ok\n");
  write_file(root_ / "conf/deeper/more", "more\n");
  git_oid dir = commit_state("conf is a directory");
  Entries as_dir = tree_entries(root_);
  EXPECT_EQ(as_dir.at("conf"), "dir");
  EXPECT_EQ(paths_between(dir, file), (Strings{"conf", "conf/deeper/more", "conf/value"}));
  expect_round_trips(dir, as_dir, file, as_file);
}

TEST_F(TreeCheckout, SymbolicLinksAreRetargetedAndSwappedWithFilesNeverWrittenThrough) {
  write_file(root_ / "good.txt", "ok\n");
  write_file(root_ / "bad.txt", "broken\n");
  fs::create_symlink("good.txt", root_ / "current");
  write_file(root_ / "kind", "a file\n");
  fs::create_directories(root_ / "dir");
  fs::create_symlink("dir", root_ / "to_dir");
  git_oid a = commit_state("links");
  Entries in_a = tree_entries(root_);
  fs::remove(root_ / "current");
  fs::create_symlink("bad.txt", root_ / "current");
  fs::remove(root_ / "kind");
  fs::create_symlink("good.txt", root_ / "kind");  // a file becomes a link to another file
  fs::remove(root_ / "to_dir");
  write_file(root_ / "to_dir", "now a file\n");  // a link to a directory becomes a file
  git_oid b = commit_state("links moved");
  Entries in_b = tree_entries(root_);
  EXPECT_EQ(in_b.at("current"), "link bad.txt");
  EXPECT_EQ(in_b.at("kind"), "link good.txt");
  expect_round_trips(b, in_b, a, in_a);
  EXPECT_EQ(read_file(root_ / "good.txt"), "ok\n");
}

TEST_F(TreeCheckout, AFileIsWrittenAsANewFileNeverThroughAHardLink) {
  write_file(root_ / "shared.txt", "before\n");
  git_oid before = commit_state("before");
  write_file(root_ / "shared.txt", "after\n");
  git_oid after = commit_state("after");
  fs::remove(root_ / "shared.txt");
  write_file(tmp_ / "outside.txt", "after\n");
  fs::create_hard_link(tmp_ / "outside.txt", root_ / "shared.txt");
  materialize_paths(repo(), before, {"shared.txt"});
  EXPECT_EQ(read_file(root_ / "shared.txt"), "before\n");
  EXPECT_EQ(read_file(tmp_ / "outside.txt"), "after\n") << "written through the hard link";
  EXPECT_EQ(fs::hard_link_count(tmp_ / "outside.txt"), 1u);
  (void)after;
}

TEST_F(TreeCheckout, ListedPathsTheTreeLacksAreRemovedTrackedUntrackedOrIgnored) {
  git_oid tree = commit_state("nothing more");
  write_file(root_ / "gone.txt", "tracked\n");
  git(root_, {"add", "gone.txt"});
  write_file(root_ / "loose.txt", "untracked\n");
  write_file(root_ / "debug.log", "ignored\n");
  fs::create_symlink("nowhere", root_ / "dangling");
  write_file(root_ / "unlisted.txt", "stays\n");
  const IndexFile index = index_file();
  materialize_paths(repo(), tree, {"gone.txt", "loose.txt", "debug.log", "dangling"});
  Entries left = tree_entries(root_);
  EXPECT_EQ(left.count("gone.txt") + left.count("loose.txt") + left.count("debug.log") + left.count("dangling"), 0u);
  EXPECT_EQ(read_file(root_ / "unlisted.txt"), "stays\n");
  EXPECT_TRUE(index_file() == index) << "the index was written";
  EXPECT_EQ(trimmed(git(root_, {"ls-files", "gone.txt"})), "gone.txt") << "the index still tracks it";
}

TEST_F(TreeCheckout, ADirectoryInTheWayOfAFileGoesWithWhatItHolds) {
  write_file(root_ / "out", "a file\n");
  git_oid tree = commit_state("out is a file");
  fs::remove(root_ / "out");
  write_file(root_ / "out/tracked.txt", "t\n");
  git(root_, {"add", "out/tracked.txt"});
  write_file(root_ / "out/untracked.txt", "u\n");
  write_file(root_ / "out/deep/ignored.log", "i\n");
  materialize_paths(repo(), tree, {"out"});
  EXPECT_EQ(read_file(root_ / "out"), "a file\n");
  EXPECT_EQ(tree_entries(root_).at("out").substr(0, 9), "file 644 ");
}

TEST_F(TreeCheckout, ADirectoryAtAListedPathTheTreeLacksStays) {
  git_oid tree = commit_state("no d");
  write_file(root_ / "d/keep.txt", "mine\n");
  materialize_paths(repo(), tree, {"d"});
  EXPECT_EQ(read_file(root_ / "d/keep.txt"), "mine\n");
}

TEST_F(TreeCheckout, ParentsInTheWayBecomeDirectories) {
  write_file(root_ / "a/b/c.txt", "deep\n");
  git_oid deep = commit_state("deep");
  fs::remove_all(root_ / "a");
  write_file(root_ / "a", "flat\n");
  materialize_paths(repo(), deep, {"a/b/c.txt"});
  EXPECT_EQ(read_file(root_ / "a/b/c.txt"), "deep\n");
}

TEST_F(TreeCheckout, WritesTheBlobsAsStoredWithoutFilters) {
  write_file(root_ / ".gitattributes", "*.txt text eol=crlf\n*.id ident\n");
  git(root_, {"add", ".gitattributes"});
  git(root_, {"commit", "-q", "-m", "attributes"});
  git(root_, {"config", "core.autocrlf", "true"});
  write_file(root_ / "lines.txt", "one\ntwo\n");
  write_file(root_ / "file.id", "$Id$\n");
  git(root_, {"add", "-A"});
  git(root_, {"commit", "-q", "-m", "filtered content"});
  git_oid tree = git::from_hex(trimmed(git(root_, {"rev-parse", "HEAD^{tree}"})));
  // The blobs hold what the clean filter made of it; that is what goes back, byte for byte.
  const std::string lines_blob = git(root_, {"cat-file", "blob", "HEAD:lines.txt"});
  const std::string id_blob = git(root_, {"cat-file", "blob", "HEAD:file.id"});
  fs::remove(root_ / "lines.txt");
  fs::remove(root_ / "file.id");
  materialize_paths(repo(), tree, {"lines.txt", "file.id"});
  EXPECT_EQ(read_file(root_ / "lines.txt"), lines_blob);
  EXPECT_EQ(read_file(root_ / "lines.txt"), "one\ntwo\n");
  EXPECT_EQ(read_file(root_ / "file.id"), id_blob);
  EXPECT_EQ(read_file(root_ / "file.id"), "$Id$\n");
}

TEST_F(TreeCheckout, ASubmoduleIsLeftAlone) {
  const std::string commit = trimmed(git(root_, {"rev-parse", "HEAD"}));
  git(root_, {"update-index", "--add", "--cacheinfo", "160000," + commit + ",sub"});
  git(root_, {"commit", "-q", "-m", "a submodule"});
  git_oid with_sub = git::from_hex(trimmed(git(root_, {"rev-parse", "HEAD^{tree}"})));
  ASSERT_FALSE(fs::exists(fs::symlink_status(root_ / "sub")));
  materialize_paths(repo(), with_sub, {"sub"});
  EXPECT_FALSE(fs::exists(fs::symlink_status(root_ / "sub")));
  write_file(root_ / "sub", "a file where the submodule is\n");
  materialize_paths(repo(), with_sub, {"sub"});
  EXPECT_EQ(read_file(root_ / "sub"), "a file where the submodule is\n");
}

TEST_F(TreeCheckout, PathsAreLiteralNamesNotPatterns) {
  for (const char* name : {"a*", "a1", "[ab]", "b", "dir with space/x ?.txt", "dir with space/x 1.txt", "-n"})
    write_file(root_ / name, std::string("old ") + name + "\n");
  git_oid old_tree = commit_state("old");
  for (const char* name : {"a*", "a1", "[ab]", "b", "dir with space/x ?.txt", "dir with space/x 1.txt", "-n"})
    write_file(root_ / name, std::string("new ") + name + "\n");
  commit_state("new");
  materialize_paths(repo(), old_tree, {"a*", "[ab]", "dir with space/x ?.txt", "-n"});
  EXPECT_EQ(read_file(root_ / "a*"), "old a*\n");
  EXPECT_EQ(read_file(root_ / "[ab]"), "old [ab]\n");
  EXPECT_EQ(read_file(root_ / "dir with space/x ?.txt"), "old dir with space/x ?.txt\n");
  EXPECT_EQ(read_file(root_ / "-n"), "old -n\n");
  EXPECT_EQ(read_file(root_ / "a1"), "new a1\n");
  EXPECT_EQ(read_file(root_ / "b"), "new b\n");
  EXPECT_EQ(read_file(root_ / "dir with space/x 1.txt"), "new dir with space/x 1.txt\n");
}

TEST_F(TreeCheckout, AnUnknownTreeIsAGitErrorNamingIt) {
  const std::string missing = "0123456789abcdef0123456789abcdef01234567";
  try {
    materialize_paths(repo(), git::from_hex(missing), {"README.md"});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::git);
    EXPECT_EQ(std::string(e.what()).rfind("cannot read tree " + missing + ": ", 0), 0u) << e.what();
  }
  EXPECT_EQ(read_file(root_ / "README.md"), "# test repository\n");
}

TEST_F(TreeCheckout, UnchangedPathsAreWrittenAndEditedOnesLeftAlone) {
  write_file(root_ / "same.txt", "before\n");
  write_file(root_ / "edited.txt", "before\n");
  write_file(root_ / "mode.sh", "before\n");
  git_oid before = commit_state("before");
  write_file(root_ / "same.txt", "after\n");
  write_file(root_ / "edited.txt", "after\n");
  write_file(root_ / "mode.sh", "after\n");
  write_file(root_ / "added.txt", "added\n");
  git_oid after = commit_state("after");
  // Meanwhile someone edits one file, flips the executable bit of another, and creates one the fix deleted.
  write_file(root_ / "edited.txt", "someone's edit\n");
  fs::permissions(root_ / "mode.sh", fs::perms::owner_exec, fs::perm_options::add);
  Strings paths = {"added.txt", "edited.txt", "mode.sh", "same.txt"};
  Strings written = materialize_unchanged_paths(repo(), before, paths, after);
  EXPECT_EQ(written, (Strings{"added.txt", "same.txt"}));
  EXPECT_FALSE(fs::exists(root_ / "added.txt"));
  EXPECT_EQ(read_file(root_ / "same.txt"), "before\n");
  EXPECT_EQ(read_file(root_ / "edited.txt"), "someone's edit\n");
  EXPECT_EQ(read_file(root_ / "mode.sh"), "after\n");
  // Back: a path absent from both the expected tree and the disk counts as unchanged and is written.
  written = materialize_unchanged_paths(repo(), after, written, before);
  EXPECT_EQ(written, (Strings{"added.txt", "same.txt"}));
  EXPECT_EQ(read_file(root_ / "added.txt"), "added\n");
  EXPECT_EQ(read_file(root_ / "same.txt"), "after\n");
}

// A batch step: each set's content computed in memory on the base (apply_patch_to_tree), the work tree
// moved from one set to the next. Only the files whose content differs between the two sets are written:
// every other file keeps its mtime (what an incremental build looks at).
TEST_F(TreeCheckout, MovingBetweenTwoSetsWritesOnlyTheFilesTheyDifferIn) {
  for (const char* name : {"a.txt", "b.txt", "c.txt", "d.txt", "e.txt"}) write_file(root_ / name, std::string(name) + "\n");
  const git_oid base = commit_state("five files");
  auto patch_of = [&](const std::function<void()>& edit) {
    edit();
    std::string text = git(root_, {"diff"});
    git(root_, {"checkout", "-q", "--", "."});
    return text;
  };
  const std::string pa = patch_of([&] { write_file(root_ / "a.txt", "a changed\n"); });
  const std::string pb = patch_of([&] { write_file(root_ / "b.txt", "b changed\n"); });
  const std::string pc = patch_of([&] { write_file(root_ / "c.txt", "c changed\n"); });
  const std::string pd = patch_of([&] { fs::remove(root_ / "d.txt"); });

  const git_oid set_ab = git::apply_patch_to_tree(repo(), git::apply_patch_to_tree(repo(), base, pa), pb);
  const git_oid set_acd = git::apply_patch_to_tree(
      repo(), git::apply_patch_to_tree(repo(), git::apply_patch_to_tree(repo(), base, pa), pc), pd);
  EXPECT_EQ(read_file(root_ / "a.txt"), "a.txt\n") << "computing a set's content touches no file";

  EXPECT_EQ(move_worktree(repo(), base, set_ab), (Strings{"a.txt", "b.txt"}));
  const auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& entry : fs::directory_iterator(root_))
    if (entry.is_regular_file()) fs::last_write_time(entry.path(), old_time);

  EXPECT_EQ(move_worktree(repo(), set_ab, set_acd), (Strings{"b.txt", "c.txt", "d.txt"}));
  Strings touched;
  for (const auto& entry : fs::directory_iterator(root_))
    if (entry.is_regular_file() && entry.last_write_time() != old_time)
      touched.push_back(entry.path().filename().string());
  std::sort(touched.begin(), touched.end());
  EXPECT_EQ(touched, (Strings{"b.txt", "c.txt"}));  // d.txt is gone
  EXPECT_EQ(read_file(root_ / "a.txt"), "a changed\n");
  EXPECT_EQ(read_file(root_ / "b.txt"), "b.txt\n");
  EXPECT_EQ(read_file(root_ / "c.txt"), "c changed\n");
  EXPECT_FALSE(fs::exists(root_ / "d.txt"));
  EXPECT_EQ(read_file(root_ / "e.txt"), "e.txt\n");
  EXPECT_EQ(trimmed(git(root_, {"status", "--porcelain"})), " M a.txt\n M c.txt\n D d.txt");
}

// A patch that does not apply to a set's content in memory is refused, as against the work tree, and
// nothing is written.
TEST_F(TreeCheckout, APatchThatDoesNotApplyInMemoryIsRefusedAndTouchesNothing) {
  write_file(root_ / "a.txt", "a\n");
  const git_oid base = commit_state("one file");
  write_file(root_ / "a.txt", "a changed\n");
  const std::string pa = git(root_, {"diff"});
  git(root_, {"checkout", "-q", "--", "."});
  const git_oid once = git::apply_patch_to_tree(repo(), base, pa);
  try {
    git::apply_patch_to_tree(repo(), once, pa);
    ADD_FAILURE() << "applied twice";
  } catch (const git::PatchRefused& e) {
    EXPECT_NE(std::string(e.what()).find("a.txt"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(root_ / "a.txt"), "a\n");
  EXPECT_EQ(trimmed(git(root_, {"status", "--porcelain"})), "");
}

// A fixer's change kept as a patch (patch_between): applied on the tree it was taken from it gives back the
// tree with the change, binary files, an added executable and a removal included; git itself reads it.
TEST_F(TreeCheckout, APatchBetweenTwoTreesAppliesBackToTheSecond) {
  write_file(root_ / "text.txt", "one\ntwo\n");
  write_file(root_ / "gone.txt", "bye\n");
  write_file(root_ / "data.bin", std::string("\0\x01\x02binary\xff", 10));
  const git_oid before = commit_state("before");
  write_file(root_ / "text.txt", "one\n2\n");
  fs::remove(root_ / "gone.txt");
  write_file(root_ / "data.bin", std::string("\0\x03\x02binary\xfe\x00", 11));
  write_file(root_ / "tool.sh", "#!/bin/sh\n");
  fs::permissions(root_ / "tool.sh", fs::perms::owner_exec, fs::perm_options::add);
  const git_oid after = commit_state("after");

  const std::string patch = patch_between(repo(), before, after);
  EXPECT_TRUE(patch.starts_with("diff --git a/")) << patch;
  EXPECT_NE(patch.find("GIT binary patch"), std::string::npos) << patch;
  EXPECT_TRUE(git::equal(git::apply_patch_to_tree(repo(), before, patch), after));
  git(root_, {"checkout", "-q", "HEAD~1", "--", "."});
  git(root_, {"rm", "-q", "--cached", "tool.sh"});
  fs::remove(root_ / "tool.sh");
  write_file(tmp_ / "fix.diff", patch);
  git(root_, {"apply", "--check", (tmp_ / "fix.diff").string()});  // throws when git refuses it
}

}  // namespace
}  // namespace autofix
