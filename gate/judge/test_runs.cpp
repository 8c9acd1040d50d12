// SPDX-License-Identifier: MIT
#include "gate/judge/test_runs.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "gate/state/operation.h"
#include "gate/util/atomic_file.h"
#include "runners/case_results.h"
#include "runners/cmake_file_api.h"
#include "runners/gtest_filter.h"
#include "runners/gtest_listing.h"
#include "runners/test_framework.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

RunStatus run_status(runners::TestStatus s) {
  switch (s) {
    case runners::TestStatus::passed: return RunStatus::passed;
    case runners::TestStatus::failed: return RunStatus::failed;
    case runners::TestStatus::timeout: return RunStatus::timeout;
    case runners::TestStatus::not_run: return RunStatus::not_run;
    case runners::TestStatus::skipped: return RunStatus::skipped;
  }
  return RunStatus::not_run;
}

// A path a test printed, relative to the repository root and '/'-separated when it lies inside it;
// else (outside, or relative to a directory nobody knows) as printed.
SourceLocation in_repository(SourceLocation where, const fs::path& root) {
  fs::path printed(where.file);
  if (!where.known() || !printed.is_absolute() || root.empty()) return where;
  auto inside = [](const fs::path& path, const fs::path& base) -> std::optional<std::string> {
    fs::path rel = path.lexically_normal().lexically_relative(base.lexically_normal());
    if (rel.empty() || rel == "." || *rel.begin() == "..") return std::nullopt;
    return rel.generic_string();
  };
  std::optional<std::string> rel = inside(printed, root);
  if (!rel) {
    // The build may name the sources through a symbolic link the root does not use (or the other way round).
    std::error_code ec1, ec2;
    fs::path real = fs::weakly_canonical(printed, ec1), real_root = fs::weakly_canonical(root, ec2);
    if (!ec1 && !ec2) rel = inside(real, real_root);
  }
  if (rel) where.file = *rel;
  return where;
}

TestRecord to_record(const runners::TestResult& t, const fs::path& root) {
  std::string output = t.message.empty() ? t.output_excerpt
                       : t.output_excerpt.empty() ? t.message
                                                  : t.message + "\n" + t.output_excerpt;
  TestRecord r;
  r.name = t.name;
  r.ctest_test = t.ctest_test.empty() ? t.name : t.ctest_test;
  r.case_name = t.case_name;
  r.status = run_status(t.status);
  r.duration_s = t.duration_s;
  r.output = std::move(output);
  r.failures = t.failures;
  r.defined_at = in_repository(t.defined_at, root);
  if (t.first_failure) {
    r.first_failure = t.first_failure;
    r.first_failure->location = in_repository(t.first_failure->location, root);
  }
  return r;
}

// The records of a run. A test whose report says nowhere where it is defined gets where a listing of its
// GoogleTest binary says its one case is (`listed`, by CTest test), else its CTest test's registration
// site (a CMakeLists.txt line), when CTest told it.
std::vector<TestRecord> to_records(const runners::CTestRun& run, const fs::path& root,
                                   const std::map<std::string, SourceLocation>& listed) {
  std::map<std::string, SourceLocation> registered;
  for (const runners::DiscoveredTest& d : run.discovered)
    if (!d.source_file.empty()) registered.emplace(d.name, in_repository({d.source_file, d.source_line}, root));
  for (const auto& [test, where] : listed) registered.insert_or_assign(test, in_repository(where, root));
  std::vector<TestRecord> out;
  for (const auto& t : run.tests) out.push_back(to_record(t, root));
  for (const auto& c : run.cases) out.push_back(to_record(c, root));
  for (TestRecord& r : out)
    if (auto site = registered.find(r.ctest_test); !r.defined_at.known() && site != registered.end())
      r.defined_at = site->second;
  return out;
}

// The tests of `run` that ran one GoogleTest case each (gtest_discover_tests) and whose results say
// nowhere where that case is defined: ctest runs them without GTEST_OUTPUT, and CTest records no
// registration line for them.
std::vector<runners::DiscoveredTest> unlocated_gtest_cases(const runners::CTestRun& run) {
  std::set<std::string> unlocated;
  for (const runners::TestResult& t : run.tests)
    if (!t.defined_at.known()) unlocated.insert(t.name);
  std::vector<runners::DiscoveredTest> out;
  for (const runners::DiscoveredTest& d : run.discovered)
    if (unlocated.count(d.name) && runners::single_gtest_case(d)) out.push_back(d);
  return out;
}

}  // namespace

std::string cmake_cache_text(const fs::path& build_dir) {
  return read_file_if_exists(build_dir / "CMakeCache.txt").value_or("");
}

// A build configured before the gate asked for them lacks the File API's codemodel reply (cascading
// failures) or, with a generator that writes one, compile_commands.json (the static tiers): configure
// it once more with both asked for.
bool lacks_what_the_gate_reads(const fs::path& build_dir) {
  if (!fs::exists(build_dir / ".cmake/api/v1/reply")) return true;
  std::string cache = cmake_cache_text(build_dir);
  size_t at = cache.find("CMAKE_GENERATOR:INTERNAL=");
  std::string generator = at == std::string::npos ? "" : cache.substr(at, cache.find('\n', at) - at);
  bool generator_writes_one = generator.find("Makefiles") != std::string::npos || generator.find("Ninja") != std::string::npos;
  // CMake writes the database for compiled languages only: a project of custom commands and scripts
  // (LANGUAGES NONE) never gets one, and asking again would configure it on every run.
  bool compiles = false;
  for (const char* language : {"C", "CXX", "CUDA", "OBJC", "OBJCXX"})
    compiles = compiles || cache.starts_with(std::string("CMAKE_") + language + "_COMPILER:") ||
               cache.find(std::string("\nCMAKE_") + language + "_COMPILER:") != std::string::npos;
  return generator_writes_one && compiles && !fs::exists(build_dir / "compile_commands.json");
}

runners::BuildResult build_tree(Toolchain& toolchain, const Layout& l, const RunSettings& s, bool reconfigure) {
  runners::BuildOptions b;
  b.source_dir = l.source_dir;
  b.build_dir = l.build_dir;
  b.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(s.timeout);
  b.jobs = s.jobs;
  // The static tier reads compile_commands.json; cascading failures read the File API's codemodel.
  b.configure_arguments = {"-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"};
  // Cascading failures read the File API's codemodel: ask for it, and configure again once when an
  // existing build has no reply yet (it was configured before the query existed).
  runners::write_codemodel_query(l.build_dir);
  b.reconfigure = reconfigure || (fs::exists(l.build_dir / "CMakeCache.txt") && lacks_what_the_gate_reads(l.build_dir));
  // After `recover` ended a build half way, its outputs cannot be trusted: rebuild everything once.
  fs::path marker = interrupted_build_marker(*l.repo);
  b.clean_first = fs::exists(marker);
  runners::BuildResult r = toolchain.build(b);
  if (b.clean_first) fs::remove(marker);
  return r;
}

// A listing runs no test: a binary that takes longer to list its cases is not waited for.
constexpr std::chrono::milliseconds kListingTimeout{10'000};

std::chrono::milliseconds per_test_limit(const RunSettings& s) {
  auto limit = std::min(s.test_timeout, std::max(std::chrono::seconds(1), s.timeout / 2));
  return std::chrono::duration_cast<std::chrono::milliseconds>(limit);
}

TestRun run_tests(Toolchain& toolchain, const Layout& l, const fs::path& output_dir, const RunSettings& s,
                  const TestRunOptions& options) {
  runners::CTestOptions c;
  c.build_dir = l.build_dir;
  c.output_dir = output_dir;
  c.jobs = s.jobs;
  c.timeout = per_test_limit(s);
  c.overall_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(s.timeout);  // the whole run
  c.environment = options.environment;
  c.read_failing_cases = options.read_failing_cases;
  std::vector<std::string> selection = options.names;
  if (selection.empty() && s.in_shard) {
    for (const auto& d : toolchain.discover_tests(l.build_dir))
      if (s.in_shard(d.name)) selection.push_back(d.name);
    if (selection.empty()) return {};  // this shard has no test
  }
  c.names = std::move(selection);
  runners::CTestRun run = toolchain.run_tests(c);
  std::map<std::string, SourceLocation> listed;
  std::vector<runners::DiscoveredTest> unlocated = options.locate_cases ? unlocated_gtest_cases(run)
                                                                        : std::vector<runners::DiscoveredTest>{};
  if (!unlocated.empty()) {
    runners::GtestListingOptions o;
    o.build_dir = l.build_dir;
    o.listing_dir = output_dir / "gtest-list";
    o.timeout = std::min(kListingTimeout, per_test_limit(s));
    listed = toolchain.gtest_case_definitions(unlocated, o);
  }
  return {to_records(run, l.root, listed), run.warnings};
}

bool disagrees(RunStatus first, const std::vector<RunStatus>& reruns) {
  bool passed = first == RunStatus::passed;
  return std::any_of(reruns.begin(), reruns.end(), [&](RunStatus r) { return (r == RunStatus::passed) != passed; });
}

std::vector<RunStatus> statuses_of(const std::vector<TestRecord>& runs) {
  std::vector<RunStatus> out;
  for (const TestRecord& r : runs) out.push_back(r.status);
  return out;
}

int rerun_rounds(const TestRecord& first_run, int reruns) {
  if (reruns <= 0) return 0;
  if (first_run.status == RunStatus::timeout) return 1;
  if (first_run.duration_s <= 0) return reruns;
  double fit = std::floor(kRerunBudgetSeconds / first_run.duration_s);
  return std::clamp(static_cast<int>(std::min(fit, 1e6)), 1, reruns);
}

RerunPlan rerun_plan(const std::vector<TestRecord>& records, const std::function<int(const TestRecord&)>& reruns_for) {
  RerunPlan plan;
  std::set<std::string> failing_cases;  // CTest tests whose cases show a failure
  std::set<std::string> rerun_cases;    // CTest tests some of whose cases run again
  std::map<const TestRecord*, int> rounds;
  for (const TestRecord& r : records) {
    TestKey k = key_of(r);
    if (k.case_name.empty()) continue;
    plan.cases_of[k.ctest_test].push_back(k.case_name);
    if (r.status != RunStatus::passed && r.status != RunStatus::skipped) failing_cases.insert(k.ctest_test);
    if (int n = rerun_rounds(r, reruns_for(r)); n > 0) {
      rounds[&r] = n;
      rerun_cases.insert(k.ctest_test);
    }
  }
  for (const TestRecord& r : records) {
    TestKey k = key_of(r);
    if (k.case_name.empty()) {
      if (rerun_cases.count(k.ctest_test) || (r.status != RunStatus::passed && failing_cases.count(k.ctest_test))) continue;
      if (int n = rerun_rounds(r, reruns_for(r)); n > 0) plan.targets.push_back({std::move(k), r.status, n});
    } else if (auto it = rounds.find(&r); it != rounds.end()) {
      plan.targets.push_back({std::move(k), r.status, it->second});
    }
  }
  return plan;
}

std::map<TestKey, std::vector<TestRecord>> rerun_until_disagreement(Toolchain& toolchain, const Layout& l,
                                                                   const RunSettings& settings, const RerunPlan& plan) {
  // One test at a time: a test that fails only beside another (a fixed port, a shared file; seen with
  // cpp-httplib's servers on port 1234 under ctest -j2) must show what it does alone.
  RunSettings s = settings;
  s.jobs = 1;
  std::map<TestKey, std::vector<TestRecord>> runs;
  std::map<TestKey, RerunTarget> pending;
  int max_rounds = 0;
  for (const RerunTarget& t : plan.targets) {
    pending.emplace(t.key, t);
    max_rounds = std::max(max_rounds, t.rounds);
  }
  if (pending.empty()) return runs;
  std::map<std::string, runners::DiscoveredTest> by_name;
  for (auto& d : toolchain.discover_tests(l.build_dir)) by_name.emplace(d.name, std::move(d));
  const fs::path dir = l.report_dir / "reruns";

  for (int round = 1; round <= max_rounds && !pending.empty(); ++round) {
    // CTest tests run together; cases by binary, through ctest with GTEST_FILTER or by the gate itself.
    std::set<std::string> whole;
    std::map<std::string, std::vector<std::string>> through_ctest, direct;
    for (const auto& [key, target] : pending) {
      if (target.rounds < round) continue;
      if (key.case_name.empty()) {
        whole.insert(key.ctest_test);
        continue;
      }
      auto d = by_name.find(key.ctest_test);
      if (d == by_name.end()) continue;
      runners::TestFramework f = toolchain.framework_of(d->second);
      bool own_run = (f == runners::TestFramework::catch2 || f == runners::TestFramework::doctest) && !d->second.needs_ctest;
      (own_run ? direct : through_ctest)[key.ctest_test].push_back(key.case_name);
    }
    std::map<TestKey, TestRecord> seen;
    auto keep = [&](const std::vector<TestRecord>& records, bool cases) {
      for (const TestRecord& r : records)
        if (cases != r.case_name.empty()) seen.emplace(key_of(r), r);
    };
    if (!whole.empty()) {
      TestRunOptions o;
      o.names.assign(whole.begin(), whole.end());
      o.read_failing_cases = false;
      o.locate_cases = false;
      keep(run_tests(toolchain, l, dir, s, o).records, false);
    }
    for (const auto& [test, cases] : through_ctest) {
      TestRunOptions o;
      o.names = {test};
      // When no filter selects exactly these cases (a name GoogleTest's filter cannot spell beside a name
      // like it), the binary runs whole rather than under a filter that may miss a case or take in others;
      // the cases are read by name all the same.
      auto known = plan.cases_of.find(test);
      if (std::optional<std::string> filter =
              runners::gtest_filter_for(cases, known == plan.cases_of.end() ? std::vector<std::string>{} : known->second))
        o.environment = {{"GTEST_FILTER", *filter}};
      o.read_failing_cases = false;
      o.locate_cases = false;
      keep(run_tests(toolchain, l, dir, s, o).records, true);
    }
    for (const auto& [test, cases] : direct) {
      runners::DirectCaseOptions o;
      o.build_dir = l.build_dir;
      o.report_file = dir / "cases.xml";
      o.timeout = per_test_limit(s);
      const runners::DiscoveredTest& binary = by_name.at(test);
      runners::DirectCaseRun run = toolchain.run_cases(binary, toolchain.framework_of(binary), cases, o);
      std::vector<TestRecord> records;
      for (const auto& c : run.cases) records.push_back(to_record(c, l.root));
      keep(records, true);
    }
    for (auto it = pending.begin(); it != pending.end();) {
      auto found = seen.find(it->first);
      if (it->second.rounds < round) {
        it = pending.erase(it);
      } else if (found == seen.end()) {
        it = pending.erase(it);  // nothing to observe: no guess
      } else {
        runs[it->first].push_back(found->second);
        bool done = disagrees(it->second.first, {found->second.status}) || it->second.rounds == round;
        it = done ? pending.erase(it) : std::next(it);
      }
    }
  }
  return runs;
}
}  // namespace autofix
