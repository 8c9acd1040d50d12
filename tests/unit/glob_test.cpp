// SPDX-License-Identifier: MIT
#include "gate/policy/glob.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <tuple>

namespace autofix {
namespace {

using Case = std::tuple<std::string, std::string>;  // pattern, path
class GlobMatches : public ::testing::TestWithParam<Case> {};
class GlobDoesNotMatch : public ::testing::TestWithParam<Case> {};

TEST_P(GlobMatches, Matches) {
  const auto& [pattern, path] = GetParam();
  EXPECT_TRUE(glob_match(pattern, path)) << pattern << " vs " << path;
}
TEST_P(GlobDoesNotMatch, DoesNotMatch) {
  const auto& [pattern, path] = GetParam();
  EXPECT_FALSE(glob_match(pattern, path)) << pattern << " vs " << path;
}

INSTANTIATE_TEST_SUITE_P(
    Glob, GlobMatches,
    ::testing::Values(
        // literals and single-segment wildcards
        Case{"a/b.txt", "a/b.txt"}, Case{"src/*.cpp", "src/main.cpp"}, Case{"src/*.cpp", "src/.cpp"},
        Case{"src/*", "src/x"}, Case{"src/m?in.cpp", "src/main.cpp"}, Case{"?", "x"},
        Case{"src/?.cpp", "src/\xc3\xa9.cpp"},  // '?' is one character, not one byte
        Case{"*x*y*", "axbyc"}, Case{"a*b*c", "abc"}, Case{"a*", "a"}, Case{"***", "anything"},
        Case{"a**b", "axxb"},  // '**' inside a segment is two stars
        // no '/': the file name at any depth
        Case{"*.md", "README.md"}, Case{"*.md", "docs/guide/intro.md"}, Case{"CMakeLists.txt", "CMakeLists.txt"},
        Case{"CMakeLists.txt", "src/lib/CMakeLists.txt"}, Case{"conanfile.*", "conanfile.py"},
        Case{"LICENSE*", "third_party/x/LICENSE.txt"}, Case{"**", "a/b/c"},
        // '**' segments
        Case{"**/b", "b"}, Case{"**/b", "a/b"}, Case{"**/b", "a/x/y/b"}, Case{"a/**/b", "a/b"},
        Case{"a/**/b", "a/x/b"}, Case{"a/**/b", "a/x/y/z/b"}, Case{"dir/**", "dir/x"}, Case{"dir/**", "dir/x/y/z"},
        Case{"**/test/**", "test/a.cpp"}, Case{"**/test/**", "src/test/a.cpp"}, Case{"**/tests/**", "a/b/tests/c/d"},
        Case{"**/*_test.*", "x_test.cpp"}, Case{"**/*_test.*", "a/b/x_test.cpp"}, Case{"**/*Test.*", "src/FooTest.java"},
        Case{"a/**/**/b", "a/b"}, Case{"**/a/**/b/**", "x/a/y/b/z"}, Case{".github/**", ".github/workflows/ci.yml"},
        Case{"src/*/x.cpp", "src/lib/x.cpp"}, Case{"**/x/*.h", "a/b/x/y.h"},
        // leading and trailing '/'
        Case{"/README.md", "README.md"}, Case{"dir/", "dir/x"}, Case{"dir/", "dir/x/y"},
        // text that looks like syntax elsewhere is literal here
        Case{"[ab].txt", "[ab].txt"}, Case{"a\\*.txt", "a\\xyz.txt"}, Case{"a b/c d.txt", "a b/c d.txt"}));

INSTANTIATE_TEST_SUITE_P(
    Glob, GlobDoesNotMatch,
    ::testing::Values(
        Case{"", "a"}, Case{"a", ""}, Case{"", ""}, Case{"a/b.txt", "a/b.txt.orig"}, Case{"a/b.txt", "x/a/b.txt"},
        Case{"src/*.cpp", "src/lib/main.cpp"},  // '*' stays within a segment
        Case{"src/*", "src"}, Case{"src/m?in.cpp", "src/mn.cpp"}, Case{"?", "ab"}, Case{"x/?", "x/ab"}, Case{"?", "a/bc"},
        Case{"a?b", "a/b"}, Case{"src/?.cpp", "src/\xc3\xa9\xc3\xa9.cpp"}, Case{"a*b*c", "acb"},
        Case{"*.md", "README.md.bak"}, Case{"*.md", "docs.md/x"}, Case{"CMakeLists.txt", "src/CMakeLists.txt.in"},
        Case{"**/b", "a/bb"}, Case{"**/b", "b/a"}, Case{"a/**/b", "a/x/c"}, Case{"a/**/b", "ab"},
        Case{"a/**/b", "x/a/b"}, Case{"dir/**", "dir"}, Case{"dir/**", "dirx/y"}, Case{"dir/**", "x/dir/y"},
        Case{"dir/", "dir"}, Case{"test/**", "src/test/a.cpp"}, Case{"**/test/**", "src/test"},
        Case{"**/test/**", "src/testing/a.cpp"}, Case{"**/*_test.*", "a/x_test"}, Case{"/README.md", "docs/README.md"},
        Case{"[ab].txt", "a.txt"}, Case{"src/*/x.cpp", "src/x.cpp"}, Case{"src/*/x.cpp", "src/a/b/x.cpp"},
        Case{"a/b", "A/B"}, Case{"*.MD", "readme.md"}));

TEST(Glob, CaseInsensitiveFoldsAsciiLetters) {
  EXPECT_TRUE(glob_match("a/b", "A/B", true));
  EXPECT_TRUE(glob_match("*.MD", "docs/readme.md", true));
  EXPECT_TRUE(glob_match(".GitHub/**", ".github/workflows/x.yml", true));
  EXPECT_TRUE(glob_match("src/AUTH/**", "Src/auth/token.cpp", true));
  EXPECT_FALSE(glob_match("\xc3\xa9.txt", "\xc3\x89.txt", true));  // only ASCII is folded
  EXPECT_FALSE(glob_match("a/b", "A/C", true));
}

TEST(Glob, HostilePatternsStayFast) {
  const auto start = std::chrono::steady_clock::now();
  const std::string long_segment(100'000, 'a');
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*b", long_segment));
  EXPECT_FALSE(glob_match("x/*a*a*a*a*a*a*b", "x/" + long_segment));
  EXPECT_TRUE(glob_match("*a*a*a*a*a*a*", long_segment));

  std::string deep;  // a/a/a/.../a, 20 000 segments
  for (int i = 0; i < 20'000; ++i) deep += i ? "/a" : "a";
  EXPECT_FALSE(glob_match("**/a/**/a/**/a/**/a/**/a/**/b", deep));
  EXPECT_FALSE(glob_match("**/*a*a*/**/*a*/**/a*a/**/b", deep));
  EXPECT_TRUE(glob_match("**/a/**/a/**/a/**/a/**/a", deep));

  std::string long_pattern;
  for (int i = 0; i < 500; ++i) long_pattern += "*a";
  EXPECT_FALSE(glob_match(long_pattern + "b", long_segment.substr(0, 20'000)));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2)) << "backtracking blew up";
}

}  // namespace
}  // namespace autofix
