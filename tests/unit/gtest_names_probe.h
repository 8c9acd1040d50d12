// SPDX-License-Identifier: MIT
#pragma once
// The cases of gtest_names_probe (suite, name): names with "::", spaces, '*', '?', '-', ':' and names
// that differ from them only in those characters.
#include <array>
#include <utility>

namespace autofix::testing {

inline constexpr std::array<std::pair<const char*, const char*>, 14> kProbeCases = {{
    {"Plain", "Case"},
    {"Plain", "Case2"},
    {"Typed/std::string", "Holds"},
    {"Typed/stdXXstring", "Holds"},
    {"Ns::Fixture", "with space"},
    {"Ns::Fixture", "with-dash"},
    {"Ns::Fixture", "with_dash"},
    {"Ns::Fixture", "-leading"},
    {"Glob", "a*b"},
    {"Glob", "a?b"},
    {"Glob", "axb"},
    {"Glob", "a:b"},
    {"Glob", "star*"},
    {"Glob", "stars"},
}};

}  // namespace autofix::testing
