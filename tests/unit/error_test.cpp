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
  EXPECT_EQ(exit_code_for(ErrorKind::internal), 4);
}

TEST(Error, KindNames) {
  EXPECT_STREQ(to_string(ErrorKind::usage), "usage");
  EXPECT_STREQ(to_string(ErrorKind::repository_state), "repository_state");
  EXPECT_STREQ(to_string(ErrorKind::busy), "busy");
  EXPECT_STREQ(to_string(ErrorKind::io), "io");
  EXPECT_STREQ(to_string(ErrorKind::git), "git");
  EXPECT_STREQ(to_string(ErrorKind::verification), "verification");
  EXPECT_STREQ(to_string(ErrorKind::internal), "internal");
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
