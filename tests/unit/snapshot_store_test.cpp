// SPDX-License-Identifier: MIT
#include "gate/snapshot/snapshot_store.h"

#include <sys/stat.h>

#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "gate/snapshot/restore.h"
#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::snapshot {
namespace {

namespace fs = std::filesystem;
using autofix::testing::git;
using autofix::testing::init_repo;
using autofix::testing::run;
using autofix::testing::TempDir;
using autofix::testing::write_file;
using Listing = std::vector<std::pair<std::string, std::string>>;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

Listing listing(const ScanResult& r) {
  Listing out;
  for (const Change& c : r.changes) out.emplace_back(c.path, to_string(c.kind));
  return out;
}

std::vector<std::string> ids_of(const std::vector<StoredSnapshot>& list) {
  std::vector<std::string> ids;
  for (const auto& s : list) ids.push_back(s.manifest.id);
  return ids;
}

class SnapshotStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { init_repo(repo_); }

  std::string rev(const std::string& what) { return trimmed(git(repo_, {"rev-parse", what})); }
  bool ref_exists(const std::string& ref) {
    return run({"git", "show-ref", "--verify", "-q", ref}, repo_).exit_code == 0;
  }

  TempDir dir_;
  fs::path repo_ = dir_ / "work tree";
};

TEST_F(SnapshotStoreTest, CreateWritesACommitUnderTheSnapshotRef) {
  git::Repository r = git::Repository::open(repo_);
  StoredSnapshot s = SnapshotStore(r).create("before the fix");
  const std::string& id = s.manifest.id;
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}"))) << id;
  EXPECT_EQ(SnapshotStore::ref_name(id), "refs/autofix/snapshots/" + id);
  EXPECT_EQ(rev("refs/autofix/snapshots/" + id), git::to_hex(s.commit));
  EXPECT_EQ(git(repo_, {"ls-tree", "--name-only", git::to_hex(s.commit)}), "git\nindex\nmanifest.json\nscan-record\nstaged\nworktree\n");
  EXPECT_EQ(rev(git::to_hex(s.commit) + "^"), rev("HEAD"));
  EXPECT_EQ(git(repo_, {"log", "-1", "--format=%B", git::to_hex(s.commit)}),
            "autofix-gate snapshot " + id + "\n\nbefore the fix\n\n");
}

TEST_F(SnapshotStoreTest, ManifestRecordsHeadIndexAndWorkTree) {
  write_file(repo_ / "README.md", "changed\n");
  write_file(repo_ / "new.txt", "new\n");
  git::Repository r = git::Repository::open(repo_);
  StoredSnapshot s = SnapshotStore(r).create("");
  const Manifest& m = s.manifest;
  EXPECT_EQ(m.message, "");
  EXPECT_EQ(m.workdir, repo_.string());
  EXPECT_EQ(m.head.kind, HeadState::Kind::branch);
  EXPECT_EQ(m.head.ref, "refs/heads/main");
  EXPECT_EQ(git::to_hex(*m.head.oid), rev("HEAD"));
  EXPECT_TRUE(m.index.present);
  EXPECT_EQ(m.index.entries, 1u);
  EXPECT_FALSE(m.index.conflicts);
  EXPECT_EQ(git(repo_, {"cat-file", "blob", git::to_hex(*m.index.blob)}),
            autofix::testing::read_file(repo_ / ".git" / "index"));
  EXPECT_EQ(git::to_hex(m.worktree_tree), rev(git::to_hex(s.commit) + ":worktree"));
  EXPECT_EQ(git::to_hex(*m.staged_tree), rev("HEAD^{tree}"));
  EXPECT_EQ(listing(m.scan), (Listing{{"README.md", "modified"}, {"new.txt", "added"}}));
  EXPECT_EQ(git(repo_, {"show", git::to_hex(s.commit) + ":worktree/new.txt"}), "new\n");
  EXPECT_EQ(git(repo_, {"show", git::to_hex(s.commit) + ":worktree/README.md"}), "changed\n");
}

TEST_F(SnapshotStoreTest, LoadReturnsTheSameManifest) {
  write_file(repo_ / "untracked.txt", "u\n");
  git::Repository r = git::Repository::open(repo_);
  SnapshotStore store(r);
  StoredSnapshot created = store.create("msg");
  StoredSnapshot loaded = store.load(created.manifest.id);
  EXPECT_EQ(to_json(loaded.manifest), to_json(created.manifest));
  EXPECT_TRUE(git_oid_equal(&loaded.commit, &created.commit));
  // Also through a repository opened afresh, as another process would.
  git::Repository again = git::Repository::open(repo_);
  EXPECT_EQ(to_json(SnapshotStore(again).load(created.manifest.id).manifest), to_json(created.manifest));
}

TEST_F(SnapshotStoreTest, CreateTouchesNeitherTheWorkTreeNorTheIndex) {
  write_file(repo_ / ".gitignore", "*.log\n");
  write_file(repo_ / "README.md", "changed\n");
  write_file(repo_ / "sub" / "new.txt", "new\n");
  write_file(repo_ / "x.log", "ignored\n");
  fs::create_directories(repo_ / "empty");
  git(repo_, {"add", ".gitignore"});
  autofix::testing::TreeFingerprint before = autofix::testing::fingerprint(repo_);
  std::optional<FileStamp> index_stamp = file_stamp((repo_ / ".git" / "index").string());
  git::Repository r = git::Repository::open(repo_);
  SnapshotStore(r).create("x");
  EXPECT_EQ(autofix::testing::fingerprint(repo_), before)
      << autofix::testing::describe_difference(before, autofix::testing::fingerprint(repo_));
  EXPECT_EQ(file_stamp((repo_ / ".git" / "index").string()), index_stamp);
}

TEST_F(SnapshotStoreTest, IndexBytesAreTheIndexFileExactly) {
  write_file(repo_ / "staged.txt", "s\n");
  git(repo_, {"add", "staged.txt"});
  git::Repository r = git::Repository::open(repo_);
  SnapshotStore store(r);
  StoredSnapshot s = store.create("");
  EXPECT_EQ(store.index_bytes(s.manifest), autofix::testing::read_file(repo_ / ".git" / "index"));
}

TEST_F(SnapshotStoreTest, UnchangedIndexReusesTheSavedBlobAndAChangedOneIsSavedAgain) {
  git::Repository r = git::Repository::open(repo_);
  SnapshotStore store(r);
  StoredSnapshot first = store.create("");
  StoredSnapshot second = store.create("");
  EXPECT_TRUE(git_oid_equal(&*first.manifest.index.blob, &*second.manifest.index.blob));
  write_file(repo_ / "staged.txt", "s\n");
  git(repo_, {"add", "staged.txt"});
  StoredSnapshot third = store.create("");
  EXPECT_FALSE(git_oid_equal(&*first.manifest.index.blob, &*third.manifest.index.blob));
  EXPECT_EQ(store.index_bytes(third.manifest), autofix::testing::read_file(repo_ / ".git" / "index"));
  EXPECT_EQ(third.manifest.index.entries, 2u);
}

// The saved index is keyed by the index file's own checksum: git rewriting the file with the same bytes
// (a new inode and time) reuses the stored blob, and the object file is neither read nor written again.
TEST_F(SnapshotStoreTest, IndexRewrittenWithTheSameBytesReusesTheBlobWithoutWritingIt) {
  git::Repository r = git::Repository::open(repo_);
  SnapshotStore store(r);
  StoredSnapshot first = store.create("");
  const std::string hex = git::to_hex(*first.manifest.index.blob);
  const fs::path object = repo_ / ".git" / "objects" / hex.substr(0, 2) / hex.substr(2);
  struct stat before;
  ASSERT_EQ(::lstat(object.c_str(), &before), 0);
  const fs::path index = repo_ / ".git" / "index";
  const std::string bytes = autofix::testing::read_file(index);
  fs::remove(index);
  write_file(index, bytes);  // a new file with the same bytes
  StoredSnapshot second = SnapshotStore(git::Repository::open(repo_)).create("");
  EXPECT_EQ(git::to_hex(*second.manifest.index.blob), hex);
  EXPECT_FALSE(second.manifest.index.stamp == first.manifest.index.stamp);
  struct stat after;
  ASSERT_EQ(::lstat(object.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
  EXPECT_EQ(git(repo_, {"cat-file", "blob", hex}), bytes);
}

// The cache is a file in .git that anyone can edit: garbage, or a blob that cannot be this index, is
// ignored and the index saved from its bytes.
TEST_F(SnapshotStoreTest, ADamagedIndexBlobCacheOnlyCostsTime) {
  git::Repository r = git::Repository::open(repo_);
  StoredSnapshot first = SnapshotStore(r).create("");
  const fs::path cache = repo_ / ".git" / "autofix" / "index-blob.json";
  ASSERT_TRUE(fs::exists(cache));
  const std::string text = autofix::testing::read_file(cache);
  const std::string index_bytes = autofix::testing::read_file(repo_ / ".git" / "index");
  const std::string other_blob = trimmed(git(repo_, {"rev-parse", "HEAD:README.md"}));
  const std::string wrong_blob = std::regex_replace(text, std::regex("\"blob\":\"[0-9a-f]+\""), "\"blob\":\"" + other_blob + "\"");
  ASSERT_NE(wrong_blob, text);
  for (const std::string& damaged : {std::string("{not json"), std::string("{}\n"), text.substr(0, text.size() / 2), wrong_blob}) {
    write_file(cache, damaged);
    StoredSnapshot s = SnapshotStore(git::Repository::open(repo_)).create("");
    EXPECT_EQ(git::to_hex(*s.manifest.index.blob), git::to_hex(*first.manifest.index.blob)) << damaged;
    EXPECT_EQ(git(repo_, {"cat-file", "blob", git::to_hex(*s.manifest.index.blob)}), index_bytes) << damaged;
  }
}

TEST_F(SnapshotStoreTest, ListIsOldestFirst) {
  git::Repository r = git::Repository::open(repo_);
  SnapshotStore store(r);
  EXPECT_TRUE(store.list().empty());
  std::string a = store.create("a").manifest.id;
  // Wait for the next second, so that the two snapshots' creation times differ.
  auto next_second = std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now());
  std::this_thread::sleep_until(next_second + std::chrono::milliseconds(20));
  std::string b = store.create("b").manifest.id;
  EXPECT_EQ(ids_of(store.list()), (std::vector<std::string>{a, b}));
}

// Regression (fixed): snapshot_store.cpp:302 (list) sorts by (created, id); `created` has one-second resolution and the
// id ends in a random suffix (new_snapshot_id: "%06llx" of rng()), so snapshots taken within the same
// second come back in random order, not oldest first (and `snapshots prune --keep N`, which relies on
// this order, can drop a newer snapshot and keep an older one). Input: six snapshots taken one after
// the other (within a second or two). Expected: list() returns them in creation order. Actual: an
// arbitrary order (fails except with probability about 1/720 when all share a second).
TEST_F(SnapshotStoreTest, ListKeepsCreationOrderWithinTheSameSecond) {
  git::Repository r = git::Repository::open(repo_);
  SnapshotStore store(r);
  std::vector<std::string> created;
  for (int i = 0; i < 6; ++i) created.push_back(store.create("n" + std::to_string(i)).manifest.id);
  EXPECT_EQ(ids_of(store.list()), created);
}

TEST_F(SnapshotStoreTest, DropRemovesTheRef) {
  git::Repository r = git::Repository::open(repo_);
  SnapshotStore store(r);
  std::string a = store.create("a").manifest.id;
  std::string b = store.create("b").manifest.id;
  store.drop(a);
  EXPECT_FALSE(ref_exists("refs/autofix/snapshots/" + a));
  EXPECT_TRUE(ref_exists("refs/autofix/snapshots/" + b));
  EXPECT_EQ(ids_of(store.list()), std::vector<std::string>{b});
  EXPECT_THROW(store.load(a), Error);
}

void expect_usage_error(const std::function<void()>& f, const std::string& message) {
  try {
    f();
    ADD_FAILURE() << "expected: " << message;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_EQ(std::string(e.what()), message);
    EXPECT_NE(e.hint().find("snapshots list"), std::string::npos);
  }
}

TEST_F(SnapshotStoreTest, UnknownOrMalformedIdIsAUsageError) {
  git::Repository r = git::Repository::open(repo_);
  SnapshotStore store(r);
  expect_usage_error([&] { store.load("20990101T000000Z-000000"); },
                     "no snapshot '20990101T000000Z-000000' in '" + repo_.string() + "'");
  expect_usage_error([&] { store.drop("20990101T000000Z-000000"); },
                     "no snapshot '20990101T000000Z-000000' in '" + repo_.string() + "'");
  for (const char* bad : {"", "../heads/main", "a/b", "x y", "id;rm"})
    expect_usage_error([&] { store.load(bad); }, std::string("'") + bad + "' is not a snapshot id");
  expect_usage_error([&] { store.load(std::string(65, 'a')); }, "'" + std::string(65, 'a') + "' is not a snapshot id");
}

TEST_F(SnapshotStoreTest, RefWithoutManifestIsAnInternalError) {
  git(repo_, {"update-ref", "refs/autofix/snapshots/foreign", "HEAD"});
  git::Repository r = git::Repository::open(repo_);
  try {
    SnapshotStore(r).load("foreign");
    FAIL() << "loaded a commit that is not a snapshot";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    EXPECT_STREQ(e.what(), "snapshot foreign has no manifest.json");
  }
}

TEST_F(SnapshotStoreTest, RefHoldingAnotherSnapshotsManifestIsAnInternalError) {
  git::Repository r = git::Repository::open(repo_);
  StoredSnapshot s = SnapshotStore(r).create("");
  git(repo_, {"update-ref", "refs/autofix/snapshots/copy", git::to_hex(s.commit)});
  try {
    SnapshotStore(r).load("copy");
    FAIL() << "loaded a snapshot under the wrong id";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    EXPECT_EQ(std::string(e.what()), "snapshot ref copy holds the manifest of snapshot " + s.manifest.id);
  }
}

TEST_F(SnapshotStoreTest, ExcludedPathsAreLeftOutAndRecorded) {
  write_file(repo_ / "build" / "out.o", "object\n");
  write_file(repo_ / "src.txt", "s\n");
  git::Repository r = git::Repository::open(repo_);
  SnapshotStore store(r);
  StoredSnapshot s = store.create("", {"build"});
  EXPECT_EQ(s.manifest.excluded, std::vector<std::string>{"build"});
  EXPECT_EQ(listing(s.manifest.scan), (Listing{{"src.txt", "added"}}));
  EXPECT_EQ(store.load(s.manifest.id).manifest.excluded, std::vector<std::string>{"build"});
  EXPECT_EQ(run({"git", "cat-file", "-e", git::to_hex(s.commit) + ":worktree/build/out.o"}, repo_).exit_code, 128);
}

TEST_F(SnapshotStoreTest, ExcludedPathOutsideTheWorkTreeIsAUsageError) {
  git::Repository r = git::Repository::open(repo_);
  for (const char* bad : {"../sibling", "/abs", "build/", ".git"}) {
    try {
      SnapshotStore(r).create("", {bad});
      ADD_FAILURE() << "excluded '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage);
      EXPECT_EQ(std::string(e.what()),
                std::string("cannot exclude '") + bad + "' from the snapshot: it is not a path inside the work tree");
    }
  }
  EXPECT_EQ(git(repo_, {"for-each-ref", "refs/autofix/"}), "");
}

TEST_F(SnapshotStoreTest, DetachedHeadIsRecorded) {
  git(repo_, {"checkout", "-q", "--detach"});
  git::Repository r = git::Repository::open(repo_);
  Manifest m = SnapshotStore(r).create("").manifest;
  EXPECT_EQ(m.head.kind, HeadState::Kind::detached);
  EXPECT_EQ(m.head.ref, "");
  EXPECT_EQ(git::to_hex(*m.head.oid), rev("HEAD"));
  HeadState now = read_head(r);
  EXPECT_EQ(now.kind, HeadState::Kind::detached);
}

TEST_F(SnapshotStoreTest, UnbornHeadWithoutIndexIsRecorded) {
  fs::path fresh = dir_ / "fresh repo";
  fs::create_directories(fresh);
  git(fresh, {"init", "-q", "-b", "trunk"});
  write_file(fresh / "a.txt", "a\n");
  git::Repository r = git::Repository::open(fresh);
  SnapshotStore store(r);
  StoredSnapshot s = store.create("first ever");
  const Manifest& m = s.manifest;
  EXPECT_EQ(m.head.kind, HeadState::Kind::unborn);
  EXPECT_EQ(m.head.ref, "refs/heads/trunk");
  EXPECT_FALSE(m.head.oid);
  EXPECT_FALSE(m.index.present);
  EXPECT_EQ(m.index.entries, 0u);
  EXPECT_EQ(store.index_bytes(m), std::nullopt);
  EXPECT_EQ(listing(m.scan), (Listing{{"a.txt", "added"}}));
  EXPECT_EQ(run({"git", "rev-parse", "-q", "--verify", git::to_hex(s.commit) + "^"}, fresh).exit_code, 1);  // no parent
  EXPECT_EQ(to_json(store.load(m.id).manifest), to_json(m));
  EXPECT_FALSE(fs::exists(fresh / ".git" / "index"));
}

TEST_F(SnapshotStoreTest, CreateRefusesWhileAMergeIsInProgress) {
  git(repo_, {"checkout", "-q", "-b", "other"});
  write_file(repo_ / "README.md", "other\n");
  git(repo_, {"commit", "-q", "-am", "other"});
  git(repo_, {"checkout", "-q", "main"});
  write_file(repo_ / "README.md", "main\n");
  git(repo_, {"commit", "-q", "-am", "main"});
  ASSERT_NE(run({"git", "merge", "-q", "other"}, repo_).exit_code, 0);
  git::Repository r = git::Repository::open(repo_);
  try {
    SnapshotStore(r).create("");
    FAIL() << "snapshot taken during a merge";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::repository_state);
  }
  EXPECT_EQ(git(repo_, {"for-each-ref", "refs/autofix/"}), "");
}

TEST_F(SnapshotStoreTest, SnapshotSurvivesGarbageCollection) {
  write_file(repo_ / "only in the snapshot.txt", "precious 5d1e\n");
  git::Repository r = git::Repository::open(repo_);
  std::string id = SnapshotStore(r).create("").manifest.id;
  git(repo_, {"gc", "-q", "--prune=now"});
  git::Repository again = git::Repository::open(repo_);
  StoredSnapshot s = SnapshotStore(again).load(id);
  EXPECT_EQ(git(repo_, {"show", git::to_hex(s.commit) + ":worktree/only in the snapshot.txt"}), "precious 5d1e\n");
  EXPECT_EQ(SnapshotStore(again).index_bytes(s.manifest), autofix::testing::read_file(repo_ / ".git" / "index"));
}

// Regression (fixed): snapshot_store.cpp:86 (read_index_consistently) calls git_index_read(index, 0) on the repository's
// cached index. With force == 0, libgit2 keeps the entries it loaded earlier when the index file no
// longer exists. So in a process that already took a snapshot, a snapshot taken after the index file
// was removed (`rm .git/index`, or a restore to a snapshot without one) is computed against the stale
// entries: it records present == false but entries == 1, lists no change for README.md, and restoring
// it then deletes README.md (with an empty index, a file that is not among the changes "must not
// exist"). Expected: the second snapshot lists README.md as added, and restoring it keeps the file.
TEST_F(SnapshotStoreTest, SnapshotAfterTheIndexFileWasRemovedDoesNotUseTheOldIndex) {
  git::Repository r = git::Repository::open(repo_);
  SnapshotStore store(r);
  store.create("with index");
  fs::remove(repo_ / ".git" / "index");
  StoredSnapshot s = store.create("without index");
  EXPECT_FALSE(s.manifest.index.present);
  EXPECT_EQ(s.manifest.index.entries, 0u);
  EXPECT_EQ(listing(s.manifest.scan), (Listing{{"README.md", "added"}}));
  autofix::testing::TreeFingerprint before = autofix::testing::fingerprint(repo_);
  try {
    restore_snapshot(r, s);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "restore failed: " << e.what();
  }
  EXPECT_TRUE(fs::exists(repo_ / "README.md")) << "restoring the snapshot deleted a file it should hold";
  EXPECT_EQ(autofix::testing::fingerprint(repo_), before)
      << autofix::testing::describe_difference(before, autofix::testing::fingerprint(repo_));
}

}  // namespace
}  // namespace autofix::snapshot
