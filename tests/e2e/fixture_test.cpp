// SPDX-License-Identifier: MIT
// Snapshot → mutate everything → restore, on hand-built repositories that hold every kind of path the
// gate must bring back byte for byte: staged, unstaged, untracked, ignored, executable, symbolic links,
// empty and binary files, a 50 MB file, unicode names, deep directories, intent-to-add; and the HEAD
// states (unborn, detached) and neighbours (submodules, nested repositories) it must handle or leave alone.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool under(const std::string& path, const std::string& dir) { return path == dir || starts_with(path, dir + "/"); }
std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::string binary_content(size_t size, unsigned seed) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = (i % 7 == 0) ? '\0' : static_cast<char>((i * 131 + seed) & 0xff);
  return s;
}

std::string big_content(size_t size) {
  std::string s;
  s.reserve(size + 64);
  char line[64];
  for (size_t i = 0; s.size() < size; ++i) {
    int n = std::snprintf(line, sizeof line, "line %09zu of the large file, with some text\n", i);
    s.append(line, static_cast<size_t>(n));
  }
  s.resize(size);
  return s;
}

// Restores `id` and expects exit 0 and the verified message. When the restore fails, `recover` is run
// so that the caller's fingerprint check still shows how far from the snapshot the tree is.
void restore_ok(const fs::path& repo, const std::string& id) {
  runners::ProcessResult r = gate(repo, {"restore", id});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  if (r.exit_code != 0) {
    runners::ProcessResult rec = gate(repo, {"recover"});
    ADD_FAILURE() << "restore failed; `recover` afterwards: " << show(rec);
    return;
  }
  EXPECT_NE(r.out.find("snapshot " + id), std::string::npos) << show(r);
  EXPECT_NE(r.out.find("(verified)"), std::string::npos) << show(r);
}

void expect_same(const TreeFingerprint& expected, const TreeFingerprint& actual) {
  EXPECT_TRUE(expected == actual) << describe_difference(expected, actual);
}

// The snapshot's ignore rules in the big fixture: `*.log`, `/build/`, `ignored dir/`.
bool fixture_ignored(const std::string& p) {
  return base_name(p).ends_with(".log") || under(p, "build") || under(p, "ignored dir");
}

TEST(Fixture, EveryKindOfPathComesBackExactly) {
  TempDir tmp;
  fs::path repo = tmp / "work tree";
  init_repo(repo);

  // --- committed content ---
  write_file(repo / ".gitignore", "*.log\n/build/\nignored dir/\n");
  write_file(repo / ".gitattributes", "*.crlf text=auto\n");
  write_file(repo / "windows.crlf", "one\r\ntwo\r\n");
  write_file(repo / "src/main.c", "int main(void) { return 0; }\n");
  write_file(repo / "src/util.c", "int util(void) { return 1; }\n");
  write_file(repo / "tool.sh", "#!/bin/sh\necho tool\n");
  set_executable(repo / "tool.sh", true);
  write_file(repo / "exec then plain.sh", "#!/bin/sh\n");
  set_executable(repo / "exec then plain.sh", true);
  write_file(repo / "mode-change.txt", "mode changes, content does not\n");
  write_file(repo / "empty.txt", "");
  write_file(repo / "binary.bin", binary_content(4096, 1));
  write_file(repo / "large file.dat", big_content(50u << 20));
  write_file(repo / "name with spaces.txt", "spaces\n");
  write_file(repo / "dir with space/file with space.txt", "spaces in dir\n");
  write_file(repo / "unicodé ñame/файл 日本.txt", "unicode\n");
  write_file(repo / "quote\"and\\backslash.txt", "odd characters\n");
  std::string deep = "deep";
  for (int i = 1; i <= 20; ++i) deep += "/level " + std::to_string(i);
  write_file(repo / deep / "leaf.txt", "twenty levels down\n");
  write_file(repo / "staged.txt", "committed version\n");
  write_file(repo / "both.txt", "committed version\n");
  write_file(repo / "deleted-unstaged.txt", "will be deleted, not staged\n");
  write_file(repo / "deleted-staged.txt", "will be deleted with git rm\n");
  make_symlink("src/main.c", repo / "link-to-file");
  make_symlink("src", repo / "link-to-dir");
  make_symlink("does/not/exist", repo / "dangling-link");
  git(repo, {"add", "-A"});
  git(repo, {"commit", "-q", "-m", "fixture"});

  // --- the state to snapshot: changes staged, unstaged, untracked and ignored ---
  write_file(repo / "staged.txt", "staged version\n");
  write_file(repo / "staged-new.txt", "new and staged\n");
  write_file(repo / "both.txt", "staged version\n");
  git(repo, {"add", "staged.txt", "staged-new.txt", "both.txt"});
  write_file(repo / "both.txt", "work tree version, differs from the staged one\n");
  write_file(repo / "src/main.c", "int main(void) { return 42; }  // unstaged\n");
  set_executable(repo / "mode-change.txt", true);
  set_executable(repo / "exec then plain.sh", false);
  fs::remove(repo / "deleted-unstaged.txt");
  git(repo, {"rm", "-q", "deleted-staged.txt"});
  write_file(repo / "ita.txt", "intent to add\n");
  git(repo, {"add", "-N", "ita.txt"});
  write_file(repo / "untracked.txt", "untracked\n");
  write_file(repo / "untracked dir/a.txt", "untracked in a dir\n");
  write_file(repo / "untracked dir/sub/b.bin", binary_content(1000, 7));
  write_file(repo / "untracked.bin", binary_content(777, 3));
  write_file(repo / "line\nbreak.txt", "a newline in the name\n");
  make_symlink("tool.sh", repo / "untracked-link");
  make_symlink("nowhere", repo / "untracked dangling");
  fs::create_directories(repo / "empty dir");
  fs::create_directories(repo / "empty/nested/deeper");
  write_file(repo / "debug.log", "ignored log\n");
  write_file(repo / "src/trace.log", "ignored log in a tracked dir\n");
  write_file(repo / "build/out.o", binary_content(500, 9));
  write_file(repo / "build/sub/x.bin", "ignored\n");
  write_file(repo / "ignored dir/keep.txt", "ignored dir\n");

  TreeFingerprint before = exact_fingerprint(repo);

  runners::ProcessResult snap = gate(repo, {"snapshot", "-m", "fixture snapshot", "--json"});
  ASSERT_EQ(snap.exit_code, 0) << show(snap);
  nlohmann::json manifest = json_of(snap);
  std::string id = manifest.at("id").get<std::string>();
  EXPECT_EQ(manifest.at("message"), "fixture snapshot");
  EXPECT_EQ(manifest.at("head").at("kind"), "branch");
  EXPECT_EQ(manifest.at("head").at("ref"), "refs/heads/main");
  EXPECT_EQ(manifest.at("ref"), "refs/autofix/snapshots/" + id);
  std::vector<std::string> left_ignored = manifest.at("left_out").at("ignored").get<std::vector<std::string>>();
  EXPECT_EQ(left_ignored,
            (std::vector<std::string>{"build/", "debug.log", "ignored dir/", "src/trace.log"}));
  EXPECT_TRUE(manifest.at("left_out").at("submodules").empty());
  ASSERT_EQ(exact_fingerprint(repo), before) << "snapshot must not change anything\n"
                                       << describe_difference(before, exact_fingerprint(repo));

  // --- mutate everything ---
  write_file(repo / "src/main.c", "int main(void) { return 1; }  // the fix\n");
  { std::ofstream(repo / "large file.dat", std::ios::app) << "appended"; }
  write_file(repo / "binary.bin", binary_content(4096, 2));
  write_file(repo / "unicodé ñame/файл 日本.txt", "unicode changed\n");
  write_file(repo / "windows.crlf", "one\ntwo\n");
  write_file(repo / "both.txt", "changed again\n");
  fs::remove(repo / "tool.sh");
  fs::remove(repo / "dir with space/file with space.txt");
  fs::remove(repo / "untracked.txt");
  fs::remove(repo / "empty.txt");
  fs::remove(repo / "line\nbreak.txt");
  set_executable(repo / "src/util.c", true);
  set_executable(repo / "mode-change.txt", false);
  set_executable(repo / "exec then plain.sh", true);
  fs::remove(repo / "link-to-file");
  make_symlink("src/util.c", repo / "link-to-file");
  fs::remove(repo / "link-to-dir");
  make_symlink("deep", repo / "link-to-dir");
  fs::remove(repo / "dangling-link");
  make_symlink("src/main.c", repo / "dangling-link");
  fs::remove(repo / "untracked-link");
  write_file(repo / "untracked-link", "a file where a link was\n");
  fs::remove(repo / "untracked.bin");
  make_symlink("binary.bin", repo / "untracked.bin");
  fs::remove(repo / "staged-new.txt");  // file -> directory
  write_file(repo / "staged-new.txt/inside.txt", "was a file\n");
  fs::remove_all(repo / "untracked dir");  // directory -> file
  write_file(repo / "untracked dir", "was a directory\n");
  fs::remove_all(repo / "deep/level 1");  // a 19-level tracked directory -> file
  write_file(repo / "deep/level 1", "was twenty levels of directories\n");
  fs::remove(repo / "empty dir");  // empty directory -> file
  write_file(repo / "empty dir", "was an empty directory\n");
  fs::remove_all(repo / "empty/nested");
  write_file(repo / "new/dir/file.txt", "new untracked\n");
  fs::create_directories(repo / "new empty dir/inner");
  write_file(repo / "ita.txt", "intent to add, changed\n");
  git(repo, {"add", "-A", "src", "binary.bin", "tool.sh"});
  git(repo, {"rm", "-q", "-f", "--cached", "both.txt"});
  git(repo, {"commit", "-q", "-m", "the fix, committed on the branch"});
  write_file(repo / "staged later.txt", "staged after the commit\n");
  git(repo, {"add", "staged later.txt", "new/dir/file.txt"});
  // ignored files change too, and the rules themselves: restore must leave the former alone
  write_file(repo / "debug.log", "ignored log, changed after the snapshot\n");
  fs::remove(repo / "build/sub/x.bin");
  write_file(repo / "build/new.o", "new ignored\n");
  write_file(repo / "src/trace.log", "changed\n");
  write_file(repo / ".gitignore", "*.log\n/build/\nignored dir/\n*.txt\n");
  std::map<std::string, std::string> mutated = tree_entries(repo);
  ASSERT_NE(exact_fingerprint(repo), before);

  restore_ok(repo, id);
  TreeFingerprint expected = with_ignored_from(before, mutated, fixture_ignored);
  EXPECT_EQ(read_file(repo / "debug.log"), "ignored log, changed after the snapshot\n");
  EXPECT_EQ(read_file(repo / "build/new.o"), "new ignored\n");
  expect_same(expected, exact_fingerprint(repo));
  EXPECT_NO_THROW(git(repo, {"rev-parse", "-q", "--verify", "refs/autofix/discarded/" + id}))
      << "the discarded work tree must be kept";

  // A second restore finds nothing to do and changes nothing.
  runners::ProcessResult again = gate(repo, {"restore", id, "--json"});
  ASSERT_EQ(again.exit_code, 0) << show(again);
  nlohmann::json report = json_of(again);
  EXPECT_TRUE(report.at("written").empty()) << report.dump(2);
  EXPECT_TRUE(report.at("removed").empty()) << report.dump(2);
  EXPECT_FALSE(report.at("index_rewritten").get<bool>());
  EXPECT_FALSE(report.at("head_moved").get<bool>());
  EXPECT_TRUE(report.at("verified").get<bool>());
  expect_same(expected, exact_fingerprint(repo));
}

// A file of the snapshot (tracked or untracked) replaced by a directory holding files. Regression: the
// restore put the file back, then its verification failed with exit 4, "cannot stat '<repo>/f/inside':
// Not a directory" (ENOTDIR taken for an error instead of "absent"), and left its journal behind.
TEST(Fixture, FileReplacedByADirectory) {
  TempDir tmp;
  fs::path repo = tmp / "repo";
  init_repo(repo);
  write_file(repo / "tracked", "tracked file\n");
  git(repo, {"add", "tracked"});
  git(repo, {"commit", "-q", "-m", "tracked"});
  write_file(repo / "untracked", "untracked file\n");
  TreeFingerprint before = exact_fingerprint(repo);
  std::string id = make_snapshot(repo);
  for (const char* name : {"tracked", "untracked"}) {
    fs::remove(repo / name);
    write_file(repo / name / "inside", "now a directory\n");
  }
  runners::ProcessResult r = gate(repo, {"restore", id});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_FALSE(fs::exists(repo / ".git/autofix/journal.json")) << "restore left its journal behind";
  TreeFingerprint after = exact_fingerprint(repo);
  EXPECT_TRUE(after == before) << describe_difference(before, after);
}

// A directory of the snapshot replaced by a file. Regression: the restore put the directory back, then
// its verification reported "'d' (should not exist)" (the directory it must be) and exited 4.
TEST(Fixture, DirectoryReplacedByAFile) {
  TempDir tmp;
  fs::path repo = tmp / "repo";
  init_repo(repo);
  write_file(repo / "tracked dir/x.txt", "tracked\n");
  git(repo, {"add", "tracked dir"});
  git(repo, {"commit", "-q", "-m", "tracked dir"});
  write_file(repo / "untracked dir/y.txt", "untracked\n");
  TreeFingerprint before = exact_fingerprint(repo);
  std::string id = make_snapshot(repo);
  for (const char* name : {"tracked dir", "untracked dir"}) {
    fs::remove_all(repo / name);
    write_file(repo / name, "now a file\n");
  }
  runners::ProcessResult r = gate(repo, {"restore", id});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_FALSE(fs::exists(repo / ".git/autofix/journal.json")) << "restore left its journal behind";
  TreeFingerprint after = exact_fingerprint(repo);
  EXPECT_TRUE(after == before) << describe_difference(before, after);
}

// Regression (fixed): `restore` verifies each path it changed with lstat() on the whole path, so a path under a symbolic
// link it has just put back is looked up through that link. Snapshot: the link `here -> .` and the file x;
// after the snapshot `here` becomes a directory holding x. The restore puts the link back, then checks
// that "here/x" (a file that must not exist) is absent, finds the top-level x through the link, and
// fails: exit 4, "left 1 path(s) different from the snapshot: 'here/x' (should not exist)", journal left.
TEST(Fixture, LinkToADirectoryReplacedByADirectory) {
  TempDir tmp;
  fs::path repo = tmp / "repo";
  init_repo(repo);
  write_file(repo / "x", "top-level x\n");
  make_symlink(".", repo / "here");
  git(repo, {"add", "-A"});
  git(repo, {"commit", "-q", "-m", "links"});
  TreeFingerprint before = exact_fingerprint(repo);
  std::string id = make_snapshot(repo);
  fs::remove(repo / "here");
  write_file(repo / "here/x", "a real directory now\n");
  runners::ProcessResult r = gate(repo, {"restore", id});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_FALSE(fs::exists(repo / ".git/autofix/journal.json")) << "restore left its journal behind";
  TreeFingerprint after = exact_fingerprint(repo);
  EXPECT_TRUE(after == before) << describe_difference(before, after);
}

// Regression (fixed): the same lookup through a restored link fails outright on a link loop. Snapshot: `loop -> loop`;
// after the snapshot `loop` becomes a directory holding f. The restore puts the link back, then fails:
// exit 4, "cannot stat '<repo>/loop/f': Too many levels of symbolic links" (only ENOENT and ENOTDIR
// count as "absent"), journal left. Randomized seed 20253 finds this too (link a/b/f -> f).
TEST(Fixture, LinkLoopReplacedByADirectory) {
  TempDir tmp;
  fs::path repo = tmp / "repo";
  init_repo(repo);
  make_symlink("loop", repo / "loop");
  git(repo, {"add", "-A"});
  git(repo, {"commit", "-q", "-m", "a link loop"});
  TreeFingerprint before = exact_fingerprint(repo);
  std::string id = make_snapshot(repo);
  fs::remove(repo / "loop");
  write_file(repo / "loop/f", "a real directory now\n");
  runners::ProcessResult r = gate(repo, {"restore", id});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_FALSE(fs::exists(repo / ".git/autofix/journal.json")) << "restore left its journal behind";
  TreeFingerprint after = exact_fingerprint(repo);
  EXPECT_TRUE(after == before) << describe_difference(before, after);
}

// The index's mtime is git's reference for "racily clean" entries (a file changed in the same second as
// it was staged, same size): restore must put it back even when the index already holds the snapshot's
// bytes but was rewritten after the snapshot (same bytes, later mtime: a tool that writes an unchanged
// index, or git commands that end where they began, as randomized seed 20429 did). Regression: it did
// not, and `git status` / `git diff` then showed no change for a.txt, whose content differs from the index.
TEST(Fixture, RacilyCleanEntryStaysModifiedWhenTheIndexWasRewrittenUnchanged) {
  TempDir tmp;
  fs::path repo = tmp / "racy";
  init_repo(repo);
  auto status_of_a = [&] { return git(repo, {"--no-optional-locks", "status", "--porcelain", "--", "a.txt"}); };
  for (int attempt = 0; attempt < 5 && status_of_a() != "AM a.txt\n"; ++attempt) {
    // Early in a second, so that the index write and the change share it.
    while (std::chrono::system_clock::now().time_since_epoch() % std::chrono::seconds(1) >
           std::chrono::milliseconds(300))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    write_file(repo / "a.txt", "aaaa\n");
    git(repo, {"add", "a.txt"});
    write_file(repo / "a.txt", "bbbb\n");
  }
  ASSERT_EQ(status_of_a(), "AM a.txt\n") << "precondition: git sees the change";
  TreeFingerprint before = exact_fingerprint(repo);
  std::string id = make_snapshot(repo);

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  std::string index = read_file(repo / ".git/index");
  write_file(repo / ".git/index.rewrite", index);
  fs::rename(repo / ".git/index.rewrite", repo / ".git/index");  // same bytes, new mtime
  write_file(repo / "b.txt", "something for the restore to undo\n");

  restore_ok(repo, id);
  EXPECT_EQ(status_of_a(), "AM a.txt\n") << "git must still see that a.txt differs from the index";
  expect_same(before, exact_fingerprint(repo));
}

TEST(Fixture, RestoreWorksFromASubdirectoryAndWithDashC) {
  TempDir tmp;
  fs::path repo = tmp / "repo";
  init_repo(repo);
  write_file(repo / "a/b/c.txt", "original\n");
  TreeFingerprint before = exact_fingerprint(repo);
  runners::ProcessResult snap = gate(repo / "a" / "b", {"snapshot"});
  ASSERT_EQ(snap.exit_code, 0) << show(snap);
  std::string id = snap.out.substr(0, snap.out.find('\n'));
  write_file(repo / "a/b/c.txt", "changed\n");
  write_file(repo / "z.txt", "new\n");
  runners::ProcessResult r = gate(tmp.path(), {"restore", id, "-C", (repo / "a").string()});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  expect_same(before, exact_fingerprint(repo));
}

// A fresh `git init`: no commit, no index file.
TEST(Fixture, UnbornHeadWithoutFiles) {
  TempDir tmp;
  fs::path repo = tmp / "fresh";
  fs::create_directories(repo);
  git(repo, {"init", "-q", "-b", "main"});
  TreeFingerprint before = exact_fingerprint(repo);
  runners::ProcessResult snap = gate(repo, {"snapshot", "--json"});
  ASSERT_EQ(snap.exit_code, 0) << show(snap);
  nlohmann::json manifest = json_of(snap);
  EXPECT_EQ(manifest.at("head").at("kind"), "unborn");
  EXPECT_TRUE(manifest.at("head").at("oid").is_null());
  std::string id = manifest.at("id").get<std::string>();

  write_file(repo / "first.txt", "first\n");
  write_file(repo / "dir/second.txt", "second\n");
  git(repo, {"add", "-A"});
  git(repo, {"commit", "-q", "-m", "first commit makes the branch"});
  write_file(repo / "untracked.txt", "x\n");

  restore_ok(repo, id);
  expect_same(before, exact_fingerprint(repo));
  EXPECT_FALSE(fs::exists(repo / ".git" / "index")) << "the snapshot had no index";
  EXPECT_NE(run({"git", "rev-parse", "-q", "--verify", "refs/heads/main"}, repo).exit_code, 0)
      << "the branch was unborn";
}

TEST(Fixture, UnbornHeadWithUntrackedFiles) {
  TempDir tmp;
  fs::path repo = tmp / "fresh with files";
  fs::create_directories(repo);
  git(repo, {"init", "-q", "-b", "main"});
  write_file(repo / "a.txt", "a\n");
  write_file(repo / "dir/b.sh", "#!/bin/sh\n");
  set_executable(repo / "dir/b.sh", true);
  make_symlink("a.txt", repo / "link");
  fs::create_directories(repo / "empty");
  TreeFingerprint before = exact_fingerprint(repo);
  std::string id = make_snapshot(repo);

  fs::remove(repo / "a.txt");
  write_file(repo / "dir/b.sh", "changed\n");
  set_executable(repo / "dir/b.sh", false);
  git(repo, {"add", "-A"});
  write_file(repo / "c.txt", "c\n");

  restore_ok(repo, id);
  expect_same(before, exact_fingerprint(repo));
}

TEST(Fixture, UnbornHeadWithStagedFiles) {
  TempDir tmp;
  fs::path repo = tmp / "fresh staged";
  fs::create_directories(repo);
  git(repo, {"init", "-q", "-b", "main"});
  write_file(repo / "staged.txt", "staged\n");
  write_file(repo / "staged and changed.txt", "staged\n");
  write_file(repo / "untracked.txt", "untracked\n");
  git(repo, {"add", "staged.txt", "staged and changed.txt"});
  write_file(repo / "staged and changed.txt", "changed after staging\n");
  TreeFingerprint before = exact_fingerprint(repo);
  std::string id = make_snapshot(repo);

  git(repo, {"add", "-A"});
  git(repo, {"commit", "-q", "-m", "born"});
  git(repo, {"rm", "-q", "--cached", "staged.txt"});
  fs::remove(repo / "untracked.txt");
  write_file(repo / "staged.txt", "changed\n");

  restore_ok(repo, id);
  expect_same(before, exact_fingerprint(repo));
}

TEST(Fixture, DetachedHead) {
  TempDir tmp;
  fs::path repo = tmp / "detached";
  init_repo(repo);
  write_file(repo / "a.txt", "one\n");
  git(repo, {"add", "a.txt"});
  git(repo, {"commit", "-q", "-m", "one"});
  write_file(repo / "a.txt", "two\n");
  git(repo, {"commit", "-q", "-am", "two"});
  git(repo, {"checkout", "-q", "--detach", "HEAD~1"});
  write_file(repo / "a.txt", "unstaged on a detached HEAD\n");
  write_file(repo / "b.txt", "untracked\n");
  TreeFingerprint before = exact_fingerprint(repo);
  runners::ProcessResult snap = gate(repo, {"snapshot", "--json"});
  ASSERT_EQ(snap.exit_code, 0) << show(snap);
  nlohmann::json manifest = json_of(snap);
  EXPECT_EQ(manifest.at("head").at("kind"), "detached");
  std::string id = manifest.at("id").get<std::string>();

  git(repo, {"commit", "-q", "-am", "commit on the detached HEAD"});
  git(repo, {"checkout", "-q", "main"});
  write_file(repo / "c.txt", "on main\n");
  git(repo, {"add", "c.txt"});

  restore_ok(repo, id);
  expect_same(before, exact_fingerprint(repo));
}

TEST(Fixture, SubmodulesNestedRepositoriesAndSpecialFilesAreLeftAlone) {
  TempDir tmp;
  fs::path lib = tmp / "lib repo";
  init_repo(lib);
  write_file(lib / "lib.c", "int lib;\n");
  git(lib, {"add", "lib.c"});
  git(lib, {"commit", "-q", "-m", "lib"});
  fs::path repo = tmp / "super repo";
  init_repo(repo);
  git(repo, {"-c", "protocol.file.allow=always", "submodule", "add", "-q", lib.string(), "sub module"});
  git(repo, {"commit", "-q", "-m", "add the submodule"});
  fs::create_directories(repo / "nested");
  git(repo / "nested", {"init", "-q", "-b", "main"});
  write_file(repo / "nested/inner.txt", "nested repository\n");
  write_file(repo / "top.txt", "top\n");
  ASSERT_EQ(::mkfifo((repo / "a fifo").c_str(), 0644), 0);
  TreeFingerprint before = exact_fingerprint(repo);

  runners::ProcessResult snap = gate(repo, {"snapshot", "--json"});
  ASSERT_EQ(snap.exit_code, 0) << show(snap);
  nlohmann::json manifest = json_of(snap);
  EXPECT_EQ(manifest.at("left_out").at("submodules"), nlohmann::json::array({"sub module"})) << manifest.dump(2);
  EXPECT_EQ(manifest.at("left_out").at("nested_repositories"), nlohmann::json::array({"nested"}))
      << manifest.dump(2);
  EXPECT_EQ(manifest.at("left_out").at("special_files"), nlohmann::json::array({"a fifo"})) << manifest.dump(2);
  std::string id = manifest.at("id").get<std::string>();

  // Work inside the submodule and the nested repository must survive the restore, and so must the fifo.
  write_file(repo / "sub module/lib.c", "int lib = 2;  // changed inside the submodule\n");
  write_file(repo / "sub module/new.txt", "untracked inside the submodule\n");
  write_file(repo / "nested/inner.txt", "changed inside the nested repository\n");
  std::string sub_status = git(repo / "sub module", {"status", "--porcelain=v2"});
  write_file(repo / "top.txt", "changed\n");
  write_file(repo / "other.txt", "new\n");
  std::map<std::string, std::string> mutated = tree_entries(repo);

  restore_ok(repo, id);
  auto left_alone = [](const std::string& p) { return under(p, "sub module") || under(p, "nested"); };
  TreeFingerprint expected = with_ignored_from(before, mutated, left_alone);
  TreeFingerprint actual = exact_fingerprint(repo);
  // The submodule's own line in the status reflects the work inside it, which was left alone.
  expected.status = without_lines_containing(expected.status, "sub module");
  actual.status = without_lines_containing(actual.status, "sub module");
  expect_same(expected, actual);
  EXPECT_EQ(git(repo / "sub module", {"status", "--porcelain=v2"}), sub_status);
}

// Regression (fixed) (tests/support/test_support.cpp, not the product): fingerprint() keys entries by
// fs::relative(path, root), which follows symbolic links, so links are recorded under their targets'
// names and a link loop throws. Fix: `entry.path().lexically_relative(root)`. Until then the e2e tests
// use exact_fingerprint(); this test passes once fingerprint() agrees with it.
TEST(Support, FingerprintKeysLinksByTheirOwnNames) {
  TempDir tmp;
  fs::path repo = tmp / "links";
  init_repo(repo);
  write_file(repo / "target.txt", "target\n");
  make_symlink("target.txt", repo / "link-to-file");
  make_symlink("/etc/hostname", repo / "link-outside");
  std::map<std::string, std::string> entries;
  try {
    entries = fingerprint(repo).entries;
  } catch (const std::exception& e) {
    FAIL() << "fingerprint() threw: " << e.what();
  }
  EXPECT_EQ(entries, tree_entries(repo));
  make_symlink("loop", repo / "loop");
  EXPECT_NO_THROW(fingerprint(repo)) << "a symbolic link loop is a legal work tree entry";
}

}  // namespace
}  // namespace autofix::testing
