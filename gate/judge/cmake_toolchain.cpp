// SPDX-License-Identifier: MIT
#include "gate/judge/cmake_toolchain.h"

#include <memory>
#include <utility>

#include "gate/git/handles.h"
#include "gate/git/hash_text.h"
#include "gate/state/analysis_store.h"
#include "gate/state/discovery_store.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/trace.h"
#include "runners/discovery_key.h"
#include "runners/program_lookup.h"

namespace autofix {

namespace {

// The name a listing's key is stored under.
std::string listing_hash(const std::string& key) { return git::to_hex(git::hash_text(key, "a test listing's key")); }

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
  // Stored across runs while the scripts ctest reads (and ctest itself) are the same.
  std::optional<DiscoveryStore> store;
  std::optional<std::string> key;
  auto key_now = [&]() -> std::optional<std::string> {
    std::optional<std::string> ctest = runners::program_identity("ctest");
    if (!ctest) return std::nullopt;
    return runners::ctest_listing_key(build_dir, {}, *ctest).key;
  };
  if (state_dir_) {
    TraceScope trace("stored listing");
    store.emplace(*state_dir_);
    key = key_now();
    if (key) {
      if (std::optional<std::string> output = store->ctest_listing(listing_hash(*key), *key)) {
        try {
          std::vector<runners::DiscoveredTest> tests =
              runners::parse_show_only_json(*output, runners::show_only_description(build_dir));
          discovered_[build_dir] = tests;
          return tests;
        } catch (const Error&) {
          // Not what ctest prints: asked again below, and replaced.
        }
      }
    }
  }
  std::string output;
  {
    TraceScope trace("ctest --show-only");
    output = runners::show_only_json(build_dir);
  }
  std::vector<runners::DiscoveredTest> tests =
      runners::parse_show_only_json(output, runners::show_only_description(build_dir));
  discovered_[build_dir] = tests;
  // Stored only when nothing ctest read changed while it ran (the key is the same after as before).
  if (key && key == key_now()) {
    try {
      store->store_ctest_listing(listing_hash(*key), *key, output);
    } catch (const Error&) {
      // Only a shortcut: ctest is asked again next time.
    }
  }
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
  runners::GtestListingOptions with_store = options;
  if (state_dir_) {
    // Stored per binary while it is the same file (size, times, inode), listed the same way.
    auto store = std::make_shared<DiscoveryStore>(*state_dir_);
    auto key_of = [build_dir = options.build_dir](const std::filesystem::path& binary,
                                                  const runners::DiscoveredTest& test) {
      return runners::gtest_listing_key(binary, test, build_dir).key;
    };
    auto keys = std::make_shared<std::map<std::filesystem::path, std::string>>();  // binary -> key before listing
    with_store.find_listing = [=](const std::filesystem::path& binary, const runners::DiscoveredTest& test)
        -> std::optional<std::map<std::string, SourceLocation>> {
      std::optional<std::string> key = key_of(binary, test);
      if (!key) return std::nullopt;
      (*keys)[binary] = *key;
      return store->gtest_listing(listing_hash(*key), *key);
    };
    with_store.keep_listing = [=](const std::filesystem::path& binary, const runners::DiscoveredTest& test,
                                  const std::map<std::string, SourceLocation>& cases) {
      // Only when the binary is still the one keyed before it was listed.
      auto before = keys->find(binary);
      if (before == keys->end() || key_of(binary, test) != before->second) return;
      try {
        store->store_gtest_listing(listing_hash(before->second), before->second, cases);
      } catch (const Error&) {
        // Only a shortcut: listed again next time.
      }
    };
  }
  return journaled(op_, with_store, [&](const runners::GtestListingOptions& o) {
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
