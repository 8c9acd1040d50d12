// SPDX-License-Identifier: MIT
#pragma once
// The one seam between judging a change and the programs that build, test and analyse it. Every call
// the judge layer makes that starts a process, or reads what CMake and CTest wrote for those programs,
// goes through a Toolchain: CMakeToolchain (cmake_toolchain.h) runs them through runners/; the unit
// tests script one (tests/support/fake_toolchain.h), so a verdict rule is tested without a process.
//
// Data in and out are the runners' own structs. Their `on_started` callbacks are the toolchain's (the
// CMake one records each process group in the operation's journal): callers leave them unset.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gate/policy/build_graph.h"
#include "runners/case_results.h"
#include "runners/cmake_build.h"
#include "runners/ctest_runner.h"
#include "runners/gitleaks.h"
#include "runners/gtest_listing.h"
#include "runners/process.h"
#include "runners/static_analyzer.h"
#include "runners/test_framework.h"
#include "runners/unit_dependencies.h"

namespace autofix {

class Toolchain {
 public:
  virtual ~Toolchain() = default;

  // Configures the build directory (when it has no cache yet, or options.reconfigure) and builds it.
  virtual runners::BuildResult build(const runners::BuildOptions& options) = 0;
  // What each test of a built tree builds from; nullopt when the build directory does not tell.
  virtual std::optional<BuildGraph> build_graph(const std::filesystem::path& source_dir,
                                                const std::filesystem::path& build_dir) = 0;
  // The tests the build directory registers.
  virtual std::vector<runners::DiscoveredTest> discover_tests(const std::filesystem::path& build_dir) = 0;
  // One ctest run.
  virtual runners::CTestRun run_tests(const runners::CTestOptions& options) = 0;
  // The framework of a test's binary (it decides how single cases of it are run again).
  virtual runners::TestFramework framework_of(const runners::DiscoveredTest& test) = 0;
  // Runs some cases of a Catch2 or doctest binary without CTest.
  virtual runners::DirectCaseRun run_cases(const runners::DiscoveredTest& test, runners::TestFramework framework,
                                           const std::vector<std::string>& cases,
                                           const runners::DirectCaseOptions& options) = 0;
  // Where the cases of tests that run one GoogleTest case each are defined (one listing per binary): CTest
  // test name -> location, the path as the binary printed it. Tests it cannot tell are left out.
  virtual std::map<std::string, SourceLocation> gtest_case_definitions(
      const std::vector<runners::DiscoveredTest>& tests, const runners::GtestListingOptions& options) = 0;
  // The translation units the build's compile database lists, relative to source_dir, sorted, each with
  // its compile command.
  virtual std::vector<runners::CompileUnit> translation_units(const std::filesystem::path& build_dir,
                                                             const std::filesystem::path& source_dir) = 0;
  // The files each translation unit was compiled from, as the last build recorded them; a unit it does
  // not know is absent.
  virtual runners::UnitDependencies unit_dependencies(const std::filesystem::path& build_dir,
                                                      const std::filesystem::path& source_dir) = 0;
  // clang-tidy or cppcheck over some translation units.
  virtual runners::AnalyzerRun analyze(const runners::AnalyzerOptions& options) = 0;
  // gitleaks over the lines a change adds, as a secrets tier's `gitleaks` setting ("off", "auto", a path)
  // asks; nullopt when the setting finds no gitleaks to run.
  virtual std::optional<std::vector<runners::GitleaksFinding>> scan_secrets(
      const std::string& gitleaks, std::chrono::milliseconds timeout, const std::vector<runners::AddedFile>& files) = 0;
  // Any command (a command tier).
  virtual runners::ProcessResult run_command(const runners::ProcessSpec& spec) = 0;
  // The versions of the tools this toolchain has run so far, for report.json's `tool_versions`: "cmake",
  // "ctest", "cxx_compiler" (CMAKE_CXX_COMPILER of the first build it configured), "clang-tidy",
  // "cppcheck"; each as its `--version` says (runners/tool_version.h), asked once per run. A tool it did
  // not run is absent, and so is one that did not say its version.
  virtual std::map<std::string, std::string> tool_versions() = 0;
  // What `program --version` says (runners/tool_version.h), asked once per program and run; nullopt when
  // it says none. Not counted as a tool the run used.
  virtual std::optional<std::string> version_of(const std::string& program) = 0;
  // What tells the installed `program` from another without running it (runners::program_identity);
  // nullopt when it cannot tell.
  virtual std::optional<std::string> program_identity(const std::string& program) = 0;
};

}  // namespace autofix
