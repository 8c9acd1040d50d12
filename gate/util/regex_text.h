// SPDX-License-Identifier: MIT
#pragma once
// Text put into a regular expression that must match it letter for letter: test names given to
// `ctest -R`, labels given to `ctest -L`, directories given to clang-tidy's --header-filter.
#include <string>
#include <string_view>

namespace autofix {

// `text` with a backslash before every character that is special in CTest's regular expressions (kwsys)
// and in POSIX extended ones (clang-tidy's llvm::Regex): ^ $ . [ ] | ( ) * + ? { } and the backslash.
// Both read the result as `text` itself.
std::string regex_escaped(std::string_view text);

}  // namespace autofix
