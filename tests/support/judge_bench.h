// SPDX-License-Identifier: MIT
#pragma once
// Everything judge_change needs around a FakeToolchain, for unit tests of the verdict rules: a throwaway
// repository made with libgit2 (no process starts), its layout, a configuration and run settings.
//
//   JudgeBench b;
//   b.fake.tests = {...};  b.fake.statuses["a"] = {passed, failed};   // the script
//   b.write("src/a.cpp", "...");  b.compute_baseline();                // the tree without the change
//   b.write("src/a.cpp", "...");                                       // the change
//   AttemptResult r = b.judge();
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gate/git/repository.h"
#include "gate/judge/judge.h"
#include "tests/support/fake_toolchain.h"
#include "tests/support/test_support.h"

namespace autofix::testing {

class JudgeBench {
 public:
  JudgeBench();
  ~JudgeBench();
  JudgeBench(const JudgeBench&) = delete;
  JudgeBench& operator=(const JudgeBench&) = delete;

  FakeToolchain fake;
  GateConfig config;  // one required ctest tier "tests" unless set_tiers says otherwise
  RunSettings settings;
  std::vector<std::string> require_fixed;
  bool fail_fast = false;

  const std::filesystem::path& root() const noexcept { return layout_.root; }
  const std::filesystem::path& build_dir() const noexcept { return layout_.build_dir; }
  const git::Repository& repo() const noexcept { return repo_; }

  // The tiers, as the "tiers" array of autofix-gate.json (docs/configuration.md).
  void set_tiers(const std::string& json_array);
  void write(const std::string& path, const std::string& content) const;
  void remove(const std::string& path) const;

  // The work tree as it is now is the tree without the change: its baseline, computed with the fake
  // (ensure_baseline: build, discover, run, re-run failing tests).
  const BaselineRecord& compute_baseline();
  const BaselineRecord& baseline() const noexcept { return baseline_; }
  // Judges what changed in the work tree since compute_baseline().
  AttemptResult judge();
  // What the phases printed so far.
  std::string progress();

 private:
  struct Output;
  TempDir dir_;
  git::Repository repo_;
  Layout layout_;
  std::unique_ptr<Output> output_;
  std::vector<std::pair<std::string, double>> durations_;
  std::unique_ptr<Phases> phases_;
  BaselineInfo info_;
  BaselineRecord baseline_;
  std::optional<git_oid> before_;
};

// Each test's transition by name ("a" -> "FAIL_TO_PASS"), for exact comparisons.
std::map<std::string, std::string> transitions_of(const AttemptResult& result);
// The outcome of test `name`, the tier `name`; throw when there is none.
const TestOutcome& outcome_of(const AttemptResult& result, const std::string& name);
const TierResult& tier_of(const AttemptResult& result, const std::string& name);
// "name status: reason" for every tier, in order.
std::vector<std::string> tiers_of(const AttemptResult& result);

// The words the verdict-rule tests share: calls the fake saw, names, per-test transitions, run statuses.
using Calls = std::vector<std::string>;
using Strings = std::vector<std::string>;
using Transitions = std::map<std::string, std::string>;
inline constexpr auto P = runners::TestStatus::passed;
inline constexpr auto F = runners::TestStatus::failed;
inline constexpr auto S = runners::TestStatus::skipped;
inline constexpr auto T = runners::TestStatus::timeout;

// The calls the fake saw from index `from` on (what one step of a test caused).
inline Calls calls_from(const FakeToolchain& fake, size_t from) {
  return Calls(fake.calls.begin() + static_cast<long>(from), fake.calls.end());
}

}  // namespace autofix::testing
