// SPDX-License-Identifier: MIT
#pragma once
// The Toolchain of a real run: CMake, CTest, the test binaries, clang-tidy or cppcheck, gitleaks and the
// commands of command tiers, each through runners/. Each process group a runner starts is recorded in
// the operation's journal while it runs (so that `recover` can end it after a kill), and cleared when
// the runner returns or throws. What does not change within a run is asked once: the tests CTest lists
// for a build directory (until the next build), and, across runs, each tool's version (stored per
// installed binary in the state directory, gate/state/analysis_store.h). Test listings are stored
// across runs too (gate/state/discovery_store.h), each under the key of what decides it
// (runners/discovery_key.h): ctest's while the scripts it reads and ctest are the same, a GoogleTest
// binary's while the binary is the same file; a build directory whose scripts have no key is listed
// by ctest every time.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gate/judge/toolchain.h"
#include "gate/state/operation.h"
#include "runners/tool_version.h"

namespace autofix {

class CMakeToolchain final : public Toolchain {
 public:
  // `op`: the operation whose journal records the process groups; null records nothing. `state_dir`: where
  // tool versions are stored (the repository's .git/autofix); nullopt: asked on every run.
  explicit CMakeToolchain(Operation* op, std::optional<std::filesystem::path> state_dir = std::nullopt)
      : op_(op), state_dir_(std::move(state_dir)) {}

  runners::BuildResult build(const runners::BuildOptions& options) override;
  std::optional<BuildGraph> build_graph(const std::filesystem::path& source_dir,
                                        const std::filesystem::path& build_dir) override;
  std::vector<runners::DiscoveredTest> discover_tests(const std::filesystem::path& build_dir) override;
  runners::CTestRun run_tests(const runners::CTestOptions& options) override;
  runners::TestFramework framework_of(const runners::DiscoveredTest& test) override;
  runners::DirectCaseRun run_cases(const runners::DiscoveredTest& test, runners::TestFramework framework,
                                   const std::vector<std::string>& cases,
                                   const runners::DirectCaseOptions& options) override;
  std::map<std::string, SourceLocation> gtest_case_definitions(
      const std::vector<runners::DiscoveredTest>& tests, const runners::GtestListingOptions& options) override;
  std::vector<runners::CompileUnit> translation_units(const std::filesystem::path& build_dir,
                                                     const std::filesystem::path& source_dir) override;
  runners::UnitDependencies unit_dependencies(const std::filesystem::path& build_dir,
                                              const std::filesystem::path& source_dir) override;
  runners::AnalyzerRun analyze(const runners::AnalyzerOptions& options) override;
  std::optional<std::vector<runners::GitleaksFinding>> scan_secrets(
      const std::string& gitleaks, std::chrono::milliseconds timeout,
      const std::vector<runners::AddedFile>& files) override;
  runners::ProcessResult run_command(const runners::ProcessSpec& spec) override;
  std::map<std::string, std::string> tool_versions() override;
  std::optional<std::string> version_of(const std::string& program) override;
  std::optional<std::string> program_identity(const std::string& program) override;

 private:
  Operation* op_;
  std::optional<std::filesystem::path> state_dir_;
  // What discovery listed per build directory since its last build (a build may change the tests).
  std::map<std::filesystem::path, std::vector<runners::DiscoveredTest>> discovered_;
  std::map<std::string, std::string> used_;  // tool -> the program that ran ("cmake" -> "cmake")
  std::optional<std::filesystem::path> first_build_dir_;
  runners::ToolVersionCache versions_;
};

}  // namespace autofix
