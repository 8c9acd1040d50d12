// SPDX-License-Identifier: MIT
#pragma once
// Where a SARIF result points inside its file. SARIF counts columns in UTF-16 code units (its default
// columnKind, the one GitHub code scanning reads), analyzers in bytes: on a line with a character outside
// ASCII before the column the two differ, so the line's text, from the result's source excerpt, converts
// them. Pure.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gate/results/attempt_result.h"

namespace autofix::reporters {

// The 1-based UTF-16 column of the 1-based byte column `byte_column` of `line` (valid UTF-8): one more than
// the code units of the characters before it (2 for a character of 4 UTF-8 bytes, 1 for any other). A byte
// inside a character gives that character's column. nullopt when byte_column < 1 or > line.size() + 1 (the
// place just after the line's last character).
std::optional<int> utf16_column(std::string_view line, int byte_column);

// The region of line `line` (1-based) and byte column `column` (0: unknown) of `file`, for a result's
// physicalLocation; null when line is 0.
//   With the line's whole text in `excerpt` (an excerpt of `file` that holds the line, not cut):
//     startLine = endLine = line; startColumn, endColumn in UTF-16 code units. A known column starts the
//     region; it ends after the token there: a run of letters, digits, '_' and characters outside ASCII
//     (an identifier, a number, a word), else the one character there, else (the column just after the
//     line's end) where it starts. An unknown column: the whole line (1 to its length + 1). snippet.text is
//     the region's text.
//   Without it (no excerpt, another file, the line cut, a column beyond the line's end): startLine, and the
//     analyzer's column as startColumn when known (bytes: the same on a line of ASCII); no end, which SARIF
//     reads as the end of the line.
nlohmann::json sarif_region(const std::string& file, int line, int column, const std::optional<SourceExcerpt>& excerpt);

// The physicalLocation's contextRegion around that line: the excerpt's lines (startLine, endLine, and
// snippet.text, the lines joined by "\n"), when the excerpt is of `file`, holds `line`, and none of its
// lines was cut; else null.
nlohmann::json sarif_context_region(const std::string& file, int line, const std::optional<SourceExcerpt>& excerpt);

}  // namespace autofix::reporters
