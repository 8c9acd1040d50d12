// SPDX-License-Identifier: MIT
#pragma once
// The static tier's analyses of trees without a change, stored so that attempts against one tree pay
// for each analysis once (docs/tiers.md, "Stored analyses"). Two kinds of file under
// <git_dir>/autofix/analysis/:
//   <key>.json               the findings of one translation unit, under its analysis key (the content
//                            of the unit and of every file it includes, its compile command, the
//                            analyzer's version and configuration: gate/judge/analysis_keys.h);
//   includes/<key>.json      the files each translation unit of a baseline was compiled from, as its
//                            build recorded them, with their content hashes (the baseline's key,
//                            gate/state/baseline.h): what those analysis keys are computed from;
//   tools.json               what each analyzer binary (by its identity: runners::program_identity)
//                            said its version was, so that it is asked once, not on every attempt.
// Like the baselines, each file is published whole or not at all (a temporary renamed over it; no fsync:
// after a power cut a file may read as damaged, never as another's). A file that cannot be used (not
// JSON, another format, another key or unit, a wrong field) is ignored with the reason and written again
// by the next analysis: nothing stored is trusted blindly.
//
// Retention: at most kMaxStoredAnalyses analyses and kMaxStoredAnalysisBytes of them in all, at most
// kMaxStoredIncludeLists include lists; the least recently used go first (finding one marks it used);
// at most kMaxStoredToolVersions versions (more start the list afresh).
// An analysis larger than kMaxAnalysisEntryBytes, or include lists larger than kMaxIncludeListBytes,
// are not stored. Leftover temporaries of a writer that died are removed after an hour.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gate/results/attempt_result.h"

namespace autofix {

inline constexpr std::size_t kMaxStoredAnalyses = 4096;
inline constexpr std::uintmax_t kMaxStoredAnalysisBytes = 256u * 1024 * 1024;
inline constexpr std::size_t kMaxAnalysisEntryBytes = 16u * 1024 * 1024;
inline constexpr std::size_t kMaxStoredIncludeLists = 16;
inline constexpr std::size_t kMaxIncludeListBytes = 64u * 1024 * 1024;
inline constexpr std::size_t kMaxStoredToolVersions = 32;

// How much the store keeps (the defaults above; tests use less).
struct AnalysisStoreLimits {
  std::size_t analyses = kMaxStoredAnalyses;
  std::uintmax_t analysis_bytes = kMaxStoredAnalysisBytes;
  std::size_t include_lists = kMaxStoredIncludeLists;
};

// What a lookup found: the value; or nothing, with `problem` saying why a file that was there could not
// be used (empty when there was none).
template <typename T>
struct StoreLookup {
  std::optional<T> value;
  std::string problem;
};

// The files one translation unit was compiled from (itself among them).
struct UnitIncludes {
  std::string command_hash;        // of its compile command (runners::CompileUnit::command)
  std::vector<std::string> files;  // as the build recorded them: absolute, lexically normal
};

// What a baseline's build recorded: per translation unit (relative to the repository root) the files it
// was compiled from, and each file's content hash (git's blob id) right after that build.
struct IncludeLists {
  std::string key;  // the baseline's key
  std::string created;
  std::map<std::string, std::string> hashes;  // file -> content hash
  std::map<std::string, UnitIncludes> units;
};

class AnalysisStore {
 public:
  explicit AnalysisStore(const std::filesystem::path& state_dir, AnalysisStoreLimits limits = {})
      : dir_(state_dir / "analysis"), limits_(limits) {}

  // The findings stored under `key`, which must be those of `unit` analysed by `analyzer` ("clang-tidy").
  StoreLookup<std::vector<Finding>> findings(const std::string& key, const std::string& analyzer,
                                             const std::string& unit) const;
  // Stores them (their rule, file, line, column, severity, message and detail; fingerprints are assigned
  // by who reads them). Returns false, storing nothing, when they are larger than kMaxAnalysisEntryBytes.
  // Throws Error(io) when the file cannot be written.
  bool store_findings(const std::string& key, const std::string& analyzer, const std::string& unit,
                      const std::vector<Finding>& findings) const;

  StoreLookup<IncludeLists> include_lists(const std::string& baseline_key) const;
  // Returns false, storing nothing, when they are larger than kMaxIncludeListBytes. Throws Error(io).
  bool store_include_lists(const IncludeLists& lists) const;

  // The version the program of `identity` said; nullopt when none is stored (or the file cannot be used).
  std::optional<std::string> tool_version(const std::string& identity) const;
  // Throws Error(io) when the file cannot be written.
  void store_tool_version(const std::string& identity, const std::string& version) const;

  std::filesystem::path findings_path(const std::string& key) const { return dir_ / (key + ".json"); }
  std::filesystem::path include_lists_path(const std::string& key) const { return dir_ / "includes" / (key + ".json"); }
  std::filesystem::path tools_path() const { return dir_ / "tools.json"; }
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  std::filesystem::path dir_;
  AnalysisStoreLimits limits_;
};

}  // namespace autofix
