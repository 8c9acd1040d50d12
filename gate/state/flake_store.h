// SPDX-License-Identifier: MIT
#pragma once
// How often each test has flaked, across attempts: <git_dir>/autofix/flaky.json. Reports show a test
// seen flaking before as known-flaky, so a reviewer can tell a chronic flake from a new one.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "gate/results/attempt_result.h"

namespace autofix {

struct FlakeEntry {
  int flakes = 0;
  std::string last_seen;  // ISO 8601 UTC
};

class FlakeStore {
 public:
  explicit FlakeStore(const std::filesystem::path& state_dir) : file_(state_dir / "flaky.json") {}
  // A damaged or missing file reads as empty (it only annotates reports).
  std::map<std::string, FlakeEntry> load() const;
  // Counts one flake for every FLAKY outcome and every test the baseline found flaky, then saves.
  void record(const std::vector<TestOutcome>& tests, const std::vector<std::string>& baseline_flaky) const;
  // Sets known_flakes on each outcome from the stored counts.
  void annotate(std::vector<TestOutcome>& tests) const;
  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  std::filesystem::path file_;
};

}  // namespace autofix
