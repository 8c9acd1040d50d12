#include "gate/judge/cmake_toolchain.h"

#include <utility>

namespace autofix {

namespace {

// Runs `run(options)` with options.on_started recording in the journal.
template <typename Options, typename Run>
auto journaled(Operation* op, Options options, Run run) {
  ProcessGroupRecord group(op);
  options.on_started = group.on_started();
  auto result = run(options);
  group.clear();
  return result;
}

}  // namespace

runners::BuildResult CMakeToolchain::build(const runners::BuildOptions& options) {
  return journaled(op_, options, [](const runners::BuildOptions& o) { return runners::configure_and_build(o); });
}

std::optional<BuildGraph> CMakeToolchain::build_graph(const std::filesystem::path& source_dir,
                                                      const std::filesystem::path& build_dir) {
  return BuildGraph::load(source_dir, build_dir);
}

std::vector<runners::DiscoveredTest> CMakeToolchain::discover_tests(const std::filesystem::path& build_dir) {
  return runners::discover_tests(build_dir);
}

runners::CTestRun CMakeToolchain::run_tests(const runners::CTestOptions& options) {
  return journaled(op_, options, [](const runners::CTestOptions& o) { return runners::run_ctest(o); });
}

runners::TestFramework CMakeToolchain::framework_of(const runners::DiscoveredTest& test) {
  return runners::framework_of(test);
}

runners::DirectCaseRun CMakeToolchain::run_cases(const runners::DiscoveredTest& test, runners::TestFramework framework,
                                                 const std::vector<std::string>& cases,
                                                 const runners::DirectCaseOptions& options) {
  return journaled(op_, options, [&](const runners::DirectCaseOptions& o) {
    return runners::run_cases_directly(test, framework, cases, o);
  });
}

std::map<std::string, SourceLocation> CMakeToolchain::gtest_case_definitions(
    const std::vector<runners::DiscoveredTest>& tests, const runners::GtestListingOptions& options) {
  return journaled(op_, options, [&](const runners::GtestListingOptions& o) {
    return runners::gtest_case_definitions(tests, o);
  });
}

std::vector<std::string> CMakeToolchain::translation_units(const std::filesystem::path& build_dir,
                                                           const std::filesystem::path& source_dir) {
  return runners::translation_units_in_database(build_dir, source_dir);
}

runners::AnalyzerRun CMakeToolchain::analyze(const runners::AnalyzerOptions& options) {
  return journaled(op_, options, [](const runners::AnalyzerOptions& o) { return runners::run_analyzer(o); });
}

std::optional<std::vector<runners::GitleaksFinding>> CMakeToolchain::scan_secrets(
    const std::string& gitleaks, std::chrono::milliseconds timeout, const std::vector<runners::AddedFile>& files) {
  std::optional<std::filesystem::path> program = runners::locate_gitleaks(gitleaks);
  if (!program) return std::nullopt;
  runners::GitleaksOptions options;
  options.program = *program;
  options.timeout = timeout;
  return journaled(op_, options, [&](const runners::GitleaksOptions& o) { return runners::run_gitleaks(o, files); });
}

runners::ProcessResult CMakeToolchain::run_command(const runners::ProcessSpec& spec) {
  return journaled(op_, spec, [](const runners::ProcessSpec& s) { return runners::run_process(s); });
}

}  // namespace autofix
