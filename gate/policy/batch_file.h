// SPDX-License-Identifier: MIT
#pragma once
// The batch file of `autofix-gate batch FILE` (docs/batch.md, docs/schemas/batch.schema.json) and its
// short form, a directory of *.diff files (`--patch-dir DIR`). Everything wrong with either is one
// Error(usage) naming the file, the JSON path and the problem, raised before anything changes:
//   "b.json: fixes[1].depends_on[0]: unknown fix id 'tidy-9' (did you mean 'tidy-1'?)"
//   "b.json: fixes: dependency cycle: a -> b -> a"
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/policy/fix_graph.h"
#include "gate/results/batch_strategy.h"

namespace autofix {

struct BatchFix {
  std::string id;
  // A patch: the path as written, the file it names (relative to the batch file's directory), its text
  // (read by load_batch_file).
  std::optional<std::string> patch;
  std::filesystem::path patch_path;
  std::string patch_text;
  std::vector<std::string> fixer;             // or a command run from the repository root
  std::optional<std::chrono::seconds> timeout;  // the fixer's; unset: the session's
  std::vector<std::string> depends_on;         // ids of fixes this one needs applied first
};

struct BatchFile {
  std::string source;                     // what the messages name: the file, or the directory
  std::optional<BatchStrategy> strategy;  // the file's; the command line's wins
  std::vector<BatchFix> fixes;            // in the file's order
};

// Parses and validates a batch file's text; patch paths are resolved against `base_dir`, not read.
BatchFile parse_batch_file(std::string_view text, const std::string& source, const std::filesystem::path& base_dir);

// Reads `file`, parses it and reads every patch it names (a missing one is refused, naming it).
BatchFile load_batch_file(const std::filesystem::path& file);

// The short form: every regular `*.diff` file directly in `dir`, in byte order of the names, each a fix
// whose id is the name without `.diff`, without dependencies. A directory without one is refused.
BatchFile batch_from_patch_dir(const std::filesystem::path& dir);

// deps[i]: the indices of the fixes fix i depends on (ids resolved; the file was validated).
FixDeps dependencies(const BatchFile& batch);

}  // namespace autofix
