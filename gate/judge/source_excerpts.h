// SPDX-License-Identifier: MIT
#pragma once
// Excerpts of the sources beside what decided a verdict: a few lines around the line a finding or a test
// regression is about, read from the work tree while it still holds the change (the end of judge_change,
// before any rollback), so that reports can show the code without the tree.
//
// A finding's path is an analyzer's output and a test's location what the test printed: untrusted. A file
// is read only when its path, after every symbolic link, is inside the repository and outside .git, names
// a regular file, and its text is UTF-8 without NUL bytes; what is read is bounded (ExcerptLimits). An
// excerpt is optional: whatever cannot be read is left without one, never an error.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "gate/results/attempt_result.h"

namespace autofix {

struct ExcerptLimits {
  int before = 2;                                // lines shown above the line
  int after = 2;                                 // and below it
  std::size_t max_line_bytes = 240;              // a longer line is cut at a character boundary (cut_lines)
  std::size_t max_scan_bytes = 4 * 1024 * 1024;  // how far into a file lines are read
  std::size_t max_excerpts = 200;                // files read per result, in the order add_source_excerpts says
};

// Lines `line` - before to `line` + after of the repository-relative, '/'-separated `file` under `root`, as
// far as the file has them within its first max_scan_bytes bytes (a line that does not end there is left
// out). nullopt when `line` < 1; `file` is absolute, holds an empty, "." or ".." segment, or leads (through
// symbolic links too) outside `root` or into its .git; it is missing or no regular file; its text up to the
// excerpt's end holds a NUL byte (a binary file), or a line of the excerpt is not UTF-8; `line` itself is
// not within the file's first max_scan_bytes bytes; or a line of the excerpt holds what the secrets scan
// masks (mask_secrets, gate/policy/secrets.h): reports never show a secret.
std::optional<SourceExcerpt> read_source_excerpt(const std::filesystem::path& root, const std::string& file, int line,
                                                 const ExcerptLimits& limits = {});

// Sets the excerpt of each test regression (AttemptResult::regressions(), at its first failing assertion when
// that has a repository-relative file and a line, else where it is defined, on the same terms), then of each
// new finding with a file and a line, then of each unchanged one (an absent finding's line is of the tree
// without the change). Not for secrets findings: their line holds the secret. At most max_excerpts files
// are read in all, in that order.
void add_source_excerpts(AttemptResult& result, const std::filesystem::path& root, const ExcerptLimits& limits = {});

}  // namespace autofix
