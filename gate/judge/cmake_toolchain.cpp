#include "gate/judge/cmake_toolchain.h"

#include <utility>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "runners/program_lookup.h"

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
  used_.emplace("cmake", "cmake");
  if (!first_build_dir_) first_build_dir_ = options.build_dir;
  return journaled(op_, options, [](const runners::BuildOptions& o) { return runners::configure_and_build(o); });
}

std::optional<BuildGraph> CMakeToolchain::build_graph(const std::filesystem::path& source_dir,
                                                      const std::filesystem::path& build_dir) {
  return BuildGraph::load(source_dir, build_dir);
}

std::vector<runners::DiscoveredTest> CMakeToolchain::discover_tests(const std::filesystem::path& build_dir) {
  used_.emplace("ctest", "ctest");
  return runners::discover_tests(build_dir);
}

runners::CTestRun CMakeToolchain::run_tests(const runners::CTestOptions& options) {
  used_.emplace("ctest", options.ctest);
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

std::vector<runners::CompileUnit> CMakeToolchain::translation_units(const std::filesystem::path& build_dir,
                                                                   const std::filesystem::path& source_dir) {
  return runners::compile_units(build_dir, source_dir);
}

runners::UnitDependencies CMakeToolchain::unit_dependencies(const std::filesystem::path& build_dir,
                                                            const std::filesystem::path& source_dir) {
  return runners::read_unit_dependencies(build_dir, source_dir);
}

runners::AnalyzerRun CMakeToolchain::analyze(const runners::AnalyzerOptions& options) {
  const char* analyzer = runners::to_string(options.analyzer);
  used_.emplace(analyzer, options.program.empty() ? std::string(analyzer) : options.program);
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

std::map<std::string, std::string> CMakeToolchain::tool_versions() {
  // The compiler the first build directory was configured with (also when its build then failed).
  if (first_build_dir_ && !used_.count("cxx_compiler")) {
    std::optional<std::string> cache;
    try {
      cache = read_file_if_exists(*first_build_dir_ / "CMakeCache.txt");
    } catch (const Error&) {
      // Unreadable now: the compiler's version is left out, as for any tool that does not say it.
    }
    if (std::optional<std::string> cxx = cache ? runners::cmake_cache_entry(*cache, "CMAKE_CXX_COMPILER") : std::nullopt;
        cxx && !cxx->empty())
      used_.emplace("cxx_compiler", *cxx);
  }
  std::map<std::string, std::string> out;
  for (const auto& [tool, program] : used_)
    if (std::optional<std::string> version = version_of(program)) out.emplace(tool, *version);
  return out;
}

std::optional<std::string> CMakeToolchain::program_identity(const std::string& program) {
  return runners::program_identity(program);
}

std::optional<std::string> CMakeToolchain::version_of(const std::string& program) {
  ProcessGroupRecord group(op_);
  std::optional<std::string> version = versions_.of(program, group.on_started());
  group.clear();
  return version;
}

}  // namespace autofix
