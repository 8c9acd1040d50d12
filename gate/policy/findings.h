// SPDX-License-Identifier: MIT
#pragma once
// Telling a finding the fix introduced from one that was there before. Line numbers cannot do it: a fix
// that inserts a line above a known warning moves it. A fingerprint names a finding by what it is about
// instead: its file, its rule, the text of its source line (whitespace folded, so re-indenting keeps it),
// and how many identical findings come before it in the file.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/results/attempt_result.h"

namespace autofix {

// Sets each finding's fingerprint: the hex object id (git's blob hash, git::hash_text) of
//   "autofixGate/v1\n" file "\n" rule "\n" text "\n" occurrence "\n"
// where text is the finding's source line with every run of whitespace folded to one space and trimmed,
// and occurrence counts the earlier findings (by line, then column) of the same file with the same rule
// and the same text. Never the line number. `file_text` returns a file's content by repository-relative
// path (called at most once per file), or nullopt when it cannot be read; then, and for a finding
// without a file or line, or past the end of its file, text is "message:" + the finding's message.
// The order of `findings` is kept.
void assign_fingerprints(std::vector<Finding>& findings,
                         const std::function<std::optional<std::string>(const std::string& file)>& file_text);

// `after`'s findings, each with state "unchanged" when the baseline has a finding with its fingerprint
// still unmatched (each baseline finding matches at most one: duplicates count), else "new"; then the
// baseline's findings left unmatched, with state "absent" (the change removed them). Orders are kept.
// An empty fingerprint matches nothing.
std::vector<Finding> compare_findings(const std::vector<Finding>& baseline, const std::vector<Finding>& after);

// The text a fingerprint hashes for a source line (exposed for tests): whitespace runs folded, trimmed.
std::string fold_whitespace(std::string_view line);

}  // namespace autofix
