// SPDX-License-Identifier: MIT
#pragma once
// "did you mean ...?" for a near miss: a mistyped subcommand, configuration key or value.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace autofix {

// Levenshtein distance: insertions, deletions and substitutions, one each.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The name in `names` closest to `got` (letter case aside), when it is at most two edits away and `got`
// has three characters or more; nullopt when nothing is that close. The first of equally close names wins.
std::optional<std::string> closest_name(std::string_view got, const std::vector<std::string_view>& names);

}  // namespace autofix
