// SPDX-License-Identifier: MIT
#include "gate/util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;

// Sets the umask for one test and puts the old one back.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

mode_t permissions_of(const fs::path& p) {
  struct stat st;
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(WriteFileAtomically, WritesContentWithDefaultMode) {
  ScopedUmask mask(022);
  TempDir dir;
  fs::path p = dir / "state.json";
  write_file_atomically(p, "{\"a\": 1}\n");
  EXPECT_EQ(testing::read_file(p), "{\"a\": 1}\n");
  EXPECT_EQ(permissions_of(p), 0644u);
}

TEST(WriteFileAtomically, AppliesRequestedMode) {
  ScopedUmask mask(022);
  TempDir dir;
  write_file_atomically(dir / "private", "secret", 0600);
  write_file_atomically(dir / "script", "#!/bin/sh\n", 0755);
  EXPECT_EQ(permissions_of(dir / "private"), 0600u);
  EXPECT_EQ(permissions_of(dir / "script"), 0755u);
}

TEST(WriteFileAtomically, KeepsBinaryContentAndEmptyFiles) {
  TempDir dir;
  std::string binary("a\0b\xff\n", 5);
  write_file_atomically(dir / "bin", binary);
  write_file_atomically(dir / "empty", "");
  EXPECT_EQ(testing::read_file(dir / "bin"), binary);
  EXPECT_EQ(fs::file_size(dir / "empty"), 0u);
}

TEST(WriteFileAtomically, LeavesNoTemporaryBehind) {
  TempDir dir;
  write_file_atomically(dir / "a.json", "1");
  write_file_atomically(dir / "a.json", "2");
  write_file_atomically(dir / "b.json", "3");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"a.json", "b.json"}));
}

TEST(WriteFileAtomically, ReplacesExistingFileWithNewInodeAndMode) {
  ScopedUmask mask(022);
  TempDir dir;
  fs::path p = dir / "journal.json";
  testing::write_file(p, "old content that is longer than the new one");
  fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
  struct stat before;
  ASSERT_EQ(::stat(p.c_str(), &before), 0);
  // A reader that opened the old file keeps seeing the old bytes: the new file is a different inode.
  UniqueFd reader(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(reader);

  write_file_atomically(p, "new", 0644);

  EXPECT_EQ(testing::read_file(p), "new");
  EXPECT_EQ(permissions_of(p), 0644u);
  struct stat after;
  ASSERT_EQ(::stat(p.c_str(), &after), 0);
  EXPECT_NE(after.st_ino, before.st_ino);
  char buf[8] = {};
  EXPECT_EQ(::pread(reader.get(), buf, 3, 0), 3);
  EXPECT_EQ(std::string(buf, 3), "old");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"journal.json"}));
}

TEST(WriteFileAtomically, ReplacesASymlinkInsteadOfWritingThroughIt) {
  TempDir dir;
  testing::write_file(dir / "target", "target content");
  fs::create_symlink("target", dir / "link");
  write_file_atomically(dir / "link", "replaced");
  EXPECT_FALSE(fs::is_symlink(dir / "link"));
  EXPECT_EQ(testing::read_file(dir / "link"), "replaced");
  EXPECT_EQ(testing::read_file(dir / "target"), "target content");
}

TEST(WriteFileAtomically, MissingDirectoryIsAnIoErrorNamingThePath) {
  TempDir dir;
  fs::path p = dir / "missing dir" / "file";
  try {
    write_file_atomically(p, "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_NE(std::string(e.what()).find((dir / "missing dir").string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
  }
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{});
}

TEST(WriteFileAtomically, TargetThatIsADirectoryFailsAndLeavesNoTemporary) {
  TempDir dir;
  fs::create_directory(dir / "occupied");
  testing::write_file(dir / "occupied" / "inner", "x");
  EXPECT_THROW(write_file_atomically(dir / "occupied", "x"), Error);
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"occupied"}));
  EXPECT_EQ(testing::read_file(dir / "occupied" / "inner"), "x");
}

TEST(ReadFileIfExists, MissingFileIsNullopt) {
  TempDir dir;
  EXPECT_EQ(read_file_if_exists(dir / "nope"), std::nullopt);
  EXPECT_EQ(read_file_if_exists(dir / "no dir" / "nope"), std::nullopt);
}

TEST(ReadFileIfExists, ReadsWholeFileIncludingLargeOnes) {
  TempDir dir;
  std::string big(300000, 'x');
  big[0] = 'A';
  big.back() = 'Z';
  testing::write_file(dir / "big", big);
  EXPECT_EQ(read_file_if_exists(dir / "big"), big);
  testing::write_file(dir / "empty", "");
  EXPECT_EQ(read_file_if_exists(dir / "empty"), std::string());
}

TEST(ReadFileIfExists, DirectoryIsAnIoError) {
  TempDir dir;
  try {
    read_file_if_exists(dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_NE(std::string(e.what()).find(dir.path().string()), std::string::npos) << e.what();
  }
}

TEST(ReadFile, MissingFileIsAnIoErrorNamingThePath) {
  TempDir dir;
  try {
    read_file(dir / "absent.json");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_EQ(std::string(e.what()), "cannot read '" + (dir / "absent.json").string() + "': file does not exist");
  }
}

TEST(WriteAll, WritesEverythingToTheDescriptor) {
  TempDir dir;
  fs::path p = dir / "out";
  std::string content(200000, 'q');
  {
    UniqueFd fd(::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    ASSERT_TRUE(fd);
    write_all(fd.get(), content, p);
  }
  EXPECT_EQ(testing::read_file(p), content);
}

TEST(WriteAll, BadDescriptorIsAnIoErrorNamingThePath) {
  try {
    write_all(-1, "x", "/some/path");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_EQ(std::string(e.what()), "cannot write '/some/path': Bad file descriptor");
  }
}

bool fd_is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

TEST(UniqueFd, ClosesOnDestructionAndNotAfterRelease) {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(raw, 0);
  { UniqueFd fd(raw); EXPECT_TRUE(fd); EXPECT_EQ(fd.get(), raw); }
  EXPECT_FALSE(fd_is_open(raw));

  raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int released = -1;
  { UniqueFd fd(raw); released = fd.release(); EXPECT_FALSE(fd); }
  EXPECT_EQ(released, raw);
  EXPECT_TRUE(fd_is_open(raw));
  ::close(raw);
}

TEST(UniqueFd, MoveTransfersOwnershipAndAssignmentClosesTheOldDescriptor) {
  int a = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int b = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  {
    UniqueFd first(a);
    UniqueFd second(std::move(first));
    EXPECT_FALSE(first);  // NOLINT(bugprone-use-after-move): the moved-from state is what we check
    EXPECT_EQ(second.get(), a);
    UniqueFd third(b);
    third = std::move(second);
    EXPECT_FALSE(fd_is_open(b));
    EXPECT_EQ(third.get(), a);
    EXPECT_TRUE(fd_is_open(a));
  }
  EXPECT_FALSE(fd_is_open(a));
}

TEST(FsyncDirectory, MissingDirectoryIsAnIoError) {
  TempDir dir;
  EXPECT_NO_THROW(fsync_directory(dir.path()));
  try {
    fsync_directory(dir / "gone");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_NE(std::string(e.what()).find("gone"), std::string::npos);
  }
}

}  // namespace
}  // namespace autofix
