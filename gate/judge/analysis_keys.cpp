// SPDX-License-Identifier: MIT
#include "gate/judge/analysis_keys.h"

#include <algorithm>

#include "gate/git/hash_text.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "runners/compile_database.h"

namespace autofix {

namespace fs = std::filesystem;

std::optional<std::string> hash_of_file(const fs::path& path, std::string& why) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    why = "'" + path.string() + "' is not a file";
    return std::nullopt;
  }
  try {
    return git::to_hex(git::hash_text(read_file(path), path.string()));
  } catch (const Error& e) {
    why = e.what();
    return std::nullopt;
  }
}

ContentHashes::ContentHashes(const git::Repository& repo, const git_oid& tree, fs::path root)
    : tree_(repo, tree), root_(std::move(root)) {}

std::optional<std::string> ContentHashes::of(const std::string& absolute_path) {
  if (auto it = known_.find(absolute_path); it != known_.end()) {
    if (!it->second) why_ = reasons_[absolute_path];
    return it->second;
  }
  std::optional<std::string> hash;
  std::string why;
  std::optional<std::string> rel = runners::relative_to_root(absolute_path, root_);
  git::TreeEntryAt entry = rel ? tree_.at(*rel) : git::TreeEntryAt{};
  if (entry.kind == git::TreeEntryAt::Kind::file)
    hash = git::to_hex(entry.blob);
  else if (entry.kind == git::TreeEntryAt::Kind::other)
    why = "'" + *rel + "' is not a file in the tree without the change";
  else
    hash = hash_of_file(absolute_path, why);
  known_.emplace(absolute_path, hash);
  if (!hash) {
    reasons_[absolute_path] = why;
    why_ = why;
  }
  return hash;
}

std::optional<std::string> analyzer_configuration(runners::Analyzer analyzer, const std::string& unit, ContentHashes& hashes) {
  if (analyzer != runners::Analyzer::clang_tidy) return std::string();
  // clang-tidy takes the nearest .clang-tidy above the file (and, with InheritParentConfig, those above it).
  std::string text;
  fs::path dir = (hashes.root() / unit).parent_path();
  while (true) {
    fs::path file = dir / ".clang-tidy";
    std::optional<std::string> rel = runners::relative_to_root(file, hashes.root());
    std::error_code ec;
    bool present = (rel && hashes.in_tree(*rel).kind != git::TreeEntryAt::Kind::absent) || fs::exists(file, ec);
    if (present) {
      std::optional<std::string> hash = hashes.of(file.string());
      if (!hash) return std::nullopt;
      text += "config " + file.string() + " " + *hash + "\n";
    }
    if (!dir.has_relative_path()) break;
    dir = dir.parent_path();
  }
  return text;
}

std::string analysis_key(const AnalyzerIdentity& analyzer, const std::string& configuration, const std::string& unit,
                         const std::string& command, std::vector<std::pair<std::string, std::string>> files) {
  std::sort(files.begin(), files.end());
  std::string text = "autofix-gate analysis key 1\n";
  text += std::string("analyzer ") + runners::to_string(analyzer.analyzer) + "\nversion " + analyzer.version +
          "\nsettings " + analyzer.settings + "\n" + configuration + "unit " + unit + "\ncommand " +
          std::to_string(command.size()) + "\n" + command + "\n";
  for (const auto& [file, hash] : files) text += "file " + hash + " " + file + "\n";
  return git::to_hex(git::hash_text(text, "an analysis key"));
}

}  // namespace autofix
