#include "gate/judge/cmake_toolchain.h"

#include <utility>

#include "gate/state/analysis_store.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/trace.h"
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
  TraceScope trace("cmake --build");
  used_.emplace("cmake", "cmake");
  discovered_.erase(options.build_dir);
  if (!first_build_dir_) first_build_dir_ = options.build_dir;
  return journaled(op_, options, [](const runners::BuildOptions& o) { return runners::configure_and_build(o); });
}

std::optional<BuildGraph> CMakeToolchain::build_graph(const std::filesystem::path& source_dir,
                                                      const std::filesystem::path& build_dir) {
  TraceScope trace("build graph");
  return BuildGraph::load(source_dir, build_dir);
}

std::vector<runners::DiscoveredTest> CMakeToolchain::discover_tests(const std::filesystem::path& build_dir) {
  used_.emplace("ctest", "ctest");
  if (auto known = discovered_.find(build_dir); known != discovered_.end()) return known->second;
  TraceScope trace("ctest --show-only");
  std::vector<runners::DiscoveredTest> tests = runners::discover_tests(build_dir);
  discovered_[build_dir] = tests;
  return tests;
}

runners::CTestRun CMakeToolchain::run_tests(const runners::CTestOptions& options) {
  TraceScope trace("ctest");
  used_.emplace("ctest", options.ctest);
  runners::CTestOptions o = options;
  // The listing discovery made for this build already (the same default ctest, no label filter).
  if (auto known = discovered_.find(options.build_dir);
      !o.discovered && known != discovered_.end() && o.labels.empty() && o.ctest == "ctest")
    o.discovered = known->second;
  return journaled(op_, o, [](const runners::CTestOptions& opts) { return runners::run_ctest(opts); });
}

runners::TestFramework CMakeToolchain::framework_of(const runners::DiscoveredTest& test) {
  return runners::framework_of(test);
}

runners::DirectCaseRun CMakeToolchain::run_cases(const runners::DiscoveredTest& test, runners::TestFramework framework,
                                                 const std::vector<std::string>& cases,
                                                 const runners::DirectCaseOptions& options) {
  TraceScope trace("test binary");
  return journaled(op_, options, [&](const runners::DirectCaseOptions& o) {
    return runners::run_cases_directly(test, framework, cases, o);
  });
}

std::map<std::string, SourceLocation> CMakeToolchain::gtest_case_definitions(
    const std::vector<runners::DiscoveredTest>& tests, const runners::GtestListingOptions& options) {
  TraceScope trace("gtest listing");
  return journaled(op_, options, [&](const runners::GtestListingOptions& o) {
    return runners::gtest_case_definitions(tests, o);
  });
}

std::vector<runners::CompileUnit> CMakeToolchain::translation_units(const std::filesystem::path& build_dir,
                                                                   const std::filesystem::path& source_dir) {
  TraceScope trace("compile database");
  return runners::compile_units(build_dir, source_dir);
}

runners::UnitDependencies CMakeToolchain::unit_dependencies(const std::filesystem::path& build_dir,
                                                            const std::filesystem::path& source_dir) {
  TraceScope trace("unit dependencies");
  return runners::read_unit_dependencies(build_dir, source_dir);
}

runners::AnalyzerRun CMakeToolchain::analyze(const runners::AnalyzerOptions& options) {
  const char* analyzer = runners::to_string(options.analyzer);
  TraceScope trace(analyzer);
  used_.emplace(analyzer, options.program.empty() ? std::string(analyzer) : options.program);
  return journaled(op_, options, [](const runners::AnalyzerOptions& o) { return runners::run_analyzer(o); });
}

std::optional<std::vector<runners::GitleaksFinding>> CMakeToolchain::scan_secrets(
    const std::string& gitleaks, std::chrono::milliseconds timeout, const std::vector<runners::AddedFile>& files) {
  TraceScope trace("gitleaks");
  std::optional<std::filesystem::path> program = runners::locate_gitleaks(gitleaks);
  if (!program) return std::nullopt;
  runners::GitleaksOptions options;
  options.program = *program;
  options.timeout = timeout;
  return journaled(op_, options, [&](const runners::GitleaksOptions& o) { return runners::run_gitleaks(o, files); });
}

runners::ProcessResult CMakeToolchain::run_command(const runners::ProcessSpec& spec) {
  TraceScope trace("command");
  return journaled(op_, spec, [](const runners::ProcessSpec& s) { return runners::run_process(s); });
}

std::map<std::string, std::string> CMakeToolchain::tool_versions() {
  TraceScope trace("tool versions");
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
  // Stored per installed binary (its path, size and time: another binary is asked again).
  std::optional<AnalysisStore> store;
  std::optional<std::string> identity;
  if (state_dir_) {
    store.emplace(*state_dir_);
    identity = runners::program_identity(program);
    if (identity)
      if (std::optional<std::string> known = store->tool_version(*identity)) return known;
  }
  ProcessGroupRecord group(op_);
  std::optional<std::string> version = versions_.of(program, group.on_started());
  group.clear();
  if (version && identity) {
    try {
      store->store_tool_version(*identity, *version);
    } catch (const Error&) {
      // Only a shortcut: asked again next time.
    }
  }
  return version;
}

}  // namespace autofix
