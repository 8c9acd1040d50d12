// SPDX-License-Identifier: MIT
#pragma once
// Path patterns of the configuration (`test_paths`, `protect`) and of the gate's own defaults.
#include <string_view>
#include <vector>

namespace autofix {

// Whether a repository-relative, '/'-separated `path` matches `pattern` (docs/configuration.md, "Glob patterns"):
// - `*` matches any run of characters within one path segment (never '/'); `?` one character (one UTF-8 code
//   point, never '/'); every other character stands for itself (there are no classes or escapes);
// - `**` as a whole segment matches any number of segments, none included: `a/**/b` matches `a/b` and
//   `a/x/y/b`, `**/b` matches `b`; a trailing `/**` needs at least one segment: `dir/**` matches everything
//   below `dir`, not `dir` itself. `**` inside a segment (`a**b`) is just two `*`;
// - a pattern without '/' matches the file name at any depth (as in .gitignore): `*.md` matches `docs/a.md`;
// - a pattern with a '/' matches from the repository root: a leading '/' only anchors (`/x.md` is the root's
//   x.md alone), a trailing '/' stands for `/**`.
// An empty pattern or path matches nothing. `case_insensitive` folds ASCII letters only.
// Time is O(pattern length x path length) at worst: no exponential backtracking.
bool glob_match(std::string_view pattern, std::string_view path, bool case_insensitive = false);

// "a/b/c" → {"a", "b", "c"}; "" → {""}; views into `path`.
std::vector<std::string_view> split_path_segments(std::string_view path);

}  // namespace autofix
