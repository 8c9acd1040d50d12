// SPDX-License-Identifier: MIT
#pragma once
// The baseline is the build and test result of the tree without the fix. It is stored under
// <git_dir>/autofix/baselines/<key>.json, keyed by the snapshot's work-tree tree and the build
// configuration, so many attempts against one tree build and test it once.
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gate/results/attempt_result.h"
#include "runners/ctest_runner.h"

namespace autofix {

struct BaselineRecord {
  std::string key;
  std::string tree;     // the work-tree tree id it was computed on
  std::string created;  // ISO 8601 UTC
  int runs = 0;         // how often the suite ran for this key (a counter for tests and reports)
  bool build_ok = false;
  std::vector<std::string> build_errors;
  std::vector<TestRecord> tests;
  std::vector<std::string> flaky;                   // failing tests whose re-runs disagreed
  std::vector<runners::DiscoveredTest> discovered;  // how each test was registered (for tamper checks)
  // Sanitizer tiers: "test|signature" of every report the baseline's sanitizer run printed, per tier.
  std::map<std::string, std::vector<std::string>> sanitizer_reports;
  bool sanitizers_built = true;  // false when the sanitizer build of the baseline failed
};

nlohmann::json discovered_to_json(const runners::DiscoveredTest& t);
runners::DiscoveredTest discovered_from_json(const nlohmann::json& j);

// A stable key: the tree id plus the build directory, the user-set CMake cache entries and the source
// directory the build was configured from (CMAKE_HOME_DIRECTORY).
std::string baseline_key(const std::string& worktree_tree, const std::filesystem::path& build_dir,
                         const std::string& cmake_cache_text);

class BaselineCache {
 public:
  explicit BaselineCache(const std::filesystem::path& state_dir) : dir_(state_dir / "baselines") {}
  // nullopt when absent; a damaged file is treated as absent (and overwritten by the next store).
  std::optional<BaselineRecord> load(const std::string& key) const;
  void store(const BaselineRecord& record) const;
  std::filesystem::path path_for(const std::string& key) const { return dir_ / (key + ".json"); }

 private:
  std::filesystem::path dir_;
};

}  // namespace autofix
