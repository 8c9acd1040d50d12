// SPDX-License-Identifier: MIT
#pragma once
// The key a translation unit's stored analysis is found by (gate/state/analysis_store.h): the blob hash
// of a text naming everything that decides what the analyzer reports for it. Any of them changing gives
// another key:
//   - the analyzer, what its `--version` says, and how the gate runs it (runners::analysis_settings);
//   - its configuration: for clang-tidy every .clang-tidy from the unit's directory up to the file
//     system's root (the one at the repository root also decides the gate's default checks); cppcheck
//     reads none. The tier's own options (fail_on, timeout, lanes) decide nothing it reports;
//   - the unit and its compile command (every compile_commands.json entry of it);
//   - the content of every file the build recorded it was compiled from (the unit itself among them).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gate/git/tree_entries.h"
#include "runners/static_analyzer.h"

namespace autofix {

// The content hashes (git blob ids, hex) of files as a tree has them: a path inside `root` that the tree
// holds as a file gives its blob id; one it does not hold (a system header, a generated file in the
// build directory, an ignored file) gives the hash of its content now on disk. Each file is hashed once.
class ContentHashes {
 public:
  ContentHashes(const git::Repository& repo, const git_oid& tree, std::filesystem::path root);
  // nullopt, with the reason in why(): the tree holds something else than a file there (a symbolic link,
  // a directory), or the file on disk is missing or cannot be read.
  std::optional<std::string> of(const std::string& absolute_path);
  const std::string& why() const noexcept { return why_; }
  // What `relative_path` is in the tree (for files the tree may hold or not).
  git::TreeEntryAt in_tree(const std::string& relative_path) const { return tree_.at(relative_path); }
  const std::filesystem::path& root() const noexcept { return root_; }

 private:
  git::TreeReader tree_;
  std::filesystem::path root_;
  std::map<std::string, std::optional<std::string>> known_;
  std::map<std::string, std::string> reasons_;
  std::string why_;
};

// The hash of a file's content on disk; nullopt when it is missing or cannot be read (`why` says which).
std::optional<std::string> hash_of_file(const std::filesystem::path& path, std::string& why);

// The analyzer's configuration for `unit` (relative to the root of `hashes`), as text; nullopt, with
// the reason in hashes.why(), when one of its files cannot be read.
std::optional<std::string> analyzer_configuration(runners::Analyzer analyzer, const std::string& unit, ContentHashes& hashes);

struct AnalyzerIdentity {
  runners::Analyzer analyzer = runners::Analyzer::clang_tidy;
  std::string version;   // what `--version` says
  std::string settings;  // runners::analysis_settings
};

// `files`: (file, content hash), in any order (they are sorted).
std::string analysis_key(const AnalyzerIdentity& analyzer, const std::string& configuration, const std::string& unit,
                         const std::string& command, std::vector<std::pair<std::string, std::string>> files);

}  // namespace autofix
