// SPDX-License-Identifier: MIT
#pragma once
// A Toolchain that starts nothing: it answers from a script and records what it was asked, the way ninja
// tests its builder with FakeCommandRunner (src/build_test.cc). The judge layer cannot tell it from
// CMakeToolchain, so every verdict rule can be tested in microseconds.
//
// The script is plain data, set before the run: build results, the tests discovery finds, each test's
// status in each of its runs (a sequence, so that a re-run can disagree with the first run), analyzer
// findings, gitleaks findings and command exit codes. `calls` lists what the judge asked for, in order.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gate/judge/toolchain.h"

namespace autofix::testing {

class FakeToolchain final : public Toolchain {
 public:
  // ---- the script ----

  // One result per build() call, in order; the last one repeats. Empty: every build passes.
  std::vector<runners::BuildResult> builds;
  // What discover_tests says, in CTest's order; a ctest run without names runs these.
  std::vector<runners::DiscoveredTest> tests;
  // Per CTest test, or "<CTest test>::<case>" for a case: its status in each run, in order; the last one
  // repeats. A test without a script passes every run.
  std::map<std::string, std::vector<runners::TestStatus>> statuses;
  // Per CTest test or case: the failure lines a failing run of it prints.
  std::map<std::string, std::vector<std::string>> failure_lines;
  // Per CTest test or case: where its report says it is defined, and the first failing assertion a failing
  // run of it prints (paths as a test binary prints them: absolute).
  std::map<std::string, SourceLocation> definitions;
  std::map<std::string, FailedAssertion> assertions;
  // Per CTest test that runs one GoogleTest case: where a listing of its binary says that case is defined
  // (gtest_case_definitions answers for the tests asked about that appear here).
  std::map<std::string, SourceLocation> listed;
  // Per CTest test or case: how long each run takes (re-runs are budgeted by it); unset: 0.
  std::map<std::string, double> durations;
  // Per CTest test whose binary holds several cases: their names ("Suite.Case"). A run of the test reports
  // them (those GTEST_FILTER selects, when the run sets it); the test itself fails when one of them fails,
  // unless `statuses` scripts the test itself.
  std::map<std::string, std::vector<std::string>> cases;
  // Per CTest test: its binary's framework; unset: unknown.
  std::map<std::string, runners::TestFramework> frameworks;
  // What build_graph() returns.
  std::optional<BuildGraph> graph;
  // The translation units of the compile database, repository-relative, and the compile command of
  // each (unset: "c++ -c <file>").
  std::vector<std::string> compile_database;
  std::map<std::string, std::string> compile_commands;
  // What unit_dependencies() says: unit -> the files it was compiled from (absolute paths, as the build
  // records them). Unset: the build recorded nothing.
  std::optional<runners::UnitDependencies> unit_deps;
  // One analysis per analyze() call, in order (the static tier analyses the tree with the change, then
  // without it unless every unit's analysis without it is stored); the last one repeats. A non-empty
  // `error` makes the call throw Error(internal, error). Each unit's own findings (AnalyzerRun::by_unit)
  // are `by_unit` when set, else derived: a finding in one of the call's files is that unit's, any other
  // the first file's.
  struct Analysis {
    std::vector<Finding> findings;
    std::string error;
    std::map<std::string, std::vector<Finding>> by_unit = {};
  };
  std::vector<Analysis> analyses;
  // Replaces `analyses`; the next analyze() call gets the first of them.
  void script_analyses(std::vector<Analysis> scripted) {
    analyses = std::move(scripted);
    analyses_done_ = 0;
  }
  // What gitleaks finds; nullopt: no gitleaks to run (as when it is not installed). A non-empty
  // `gitleaks_error` makes the scan throw Error(internal, gitleaks_error).
  std::optional<std::vector<runners::GitleaksFinding>> gitleaks;
  std::string gitleaks_error;
  // Per command (argv[0]): its exit code; unset: 0. A command in `unstartable` throws Error(usage), as
  // run_process does for a program it cannot find.
  std::map<std::string, int> exit_codes;
  std::vector<std::string> unstartable;
  // What tool_versions() returns; version_of(program) answers from it too, counting in version_queries.
  std::map<std::string, std::string> versions;
  int version_queries = 0;
  // Per program: what program_identity() says; unset: nullopt (it cannot tell).
  std::map<std::string, std::string> identities;

  // ---- what was asked ----

  // One line per call, e.g. "build", "build (reconfigure)", "graph", "discover", "ctest" (every test),
  // "ctest a | b" (those tests), "ctest a GTEST_FILTER=Suite.Case", "cases bin: x | y",
  // "gtest-list a | b" (where the cases of those tests are defined),
  // "compile database", "unit dependencies" (what each unit was compiled from),
  // "analyze clang-tidy src/a.cpp", "gitleaks auto", "command ./lint.sh --strict".
  std::vector<std::string> calls;
  std::vector<runners::BuildOptions> build_requests;
  std::vector<runners::CTestOptions> test_requests;
  std::vector<runners::AnalyzerOptions> analyzer_requests;
  std::vector<runners::ProcessSpec> command_requests;
  // How often each CTest test or case was run (by ctest or directly).
  std::map<std::string, int> runs;

  // ---- Toolchain ----
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
  std::map<std::string, std::string> tool_versions() override { return versions; }
  std::optional<std::string> version_of(const std::string& program) override;
  std::optional<std::string> program_identity(const std::string& program) override;

 private:
  // The result of the next run of a CTest test or case `name` (counted in `runs`).
  runners::TestResult next_run(const std::string& name);
  const runners::DiscoveredTest* discovered(const std::string& name) const;
  size_t builds_done_ = 0;
  size_t analyses_done_ = 0;
};

// A discovered test named `name` that runs `<build_dir>/<target>` (so a BuildGraph with that target's
// artifact there maps the test to it), with `labels`.
runners::DiscoveredTest discovered_test(const std::string& name, const std::filesystem::path& build_dir,
                                        const std::string& target, std::vector<std::string> labels = {});

// A target for fake_build_graph: it builds <build_dir>/<name> from `sources` (repository-relative) and
// links the targets in `depends_on`.
struct FakeTarget {
  std::string name;
  std::vector<std::string> sources;
  std::vector<std::string> depends_on;
};
BuildGraph fake_build_graph(const std::filesystem::path& source_dir, const std::filesystem::path& build_dir,
                            const std::vector<FakeTarget>& targets);

}  // namespace autofix::testing
