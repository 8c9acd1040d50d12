// SPDX-License-Identifier: MIT
#include "gate/snapshot/scan_record.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "gate/snapshot/restore.h"
#include "gate/snapshot/snapshot_store.h"
#include "tests/support/test_support.h"

namespace autofix::snapshot {
namespace {

namespace fs = std::filesystem;
using autofix::testing::git;
using autofix::testing::init_repo;
using autofix::testing::run;
using autofix::testing::TempDir;
using autofix::testing::write_file;

std::string blob_hex(const std::string& content) {
  git_oid oid;
  git_odb_hash(&oid, content.data(), content.size(), GIT_OBJECT_BLOB);
  return git::to_hex(oid);
}

StatData stat_of(const fs::path& p) {
  struct stat st;
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return StatData{static_cast<uint64_t>(st.st_size), {st.st_mtim.tv_sec, st.st_mtim.tv_nsec},
                  {st.st_ctim.tv_sec, st.st_ctim.tv_nsec}, static_cast<uint64_t>(st.st_ino), st.st_mode};
}

// A time well after every file of the test was written: the record's files are then out of its racy window.
std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) out.push_back(text.substr(start, nl - start));
  return out;
}

Timestamp later() { return {scan_clock_now().seconds + 10, 0}; }

class ScanRecordTest : public ::testing::Test {
 protected:
  void SetUp() override { init_repo(repo_); }

  // Scans the work tree against the index, trusting `record` when given.
  ScanResult scan(const ScanRecord* record = nullptr) {
    git::Repository r = git::Repository::open(repo_);
    git::IndexPtr index;
    git::check(git_repository_index(git::out(index), r.get()), "open index");
    ScanOptions o;
    o.index_mtime = index_file_mtime(r);
    o.trusted = record;
    return scan_worktree(r, index.get(), o);
  }
  // A record of the files the scan read, as if its scan had started at `start`.
  static ScanRecord record_of(const ScanResult& scan, Timestamp start) {
    ScanRecord record;
    record.scan_start = start;
    for (const ReadFile& f : scan.read_files) record.files.emplace(f.path, f);
    return record;
  }
  // Whether the scan read `path` (rather than trusting the record or the index).
  static bool read(const ScanResult& s, const std::string& path) {
    for (const ReadFile& f : s.read_files)
      if (f.path == path) return true;
    return false;
  }
  static const Change& change(const ScanResult& r, const std::string& path) {
    for (const Change& c : r.changes)
      if (c.path == path) return c;
    throw std::runtime_error("no change for " + path);
  }

  TempDir dir_;
  fs::path repo_ = dir_ / "work tree";
};

TEST_F(ScanRecordTest, RoundTripsEveryFileTheScanRead) {
  write_file(repo_ / "README.md", "changed\n");
  write_file(repo_ / "with space.txt", "s\n");
  write_file(repo_ / "line\nbreak \xff.txt", "odd name\n");
  ASSERT_EQ(::symlink("README.md", (repo_ / "link").c_str()), 0);
  ScanResult s = scan();
  ASSERT_EQ(s.read_files.size(), 4u);
  const Timestamp start{1765000000, 123456789};
  const std::string text = scan_record_text("20261207T000000Z-abcdef", start, s);
  std::optional<ScanRecord> back = parse_scan_record(text, "20261207T000000Z-abcdef");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->scan_start, start);
  ASSERT_EQ(back->files.size(), 4u);
  for (const ReadFile& f : s.read_files) {
    ASSERT_EQ(back->files.count(f.path), 1u) << f.path;
    const ReadFile& b = back->files.at(f.path);
    EXPECT_EQ(b.path, f.path);
    EXPECT_EQ(b.stat, f.stat) << f.path;
    EXPECT_EQ(b.state, f.state) << f.path;
    EXPECT_EQ(b.stat, stat_of(repo_ / f.path)) << f.path;
  }
  EXPECT_EQ(git::to_hex(back->files.at("README.md").state.oid), blob_hex("changed\n"));
  EXPECT_EQ(back->files.at("link").state.mode, 0120000u);
  EXPECT_FALSE(parse_scan_record(text, "20261207T000000Z-000000").has_value());  // another snapshot's
  ScanResult nothing_read;
  std::optional<ScanRecord> empty = parse_scan_record(scan_record_text("id-2", start, nothing_read), "id-2");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->files.empty());
}

TEST_F(ScanRecordTest, ACorruptOrTruncatedRecordReadsAsNone) {
  write_file(repo_ / "a.txt", "a\n");
  write_file(repo_ / "b.txt", "b\n");
  const std::string good = scan_record_text("id-1", later(), scan());
  ASSERT_TRUE(parse_scan_record(good, "id-1").has_value());
  std::string flipped = good;
  flipped[good.find("a.txt")] = 'c';  // a path changed: the checksum no longer matches
  for (const std::string& bad : {good.substr(0, good.size() / 2), good.substr(0, good.size() - 1), flipped,
                                 std::string(), std::string("autofix-gate scan record 1 id-1 0 0\n")})
    EXPECT_FALSE(parse_scan_record(bad, "id-1").has_value()) << bad;
}

TEST_F(ScanRecordTest, AnUnchangedFileIsTrustedWithoutReadingIt) {
  write_file(repo_ / "README.md", "changed\n");
  write_file(repo_ / "new.txt", "new\n");
  ScanResult first = scan();
  EXPECT_TRUE(read(first, "README.md"));
  EXPECT_TRUE(read(first, "new.txt"));
  ScanRecord record = record_of(first, later());
  ScanResult second = scan(&record);
  EXPECT_FALSE(read(second, "README.md"));
  EXPECT_FALSE(read(second, "new.txt"));
  EXPECT_EQ(git::to_hex(change(second, "README.md").state.oid), blob_hex("changed\n"));
  EXPECT_EQ(git::to_hex(change(second, "new.txt").state.oid), blob_hex("new\n"));
}

// What the record says is never believed against the file's stat data: each of these differs in one
// field only, and each makes the scan read the file (whose content the record gets wrong on purpose).
TEST_F(ScanRecordTest, AnyDifferenceInStatDataMakesTheScanReadTheFile) {
  write_file(repo_ / "new.txt", "real\n");
  const StatData now = stat_of(repo_ / "new.txt");
  write_file(dir_ / "fake", "fake\n");
  git(repo_, {"hash-object", "-w", (dir_ / "fake").string()});  // trusted only when its blob exists
  const FileState wrong{git::from_hex(blob_hex("fake\n")), 0100644};
  auto with = [&](auto change_field) {
    StatData s = now;
    change_field(s);
    ScanRecord record;
    record.scan_start = later();
    record.files.emplace("new.txt", ReadFile{"new.txt", s, wrong});
    return record;
  };
  std::vector<std::pair<std::string, ScanRecord>> cases = {
      {"same second, other nanoseconds", with([](StatData& s) { s.mtime.nanoseconds ^= 1; })},
      {"ctime", with([](StatData& s) { s.ctime.nanoseconds ^= 1; })},
      {"size", with([](StatData& s) { s.size += 1; })},
      {"inode (replaced by rename)", with([](StatData& s) { s.inode += 1; })},
      {"mode", with([](StatData& s) { s.mode ^= 0100; })},
  };
  for (const auto& [what, record] : cases) {
    ScanResult s = scan(&record);
    EXPECT_TRUE(read(s, "new.txt")) << what;
    EXPECT_EQ(git::to_hex(change(s, "new.txt").state.oid), blob_hex("real\n")) << what;
  }
  ScanRecord same = with([](StatData&) {});
  EXPECT_EQ(git::to_hex(change(scan(&same), "new.txt").state.oid), blob_hex("fake\n"));  // the control
  fs::remove(repo_ / ".git" / "objects" / blob_hex("fake\n").substr(0, 2) / blob_hex("fake\n").substr(2));
  EXPECT_EQ(git::to_hex(change(scan(&same), "new.txt").state.oid), blob_hex("real\n"))
      << "a recorded blob the object store lacks is not trusted";
}

TEST_F(ScanRecordTest, AFileWithinTheRacyWindowOfTheRecordedScanIsRead) {
  write_file(repo_ / "new.txt", "racy\n");
  ScanResult first = scan();
  const StatData st = stat_of(repo_ / "new.txt");
  const Timestamp newest = std::max(st.mtime, st.ctime);
  for (Timestamp start : {newest, Timestamp{newest.seconds + 1, newest.nanoseconds}}) {
    ScanRecord record = record_of(first, start);  // the file was written within a second of the scan
    EXPECT_TRUE(read(scan(&record), "new.txt")) << start.seconds << "." << start.nanoseconds;
  }
  ScanRecord settled = record_of(first, Timestamp{newest.seconds + 1, newest.nanoseconds + 1});
  if (settled.scan_start.nanoseconds >= 1000000000) settled.scan_start = {newest.seconds + 2, 0};
  EXPECT_FALSE(read(scan(&settled), "new.txt"));
}

// Real changes after the recorded scan: a same-size rewrite with the old mtime put back, a file renamed
// over it, chmod +x, and the path turned into a symbolic link or a directory.
TEST_F(ScanRecordTest, ChangesThatKeepSizeAndMtimeAreStillSeen) {
  for (const char* name : {"rewritten.txt", "renamed.txt", "chmod.txt", "to-link.txt", "to-dir.txt"})
    write_file(repo_ / name, "old content\n");
  ScanRecord record = record_of(scan(), later());
  auto keep_mtime = [&](const char* name, const StatData& before) {
    struct timespec times[2] = {{0, UTIME_OMIT}, {before.mtime.seconds, before.mtime.nanoseconds}};
    ASSERT_EQ(::utimensat(AT_FDCWD, (repo_ / name).c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
  };
  write_file(repo_ / "rewritten.txt", "new content\n");  // same size
  keep_mtime("rewritten.txt", record.files.at("rewritten.txt").stat);
  write_file(repo_ / "other", "new content\n");
  ASSERT_EQ(::rename((repo_ / "other").c_str(), (repo_ / "renamed.txt").c_str()), 0);
  keep_mtime("renamed.txt", record.files.at("renamed.txt").stat);
  ASSERT_EQ(::chmod((repo_ / "chmod.txt").c_str(), 0755), 0);
  fs::remove(repo_ / "to-link.txt");
  ASSERT_EQ(::symlink("README.md", (repo_ / "to-link.txt").c_str()), 0);
  fs::remove(repo_ / "to-dir.txt");
  write_file(repo_ / "to-dir.txt" / "inside", "inside\n");

  ScanResult s = scan(&record);
  EXPECT_EQ(git::to_hex(change(s, "rewritten.txt").state.oid), blob_hex("new content\n"));
  EXPECT_EQ(git::to_hex(change(s, "renamed.txt").state.oid), blob_hex("new content\n"));
  EXPECT_EQ(change(s, "chmod.txt").state.mode, 0100755u);
  EXPECT_EQ(change(s, "to-link.txt").state.mode, 0120000u);
  EXPECT_EQ(git::to_hex(change(s, "to-link.txt").state.oid), blob_hex("README.md"));
  EXPECT_EQ(git::to_hex(change(s, "to-dir.txt/inside").state.oid), blob_hex("inside\n"));
  for (const Change& c : s.changes) EXPECT_NE(c.path, "to-dir.txt");
}

// A snapshot keeps its record in its own tree and the restore trusts it; a snapshot without one, or
// with a damaged one, only makes the restore read more, never fail or restore less.
TEST_F(ScanRecordTest, RestoreIsExactWithAGoodADamagedOrNoRecord) {
  for (int variant = 0; variant < 3; ++variant) {
    const std::string changed = "changed " + std::to_string(variant) + "\n";
    write_file(repo_ / "README.md", changed);
    write_file(repo_ / "untracked.txt", "u\n");
    git::Repository r = git::Repository::open(repo_);
    StoredSnapshot s = SnapshotStore(r).create("");
    const std::string commit = git::to_hex(s.commit);
    std::optional<ScanRecord> record = SnapshotStore(r).scan_record(s);
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->files.count("README.md"), 1u);
    EXPECT_EQ(record->files.count("untracked.txt"), 1u);
    EXPECT_EQ(git(repo_, {"show", commit + ":scan-record"}).substr(0, 27), "autofix-gate scan record 1 ");
    if (variant > 0) {  // the same snapshot commit, without its record or with a damaged one
      std::string tree;
      for (const std::string& line : lines(git(repo_, {"ls-tree", commit})))
        if (line.find("\tscan-record") == std::string::npos) tree += line + "\n";
      if (variant == 2) {
        write_file(dir_ / "damaged", "autofix-gate scan record 1 " + s.manifest.id + " 0 0\nnot a record\n");
        tree += "100644 blob " + trimmed(git(repo_, {"hash-object", "-w", (dir_ / "damaged").string()})) + "\tscan-record\n";
      }
      write_file(dir_ / "tree", tree);
      std::string new_tree = trimmed(run({"sh", "-c", "git mktree < \"$0\"", (dir_ / "tree").string()}, repo_).out);
      s.commit = git::from_hex(trimmed(git(repo_, {"commit-tree", new_tree, "-m", "snapshot"})));
      EXPECT_FALSE(SnapshotStore(r).scan_record(s).has_value());
    }
    write_file(repo_ / "README.md", "the fix\n");
    write_file(repo_ / "untracked.txt", "v\n");  // same size, same second
    write_file(repo_ / "fixer.txt", "new\n");
    restore_snapshot(git::Repository::open(repo_), s);
    EXPECT_EQ(autofix::testing::read_file(repo_ / "README.md"), changed);
    EXPECT_EQ(autofix::testing::read_file(repo_ / "untracked.txt"), "u\n");
    EXPECT_FALSE(fs::exists(repo_ / "fixer.txt"));
  }
}

}  // namespace
}  // namespace autofix::snapshot
