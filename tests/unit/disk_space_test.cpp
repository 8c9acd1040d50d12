// SPDX-License-Identifier: MIT
#include "gate/util/disk_space.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "gate/util/error.h"
#include "gate/util/io_errors.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

TEST(DiskSpace, DescribesBytesExactlyAndInBinaryUnits) {
  EXPECT_EQ(describe_bytes(0), "0 bytes");
  EXPECT_EQ(describe_bytes(1), "1 byte");
  EXPECT_EQ(describe_bytes(1023), "1023 bytes");
  EXPECT_EQ(describe_bytes(1024), "1024 bytes (1.0 KiB)");
  EXPECT_EQ(describe_bytes(3600384), "3600384 bytes (3.4 MiB)");
  EXPECT_EQ(describe_bytes(uint64_t{5} << 30), "5368709120 bytes (5.0 GiB)");
}

TEST(DiskSpace, FullMeansNoSpaceOrQuota) {
  EXPECT_TRUE(is_no_space(ENOSPC));
  EXPECT_TRUE(is_no_space(EDQUOT));
  EXPECT_FALSE(is_no_space(EACCES));
  EXPECT_FALSE(is_no_space(0));
}

TEST(DiskSpace, FreeBytesOfAMissingPathAreThoseOfItsNearestParent) {
  testing::TempDir dir;
  std::optional<uint64_t> here = free_bytes(dir.path());
  ASSERT_TRUE(here);
  std::optional<uint64_t> below = free_bytes(dir / "not/yet/there");
  ASSERT_TRUE(below);
  // The same file system; other processes write meanwhile, so allow some drift.
  EXPECT_LT(*here > *below ? *here - *below : *below - *here, uint64_t{1} << 30);
}

TEST(DiskSpace, TheErrorNamesThePathTheBytesAndWhatToFree) {
  testing::TempDir dir;
  const std::string path = (dir / "file.tmp").string();
  try {
    throw_no_space("cannot write", path, ENOSPC, uint64_t{1} << 50);  // surely more than is free
    FAIL() << "did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    std::string what = e.what();
    EXPECT_TRUE(what.starts_with("cannot write '" + path + "': No space left on device (1125899906842624 bytes "
                                 "(1024.0 TiB) to write, "))
        << what;
    EXPECT_TRUE(what.ends_with(" free on the file system holding '" + dir.path().string() + "')")) << what;
    EXPECT_TRUE(e.hint().starts_with("free at least ")) << e.hint();
    EXPECT_TRUE(e.hint().find("on the file system holding '" + dir.path().string() + "'") != std::string::npos)
        << e.hint();
    EXPECT_TRUE(e.hint().find("`autofix-gate recover`") != std::string::npos) << e.hint();
  }
}

// Every file system error goes through throw_errno: a full disk there gets the same message, without a
// byte count when the call did not know one.
TEST(DiskSpace, ThrowErrnoOfAFullDiskSaysSo) {
  try {
    throw_errno("cannot create directory", "/somewhere/x", ENOSPC);
    FAIL() << "did not throw";
  } catch (const Error& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("cannot create directory '/somewhere/x': No space left on device ("))
        << e.what();
    EXPECT_EQ(std::string(e.what()).find("to write"), std::string::npos) << e.what();
    EXPECT_TRUE(e.hint().starts_with("free some space on the file system holding '/somewhere'")) << e.hint();
  }
}

}  // namespace
}  // namespace autofix
