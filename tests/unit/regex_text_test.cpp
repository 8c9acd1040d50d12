// SPDX-License-Identifier: MIT
#include "gate/util/regex_text.h"

#include <regex.h>

#include <string>

#include <gtest/gtest.h>

namespace autofix {
namespace {

// Every character kwsys and POSIX extended expressions treat specially, and nothing else, gets a
// backslash; real ctest runs (ctest_runner_test: StatusesPerTestAndPerCase,
// ALongSelectionGoesByNumberAndRunsExactlyThoseTests) select such names.
TEST(RegexEscaped, EscapesExactlyTheSpecialCharacters) {
  EXPECT_EQ(regex_escaped("suite::case [1] (x) a.b*c+d?e|f^g$h\\i{2}"),
            "suite::case \\[1\\] \\(x\\) a\\.b\\*c\\+d\\?e\\|f\\^g\\$h\\\\i\\{2\\}");
  EXPECT_EQ(regex_escaped("plain name-with_chars/and spaces"), "plain name-with_chars/and spaces");
  EXPECT_EQ(regex_escaped(""), "");
}

// True when the POSIX extended expression `pattern` (regcomp, what clang-tidy's llvm::Regex implements
// too) matches all of `text`.
bool posix_extended_matches(const std::string& pattern, const std::string& text) {
  regex_t re;
  const int rc = ::regcomp(&re, ("^" + pattern + "$").c_str(), REG_EXTENDED | REG_NOSUB);
  EXPECT_EQ(rc, 0) << "regcomp refused " << pattern;
  if (rc != 0) return false;
  const bool matched = ::regexec(&re, text.c_str(), 0, nullptr, 0) == 0;
  ::regfree(&re);
  return matched;
}

// An expression built from the escaped text (clang-tidy's --header-filter is one) matches that text and
// nothing that differs from it where a special character would have let it.
TEST(RegexEscaped, APosixExtendedExpressionMatchesTheTextItself) {
  const std::string text = "/tmp/a b (1)/x.y+z[2]{3}|^$*?\\";
  const std::string pattern = regex_escaped(text);
  EXPECT_TRUE(posix_extended_matches(pattern, text));
  EXPECT_FALSE(posix_extended_matches(pattern, "/tmp/a b (1)/xXy+z[2]{3}|^$*?\\"));  // '.' is not "any character"
  EXPECT_FALSE(posix_extended_matches(pattern, "/tmp/a b 1/x.y+z[2]{3}|^$*?\\"));    // '(' ')' are not a group
  EXPECT_FALSE(posix_extended_matches(pattern, "/tmp/a b (1)/x.yyz[2]{3}|^$*?\\"));  // '+' is not a repeat
}

}  // namespace
}  // namespace autofix
