// SPDX-License-Identifier: MIT
#include "tests/support/fake_toolchain.h"

#include <algorithm>
#include <regex>

#include "gate/util/error.h"
#include "runners/gtest_filter.h"

namespace autofix::testing {

namespace fs = std::filesystem;

namespace {

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

bool passing(runners::TestStatus s) { return s == runners::TestStatus::passed || s == runners::TestStatus::skipped; }

// CTest's -L: each expression must match one of the test's labels.
bool has_labels(const runners::DiscoveredTest& test, const std::vector<std::string>& expressions) {
  return std::all_of(expressions.begin(), expressions.end(), [&](const std::string& e) {
    std::regex re(e);
    return std::any_of(test.labels.begin(), test.labels.end(), [&](const std::string& l) { return std::regex_search(l, re); });
  });
}

std::optional<std::string> variable(const std::vector<std::pair<std::string, std::string>>& environment,
                                    const std::string& name) {
  for (const auto& [key, value] : environment)
    if (key == name) return value;
  return std::nullopt;
}

}  // namespace

runners::TestResult FakeToolchain::next_run(const std::string& name) {
  int done = runs[name]++;
  runners::TestResult r;
  r.name = name;
  r.status = runners::TestStatus::passed;
  if (auto s = statuses.find(name); s != statuses.end() && !s->second.empty())
    r.status = s->second[std::min(static_cast<size_t>(done), s->second.size() - 1)];
  if (auto d = durations.find(name); d != durations.end()) r.duration_s = d->second;
  if (!passing(r.status)) {
    r.output_excerpt = name + " " + runners::to_string(r.status);
    if (auto f = failure_lines.find(name); f != failure_lines.end()) r.failures = f->second;
    if (auto a = assertions.find(name); a != assertions.end()) r.first_failure = a->second;
  }
  if (auto d = definitions.find(name); d != definitions.end()) r.defined_at = d->second;
  return r;
}

const runners::DiscoveredTest* FakeToolchain::discovered(const std::string& name) const {
  auto it = std::find_if(tests.begin(), tests.end(), [&](const runners::DiscoveredTest& t) { return t.name == name; });
  return it == tests.end() ? nullptr : &*it;
}

runners::BuildResult FakeToolchain::build(const runners::BuildOptions& options) {
  std::string flags;
  if (options.reconfigure) flags += " (reconfigure)";
  if (options.clean_first) flags += " (clean first)";
  calls.push_back("build" + flags);
  build_requests.push_back(options);
  size_t done = builds_done_++;
  if (builds.empty()) {
    runners::BuildResult ok;
    ok.ok = true;
    return ok;
  }
  return builds[std::min(done, builds.size() - 1)];
}

std::optional<BuildGraph> FakeToolchain::build_graph(const fs::path&, const fs::path&) {
  calls.push_back("graph");
  return graph;
}

std::vector<runners::DiscoveredTest> FakeToolchain::discover_tests(const fs::path&) {
  calls.push_back("discover");
  return tests;
}

runners::CTestRun FakeToolchain::run_tests(const runners::CTestOptions& options) {
  std::optional<std::string> filter = variable(options.environment, "GTEST_FILTER");
  calls.push_back("ctest" + (options.names.empty() ? std::string() : " " + joined(options.names, " | ")) +
                  (filter ? " GTEST_FILTER=" + *filter : std::string()));
  test_requests.push_back(options);
  runners::CTestRun run;
  for (const runners::DiscoveredTest& d : tests) {
    bool named = std::find(options.names.begin(), options.names.end(), d.name) != options.names.end();
    if (!options.names.empty() && !named) continue;
    if (!has_labels(d, options.labels)) continue;
    bool any_case_failed = false;
    if (auto c = cases.find(d.name); c != cases.end()) {
      for (const std::string& case_name : c->second) {
        if (filter && !runners::gtest_filter_matches(*filter, case_name)) continue;
        runners::TestResult r = next_run(d.name + "::" + case_name);
        r.ctest_test = d.name;
        r.case_name = case_name;
        any_case_failed = any_case_failed || !passing(r.status);
        run.cases.push_back(std::move(r));
      }
    }
    runners::TestResult own = next_run(d.name);
    if (any_case_failed && !statuses.count(d.name)) {
      own.status = runners::TestStatus::failed;
      own.output_excerpt = d.name + " failed";
    }
    run.tests.push_back(std::move(own));
  }
  if (run.tests.empty()) throw Error(ErrorKind::internal, "ctest ran no test (fake toolchain)");
  run.discovered = tests;
  return run;
}

runners::TestFramework FakeToolchain::framework_of(const runners::DiscoveredTest& test) {
  auto it = frameworks.find(test.name);
  return it == frameworks.end() ? runners::TestFramework::unknown : it->second;
}

runners::DirectCaseRun FakeToolchain::run_cases(const runners::DiscoveredTest& test, runners::TestFramework,
                                                const std::vector<std::string>& selected,
                                                const runners::DirectCaseOptions&) {
  calls.push_back("cases " + test.name + ": " + joined(selected, " | "));
  runners::DirectCaseRun run;
  auto known = cases.find(test.name);
  for (const std::string& case_name : selected) {
    if (known == cases.end() || std::find(known->second.begin(), known->second.end(), case_name) == known->second.end())
      continue;
    runners::TestResult r = next_run(test.name + "::" + case_name);
    r.ctest_test = test.name;
    r.case_name = case_name;
    run.cases.push_back(std::move(r));
  }
  if (run.cases.empty()) run.problem = "no case ran";
  return run;
}

std::map<std::string, SourceLocation> FakeToolchain::gtest_case_definitions(
    const std::vector<runners::DiscoveredTest>& asked, const runners::GtestListingOptions&) {
  std::vector<std::string> names;
  std::map<std::string, SourceLocation> out;
  for (const runners::DiscoveredTest& t : asked) {
    names.push_back(t.name);
    if (auto it = listed.find(t.name); it != listed.end()) out.emplace(t.name, it->second);
  }
  calls.push_back("gtest-list " + joined(names, " | "));
  return out;
}

std::vector<runners::CompileUnit> FakeToolchain::translation_units(const fs::path&, const fs::path&) {
  calls.push_back("compile database");
  std::vector<runners::CompileUnit> units;
  for (const std::string& file : compile_database) {
    auto it = compile_commands.find(file);
    units.push_back({file, it == compile_commands.end() ? "c++ -c " + file + "\n" : it->second});
  }
  std::sort(units.begin(), units.end(), [](const auto& a, const auto& b) { return a.file < b.file; });
  return units;
}

runners::UnitDependencies FakeToolchain::unit_dependencies(const fs::path&, const fs::path&) {
  calls.push_back("unit dependencies");
  return unit_deps.value_or(runners::UnitDependencies{});
}

std::optional<std::string> FakeToolchain::program_identity(const std::string& program) {
  auto it = identities.find(program);
  if (it == identities.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> FakeToolchain::version_of(const std::string& program) {
  ++version_queries;
  auto it = versions.find(program);
  if (it == versions.end()) return std::nullopt;
  return it->second;
}

runners::AnalyzerRun FakeToolchain::analyze(const runners::AnalyzerOptions& options) {
  calls.push_back(std::string("analyze ") + runners::to_string(options.analyzer) + " " + joined(options.files, " "));
  analyzer_requests.push_back(options);
  size_t done = analyses_done_++;
  runners::AnalyzerRun run;
  for (const std::string& file : options.files) run.by_unit[file];
  if (analyses.empty()) return run;
  const Analysis& a = analyses[std::min(done, analyses.size() - 1)];
  if (!a.error.empty()) throw Error(ErrorKind::internal, a.error);
  run.findings = a.findings;
  if (!a.by_unit.empty()) {
    run.by_unit = a.by_unit;
  } else if (!options.files.empty()) {
    for (const Finding& f : a.findings) {
      bool own = std::find(options.files.begin(), options.files.end(), f.file) != options.files.end();
      run.by_unit[own ? f.file : options.files.front()].push_back(f);
    }
  }
  return run;
}

std::optional<std::vector<runners::GitleaksFinding>> FakeToolchain::scan_secrets(const std::string& setting,
                                                                                std::chrono::milliseconds,
                                                                                const std::vector<runners::AddedFile>&) {
  calls.push_back("gitleaks " + setting);
  if (setting == "off") return std::nullopt;
  if (!gitleaks_error.empty()) throw Error(ErrorKind::internal, gitleaks_error);
  return gitleaks;
}

runners::ProcessResult FakeToolchain::run_command(const runners::ProcessSpec& spec) {
  calls.push_back("command " + joined(spec.argv, " "));
  command_requests.push_back(spec);
  const std::string program = spec.argv.empty() ? std::string() : spec.argv.front();
  if (std::find(unstartable.begin(), unstartable.end(), program) != unstartable.end())
    throw Error(ErrorKind::usage, "cannot start '" + program + "': No such file or directory");
  runners::ProcessResult p;
  auto it = exit_codes.find(program);
  p.exit_code = it == exit_codes.end() ? 0 : it->second;
  p.limit = spec.timeout;
  return p;
}

runners::DiscoveredTest discovered_test(const std::string& name, const fs::path& build_dir, const std::string& target,
                                        std::vector<std::string> labels) {
  runners::DiscoveredTest t;
  t.name = name;
  t.command = {(build_dir / target).string()};
  t.working_directory = build_dir.string();
  t.labels = std::move(labels);
  return t;
}

BuildGraph fake_build_graph(const fs::path& source_dir, const fs::path& build_dir, const std::vector<FakeTarget>& targets) {
  std::vector<runners::CMakeTarget> cmake_targets;
  for (const FakeTarget& f : targets) {
    runners::CMakeTarget t;
    t.id = f.name + "::@fake";
    t.name = f.name;
    t.type = "EXECUTABLE";
    t.artifacts = {(build_dir / f.name).lexically_normal().string()};
    for (const std::string& s : f.sources) t.sources.push_back((source_dir / s).lexically_normal().string());
    for (const std::string& d : f.depends_on) t.dependencies.push_back(d + "::@fake");
    t.object_dir = "CMakeFiles/" + f.name + ".dir/";
    cmake_targets.push_back(std::move(t));
  }
  return BuildGraph(source_dir, cmake_targets, {});
}

}  // namespace autofix::testing
