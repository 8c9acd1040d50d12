// SPDX-License-Identifier: MIT
#include "gate/util/paths.h"

#include <gtest/gtest.h>

#include <string>

namespace autofix {
namespace {

class SafeRelativePath : public ::testing::TestWithParam<std::string> {};
class UnsafeRelativePath : public ::testing::TestWithParam<std::string> {};

TEST_P(SafeRelativePath, IsAccepted) { EXPECT_TRUE(is_safe_relative_path(GetParam())) << GetParam(); }
TEST_P(UnsafeRelativePath, IsRejected) { EXPECT_FALSE(is_safe_relative_path(GetParam())) << GetParam(); }

INSTANTIATE_TEST_SUITE_P(Paths, SafeRelativePath,
                         ::testing::Values("a", "a/b.txt", "x y/\xc3\xa9.txt", "deep/er/still/file", "...",
                                           "..a", "a..", ".gitignore", ".gitattributes", "sub/.gitmodules", "a.git",
                                           ".git2", "git", ".hidden/.file", "a b/c d", "-dash", "a\\b"));

INSTANTIATE_TEST_SUITE_P(Paths, UnsafeRelativePath,
                         ::testing::Values("", "/abs", "/", "//x", "../x", "..", ".", "a/../b", "a/..", "a/.",
                                           "a//b", "./a", "a/./b", ".git", ".git/config", "sub/.git",
                                           "sub/.GIT/x", ".Git/HEAD", "a/.gIt", "a/b/", "a/", "/a/b",
                                           std::string("a\0b", 3), std::string("\0", 1)));

}  // namespace
}  // namespace autofix
