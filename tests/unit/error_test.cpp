// SPDX-License-Identifier: MIT
#include "gate/util/error.h"
#include "gate/util/io_errors.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace autofix {
namespace {

TEST(Error, CarriesKindMessageAndHint) {
  Error e(ErrorKind::busy, "locked", "wait");
  EXPECT_EQ(e.kind(), ErrorKind::busy);
  EXPECT_STREQ(e.what(), "locked");
  EXPECT_EQ(e.hint(), "wait");
  EXPECT_EQ(Error(ErrorKind::io, "x").hint(), "");
}

TEST(Error, ExitCodesFollowTheDocumentedTable) {
  EXPECT_EQ(exit_code_for(ErrorKind::usage), 2);
  EXPECT_EQ(exit_code_for(ErrorKind::repository_state), 2);
  EXPECT_EQ(exit_code_for(ErrorKind::busy), 2);
  EXPECT_EQ(exit_code_for(ErrorKind::io), 4);
  EXPECT_EQ(exit_code_for(ErrorKind::git), 4);
  EXPECT_EQ(exit_code_for(ErrorKind::verification), 4);
  EXPECT_EQ(exit_code_for(ErrorKind::unjudgeable), 4);
  EXPECT_EQ(exit_code_for(ErrorKind::internal), 4);
}

TEST(Error, KindNames) {
  EXPECT_STREQ(to_string(ErrorKind::usage), "usage");
  EXPECT_STREQ(to_string(ErrorKind::repository_state), "repository_state");
  EXPECT_STREQ(to_string(ErrorKind::busy), "busy");
  EXPECT_STREQ(to_string(ErrorKind::io), "io");
  EXPECT_STREQ(to_string(ErrorKind::git), "git");
  EXPECT_STREQ(to_string(ErrorKind::verification), "verification");
  EXPECT_STREQ(to_string(ErrorKind::unjudgeable), "unjudgeable");
  EXPECT_STREQ(to_string(ErrorKind::internal), "internal");
}

// A std::filesystem failure inside an operation becomes an io error naming the operation and both paths.
TEST(Error, FilesystemErrorBecomesAnIoErrorWithItsPaths) {
  std::filesystem::filesystem_error fe("cannot copy", "/a b/from", "/a b/to",
                                       std::make_error_code(std::errc::permission_denied));
  Error e = io_error_from(fe);
  EXPECT_EQ(e.kind(), ErrorKind::io);
  EXPECT_STREQ(e.what(), "cannot copy: Permission denied ('/a b/from', '/a b/to')");
  EXPECT_EQ(e.hint(), "check that the path is writable and its file system has space, then run the command again");

  std::filesystem::filesystem_error lone("cannot remove", std::make_error_code(std::errc::io_error));
  EXPECT_STREQ(io_error_from(lone).what(), "cannot remove: Input/output error");
}

TEST(Error, ThrowErrnoIsAnIoErrorWithPathAndReason) {
  try {
    throw_errno("cannot open", "/x y/z", ENOENT);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_STREQ(e.what(), "cannot open '/x y/z': No such file or directory");
  }
}

}  // namespace
}  // namespace autofix
